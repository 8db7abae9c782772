#include "mapping/stu3_engine/record.hpp"

#include <map>
#include <set>

#include "fhir/bundle_builder.hpp"
#include "fhir/json_numbers.hpp"
#include "fhir/nhs_number.hpp"
#include "mapping/stu3_engine/r4_fit.hpp"

namespace hidewire::mapping::stu3 {
namespace {

namespace build = fhir::build;
using Status = RecordConversion::Status;

std::string text(const Json& o, const char* name) {
  auto m = o.IsObject() ? o.FindMember(name) : Json::ConstMemberIterator();
  return o.IsObject() && m != o.MemberEnd() && m->value.IsString() ? m->value.GetString() : "";
}

// "Patient/123", "https://host/fhir/Patient/123/_history/2" -> "Patient/123"; empty otherwise.
std::string relative_key(std::string ref) {
  if (auto h = ref.find("/_history/"); h != std::string::npos) ref.resize(h);
  std::size_t slash = ref.rfind('/');
  if (slash == std::string::npos || slash == 0) return {};
  std::size_t type_start = ref.rfind('/', slash - 1);
  return ref.substr(type_start == std::string::npos ? 0 : type_start + 1);
}

struct Entry {
  std::size_t index = 0;  // in the STU3 Bundle
  Json* resource = nullptr;
  std::string stu3_type, type, at, full_url;
};

// Points every reference at its entry's new fullUrl; a reference to something the record does not
// hold keeps its target, with the R4 type name, and a warning.
void resolve(Json& v, const std::map<std::string, std::string>& urls, const Maps& maps, rapidjson::Document::AllocatorType& a,
             const std::string& at, fhir::Diagnostics& diags) {
  if (v.IsArray()) {
    for (Json& item : v.GetArray()) resolve(item, urls, maps, a, at, diags);
    return;
  }
  if (!v.IsObject()) return;
  for (auto& m : v.GetObject()) {
    if (std::string_view(m.name.GetString()) == "reference" && m.value.IsString()) {
      std::string ref = m.value.GetString();
      if (ref.empty() || ref[0] == '#') continue;
      auto found = urls.find(ref);
      if (found == urls.end()) found = urls.find(relative_key(ref));
      if (found != urls.end()) {
        m.value.SetString(found->second.c_str(), a);
        continue;
      }
      std::string key = relative_key(ref);
      std::string type = key.substr(0, key.find('/'));
      if (auto ops = maps.types.find(type); ops != maps.types.end())
        for (const Op& op : ops->second)
          if (op.kind == Op::Kind::Type) m.value.SetString((op.to + key.substr(key.find('/'))).c_str(), a);
      diags.warning("not-found", at, "reference '" + std::string(m.value.GetString()) + "' names a resource the record does not hold");
      continue;
    }
    resolve(m.value, urls, maps, a, at, diags);
  }
}

std::string nhs_number_in(const Json& patient) {
  auto ids = patient.FindMember("identifier");
  if (ids == patient.MemberEnd() || !ids->value.IsArray()) return {};
  for (const Json& id : ids->value.GetArray())
    if (text(id, "system") == fhir::kNhsNumberSystem) return text(id, "value");
  return {};
}

constexpr unsigned kMaxDepth = 100;  // as fhir::ParseLimits

bool nesting_over(std::string_view json, unsigned limit) {
  unsigned depth = 0;
  bool in_string = false, escaped = false;
  for (char c : json) {
    if (in_string) {
      if (escaped) escaped = false;
      else if (c == '\\') escaped = true;
      else if (c == '"') in_string = false;
    } else if (c == '"') {
      in_string = true;
    } else if (c == '{' || c == '[') {
      if (++depth > limit) return true;
    } else if ((c == '}' || c == ']') && depth > 0) {
      --depth;
    }
  }
  return false;
}

// Anything besides its type, id and meta: a resource that says nothing is not carried.
bool has_content(const Json& r) {
  for (const auto& m : r.GetObject()) {
    std::string_view n = m.name.GetString();
    if (n != "resourceType" && n != "id" && n != "meta") return true;
  }
  return false;
}

// Directory resources are shared with other records: written only when the node has none yet.
bool directory_type(const std::string& type) {
  return type == "Organization" || type == "Practitioner" || type == "PractitionerRole" || type == "Location" || type == "Medication";
}

}  // namespace

RecordConversion convert_record(std::string_view json, const Maps& maps, const RecordOptions& options) {
  RecordConversion out;
  // The reader and the walks recurse: nesting deeper than any FHIR resource is refused first.
  if (nesting_over(json, kMaxDepth)) {
    out.diagnostics.add(fhir::Severity::Fatal, "too-costly", "", "nesting deeper than " + std::to_string(kMaxDepth) + " levels");
    return out;
  }
  rapidjson::Document doc;
  if (!fhir::json::parse(std::string(json), doc) || !doc.IsObject() || text(doc, "resourceType").empty()) {
    out.diagnostics.add(fhir::Severity::Fatal, "structure", "", "not a FHIR STU3 resource in JSON");
    return out;
  }
  auto& a = doc.GetAllocator();
  if (text(doc, "resourceType") != "Bundle") {
    out.status = Status::Refused;
    out.diagnostics.error("not-supported", text(doc, "resourceType"),
                          "fhir-stu3 takes a Bundle (a GP Connect structured record), not a " + text(doc, "resourceType"));
    return out;
  }
  std::vector<std::string> absent;
  const Report report{&out.unmapped, &absent};
  std::vector<Entry> entries;
  std::map<std::string, std::string> urls;  // STU3 fullUrl or Type/id -> new fullUrl
  auto list = doc.FindMember("entry");
  for (rapidjson::SizeType i = 0; list != doc.MemberEnd() && list->value.IsArray() && i < list->value.Size(); ++i) {
    Json& e = list->value[i];
    std::string at = "Bundle.entry[" + std::to_string(i) + "]";
    Json* r = nullptr;
    if (e.IsObject() && e.HasMember("resource")) r = &e["resource"];
    else if (e.IsObject() && e.HasMember("resourceType")) {
      r = &e;  // a resource written where its entry belongs: taken as the entry's resource
      out.diagnostics.warning("structure", at, "an entry without 'resource': read as the resource itself");
    }
    std::string stu3_type = r ? text(*r, "resourceType") : "";
    if (stu3_type.empty()) {
      report.add(at);
      continue;
    }
    at += "(" + stu3_type + ")";
    if (stu3_type == "OperationOutcome" || !maps.types.count(stu3_type) || !has_content(*r)) {
      report.add(at);  // the provider's messages about the record, a type this map does not carry, or an empty resource
      continue;
    }
    Entry en{i, r, stu3_type, "", at, build::stable_uuid(options.message_id, entries.size())};
    std::string id = text(*r, "id");
    if (!id.empty()) urls[stu3_type + "/" + id] = en.full_url;
    if (std::string fu = text(e, "fullUrl"); !fu.empty()) urls[fu] = en.full_url;
    entries.push_back(std::move(en));
  }
  for (Entry& en : entries) {
    en.type = reshape(*en.resource, maps, a, en.at, report);
    en.resource->RemoveMember("id");
    fit_r4(*en.resource, a, en.at, report);
  }
  for (const std::string& at : absent)
    out.diagnostics.warning("required", at, "required in R4 but not in the record: sent with a data-absent-reason");
  for (Entry& en : entries) resolve(*en.resource, urls, maps, a, en.at, out.diagnostics);

  std::set<std::string> nhs_numbers;
  for (const Entry& en : entries)
    if (en.type == "Patient")
      if (std::string n = nhs_number_in(*en.resource); !n.empty()) nhs_numbers.insert(n);
  out.status = Status::Refused;
  if (nhs_numbers.empty()) {
    out.diagnostics.error("required", "Bundle", "the record has no Patient with an NHS number (https://fhir.nhs.uk/Id/nhs-number)");
    return out;
  }
  if (nhs_numbers.size() > 1) {
    out.diagnostics.error("business-rule", "Bundle", "the record names " + std::to_string(nhs_numbers.size()) + " patients' NHS numbers: one record, one patient");
    return out;
  }
  out.nhs_number = *nhs_numbers.begin();
  if (std::string why = fhir::check_nhs_number(out.nhs_number); !why.empty()) {
    out.nhs_number.clear();
    out.diagnostics.error("value", "Bundle.entry(Patient).identifier", "invalid NHS number: " + why, "nhs-number-check");
    return out;
  }

  // Keys: the Patient by NHS number; others by identifier when it is theirs alone in the record.
  std::map<std::string, int> key_count;
  std::vector<std::string> keys;
  for (const Entry& en : entries) {
    keys.push_back(build::conditional_url(en.type, *en.resource, en.type == "Patient" ? out.nhs_number : ""));
    if (!keys.back().empty()) ++key_count[keys.back()];
  }
  std::vector<Json> tx;
  std::vector<std::string> targets;
  for (std::size_t i = 0; i < entries.size(); ++i) {
    Entry& en = entries[i];
    std::string key = key_count[keys[i]] == 1 ? keys[i] : "";
    build::Write how = en.type == "Patient" ? build::Write::Upsert : directory_type(en.type) ? build::Write::CreateIfAbsent : build::Write::Upsert;
    targets.push_back(en.full_url);
    tx.push_back(build::transaction_entry(en.full_url, en.type, Json(std::move(*en.resource)), key, how, a));
  }
  build::Source src{options.received_at, options.agent.empty() ? "a GP Connect provider" : options.agent, "urn:hidewire:message-sha256",
                    options.message_id, "GP Connect structured record (FHIR STU3)", options.sender_ods};
  tx.push_back(build::transaction_entry(build::stable_uuid(options.message_id, entries.size()), "Provenance",
                                        build::provenance(targets, src, a), "", build::Write::Create, a));
  out.bundle_json = fhir::json::write(build::transaction_bundle(tx, options.received_at, a));
  out.status = Status::Converted;
  return out;
}

}  // namespace hidewire::mapping::stu3
