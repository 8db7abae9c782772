// The patient view's timeline: one person's events across the organisations this node knows of,
// from the store's resources for them, and the organisations those events name. Used by
// ui_patient.cpp only.
#pragma once

#include <map>
#include <optional>
#include <string>
#include <vector>

#include "dashboard/ui_parts.hpp"
#include "node/fhir_store.hpp"

namespace hidewire::dashboard {

using rapidjson::Value;


inline const Value* get(const Value& o, const char* key) {
  if (!o.IsObject()) return nullptr;
  auto it = o.FindMember(key);
  return it == o.MemberEnd() ? nullptr : &it->value;
}
inline std::string text_of(const Value* v, const char* key) { return v ? member_string(*v, key) : std::string(); }
inline const Value* first(const Value* v) { return v && v->IsArray() && !v->Empty() ? &(*v)[0] : v && v->IsObject() ? v : nullptr; }

constexpr const char* kOds = "https://fhir.nhs.uk/Id/ods-organization-code";

struct Org {
  std::string ods, name;
};

// The organisation a reference names: a local Organization (its ODS identifier and name), or
// the identifier and display the reference carries.
class Orgs {
 public:
  explicit Orgs(node::FhirStore& store) : store_(store) {}
  std::optional<Org> of(const Value* ref) {
    ref = first(ref);
    if (!ref) return std::nullopt;
    if (const Value* actor = get(*ref, "actor")) ref = actor;  // a participant's
    std::string r = text_of(ref, "reference"), type = text_of(ref, "type");
    // An organisation only: a performer or participant may be a Practitioner (Dr Patel, GMC C1234567).
    bool org = r.rfind("Organization/", 0) == 0 || type == "Organization" || text_of(get(*ref, "identifier"), "system") == kOds;
    if (!org) return std::nullopt;
    Org o{text_of(get(*ref, "identifier"), "value"), text_of(ref, "display")};
    if (r.rfind("Organization/", 0) == 0) {
      auto [it, added] = cache_.try_emplace(r);
      if (added)
        if (auto stored = store_.read("Organization", r.substr(13))) {
          rapidjson::Document d;
          d.Parse(stored->json.c_str());
          it->second = {text_of(first(get(d, "identifier")), "value"), member_string(d, "name")};
        }
      if (o.ods.empty()) o.ods = it->second.ods;
      if (o.name.empty()) o.name = it->second.name;
    }
    if (o.name.empty() && !o.ods.empty()) o.name = named(o.ods);
    if (o.ods.empty() && o.name.empty()) return std::nullopt;
    return o;
  }
  // The name of the organisation with that ODS code, from its Organization in the store, if any.
  std::string named(const std::string& ods) {
    auto [it, added] = names_.try_emplace(ods);
    if (added) {
      node::SearchParams q;
      q.identifier_system = kOds;
      q.identifier_value = ods;
      q.count = 1;
      for (const node::StoredResource& r : store_.search("Organization", q).resources) {
        rapidjson::Document d;
        d.Parse(r.json.c_str());
        if (!d.HasParseError() && d.IsObject()) it->second = member_string(d, "name");
      }
    }
    return it->second;
  }

 private:
  node::FhirStore& store_;
  std::map<std::string, Org> cache_;
  std::map<std::string, std::string> names_;
};

void write_org(Writer& w, const char* key, const std::optional<Org>& o);

// "timeline": the events of `all` (the patient's stored resources), newest first, one entry per
// event (an admission's Encounters from its results and documents are one stay).
void write_timeline(Writer& w, node::FhirStore& store, Orgs& orgs, const std::vector<node::StoredResource>& all);

}  // namespace hidewire::dashboard
