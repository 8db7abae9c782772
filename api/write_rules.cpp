#include "api/write_rules.hpp"

#include <rapidjson/document.h>
#include <strings.h>

#include <set>

#include "fhir/bundle_builder.hpp"
#include "fhir/codec.hpp"
#include "fhir/nhs_number.hpp"
#include "fhir/schema.hpp"

namespace hidewire::api {
namespace {

using Json = rapidjson::Value;

std::string str(const Json& o, const char* key) {
  if (!o.IsObject()) return {};
  auto it = o.FindMember(key);
  return it != o.MemberEnd() && it->value.IsString() ? std::string(it->value.GetString(), it->value.GetStringLength()) : std::string();
}

bool same(const std::string& a, const std::string& b) { return a.size() == b.size() && strcasecmp(a.c_str(), b.c_str()) == 0; }

WriteRefusal refusal(int status, const char* code, std::string message) { return {status, code, std::move(message)}; }

std::optional<WriteRefusal> type_refusal(const node::Caller& caller, const std::string& type, const std::string& where) {
  if (caller.may_write(type)) return std::nullopt;
  return refusal(403, "forbidden", where + caller.describe() + " may not write " + (type.empty() ? "this resource" : type) + " resources");
}

// The ODS code an identifier (or array of them) names, or empty.
std::string ods_in(const Json& ids) {
  if (ids.IsObject()) return str(ids, "system") == fhir::build::kOdsSystem ? str(ids, "value") : std::string();
  if (ids.IsArray())
    for (const Json& id : ids.GetArray())
      if (std::string ods = ods_in(id); !ods.empty()) return ods;
  return {};
}

// What a Reference names as an organisation: its identifier, an Organization the same Bundle
// writes, or the stored Organization it points at.
std::string named_ods(const Json& ref, node::FhirStore& store, const BundleOrgs* bundle_orgs) {
  if (!ref.IsObject()) return {};
  if (auto id = ref.FindMember("identifier"); id != ref.MemberEnd())
    if (std::string ods = ods_in(id->value); !ods.empty()) return ods;
  std::string target = str(ref, "reference");
  if (bundle_orgs)
    if (auto it = bundle_orgs->find(target); it != bundle_orgs->end() && !it->second.empty()) return it->second;
  if (target.rfind("Organization/", 0) != 0) return {};
  std::optional<node::StoredResource> org = store.read("Organization", target.substr(13));
  if (!org) return {};
  rapidjson::Document d;
  if (d.Parse(org->json.c_str()).HasParseError() || !d.IsObject() || !d.HasMember("identifier")) return {};
  return ods_in(d["identifier"]);
}

std::optional<WriteRefusal> forged_agent(const node::Caller& caller, const Json& prov, node::FhirStore& store, const BundleOrgs* bundle_orgs) {
  if (caller.kind == node::Caller::Kind::Anonymous) return std::nullopt;
  auto agents = prov.FindMember("agent");
  if (agents == prov.MemberEnd() || !agents->value.IsArray()) return std::nullopt;
  for (rapidjson::SizeType j = 0; j < agents->value.Size(); ++j)
    for (const char* role : {"who", "onBehalfOf"}) {
      const Json& agent = agents->value[j];
      if (!agent.IsObject() || !agent.HasMember(role)) continue;
      std::string ods = named_ods(agent[role], store, bundle_orgs);
      if (ods.empty() || same(ods, caller.ods_code)) continue;
      return refusal(403, "forbidden", "Provenance.agent[" + std::to_string(j) + "]." + role + " names organisation " + ods + ", but " +
                                           caller.describe() + " belongs to " + (caller.ods_code.empty() ? "no known organisation" : caller.ods_code) +
                                           ": provenance is recorded only for the caller's own organisation");
    }
  return std::nullopt;
}

std::set<std::string> nhs_numbers(const Json& patient) {
  std::set<std::string> out;
  auto ids = patient.FindMember("identifier");
  if (ids == patient.MemberEnd() || !ids->value.IsArray()) return out;
  for (const Json& id : ids->value.GetArray())
    if (str(id, "system") == fhir::kNhsNumberSystem && !str(id, "value").empty()) out.insert(str(id, "value"));
  return out;
}

// A stored Patient other than `self` with this NHS number.
bool taken_by_other(node::FhirStore& store, const std::string& nhs, std::string_view self) {
  node::SearchParams p;
  p.identifier_system = std::string(fhir::kNhsNumberSystem);
  p.identifier_value = nhs;
  p.count = 2;
  for (const node::StoredResource& r : store.search("Patient", p).resources)
    if (r.id != self && !r.deleted) return true;
  return false;
}

std::optional<WriteRefusal> patient_rules(const node::Caller& caller, const Json& patient, node::FhirStore& store, std::string_view existing_id) {
  std::set<std::string> wanted = nhs_numbers(patient);
  std::optional<node::StoredResource> existing;
  if (!existing_id.empty()) existing = store.read("Patient", std::string(existing_id));
  if (existing && !existing->deleted) {
    rapidjson::Document old;
    std::set<std::string> had;
    if (!old.Parse(existing->json.c_str()).HasParseError() && old.IsObject()) had = nhs_numbers(old);
    if (!had.empty() && had != wanted && !caller.has_role("admin"))
      return refusal(409, "conflict", "this update would remove or change Patient/" + std::string(existing_id) +
                                          "'s NHS number: that is a merge, an admin action (send the NHS number the Patient has)");
  }
  for (const std::string& nhs : wanted)
    if (taken_by_other(store, nhs, existing_id))
      return refusal(409, "duplicate", std::string("another Patient already has this NHS number: ") +
                                           (existing_id.empty() ? "use a conditional create or update (identifier=" : "update that one (identifier=") +
                                           std::string(fhir::kNhsNumberSystem) + "|...)");
  return std::nullopt;
}

}  // namespace

std::string ods_of_identifier(const rapidjson::Value& ids) { return ods_in(ids); }

std::optional<WriteRefusal> check_write(const node::Caller& caller, std::string_view resource_json, node::FhirStore& store,
                                        std::string_view existing_id, const BundleOrgs* bundle_orgs) {
  rapidjson::Document d;
  if (d.Parse(resource_json.data(), resource_json.size()).HasParseError() || !d.IsObject())
    return refusal(400, "structure", "not a FHIR resource in JSON");
  std::string type = str(d, "resourceType");
  if (auto r = type_refusal(caller, type, "")) return r;
  if (type == "Provenance") return forged_agent(caller, d, store, bundle_orgs);
  if (type == "Patient") return patient_rules(caller, d, store, existing_id);
  return std::nullopt;
}

std::optional<WriteRefusal> check_types(const node::Caller& caller, std::string_view body) {
  if (caller.may_write("*")) return std::nullopt;  // any type: nothing to read
  if (caller.write_types.empty()) return type_refusal(caller, "", "");
  fhir::Node root;
  fhir::Diagnostics diags;
  if (!fhir::parse_any(body, fhir::Schema::r4(), root, diags)) return std::nullopt;
  std::string type(root.resource_type());
  if (type != "Bundle") return type_refusal(caller, type, "");
  std::size_t i = 0;
  for (const fhir::Node& entry : root.children) {
    if (entry.name != "entry") continue;
    const fhir::Node* r = entry.child("resource");
    if (r)
      if (auto refused = type_refusal(caller, std::string(r->resource_type()), "Bundle.entry[" + std::to_string(i) + "].resource: "))
        return refused;
    ++i;
  }
  return std::nullopt;
}

std::optional<WriteRefusal> check_source_patients(std::string_view body) {
  fhir::Node root;
  fhir::Diagnostics diags;
  if (!fhir::parse_any(body, fhir::Schema::r4(), root, diags) || root.resource_type() != "Bundle") return std::nullopt;
  auto text = [](const fhir::Node* n) { return n ? n->value : std::string(); };
  std::set<std::string> keyed;
  std::size_t i = 0;
  for (const fhir::Node& entry : root.children) {
    if (entry.name != "entry") continue;
    std::string at = "Bundle.entry[" + std::to_string(i++) + "]";
    const fhir::Node* r = entry.child("resource");
    if (!r || r->resource_type() != "Patient") continue;
    std::set<std::string> nhs;
    for (const fhir::Node& id : r->children)
      if (id.name == "identifier" && text(id.child("system")) == fhir::kNhsNumberSystem && !text(id.child("value")).empty())
        nhs.insert(text(id.child("value")));
    const fhir::Node* req = entry.child("request");
    std::string method = req ? text(req->child("method")) : "", url = req ? text(req->child("url")) : "";
    if (method == "PUT" && url.find('?') == std::string::npos)
      return refusal(409, "conflict", at + ": a Patient is sent keyed by its NHS number (PUT Patient?identifier=...), not by id");
    if (nhs.empty()) continue;
    std::string key = "identifier=" + std::string(fhir::kNhsNumberSystem) + "|" + *nhs.begin();
    std::string criteria = method == "PUT" ? url.substr(url.find('?') + 1) : req ? text(req->child("ifNoneExist")) : "";
    if (nhs.size() > 1 || criteria != key || !keyed.insert(key).second)
      return refusal(409, "conflict", at + ": a Patient with an NHS number is sent once a Bundle, keyed by that number (" +
                                          (method == "PUT" ? "PUT Patient?" : "POST with ifNoneExist ") + "identifier=" +
                                          std::string(fhir::kNhsNumberSystem) + "|...)");
  }
  return std::nullopt;
}

}  // namespace hidewire::api
