#include "gpconnect/registration.hpp"

#include "fhir/nhs_number.hpp"
#include "gpconnect/record.hpp"

namespace hidewire::gpconnect {
namespace {

constexpr std::string_view kOds = "https://fhir.nhs.uk/Id/ods-organization-code";

std::string ods_of(const Json& org_or_ref) {
  const Json* ids = member(org_or_ref, "identifier");
  if (!ids) return {};
  auto one = [](const Json& id) { return text_at(id, "system") == kOds ? text_at(id, "value") : std::string(); };
  if (!ids->IsArray()) return one(*ids);
  for (const Json& id : ids->GetArray())
    if (std::string v = one(id); !v.empty()) return v;
  return {};
}

std::optional<node::StoredResource> read_key(node::FhirStore& store, const std::string& key) {
  std::size_t slash = key.find('/');
  if (slash == std::string::npos) return std::nullopt;
  auto r = store.read(key.substr(0, slash), key.substr(slash + 1));
  if (!r || r->deleted) return std::nullopt;
  return r;
}

rapidjson::Document parse(const node::StoredResource& r) {
  rapidjson::Document d;
  d.Parse(r.json.c_str(), r.json.size());
  return d;
}

}  // namespace

Registration registration_of(node::FhirStore& store, const Json& patient) {
  Registration reg;
  const Json* gps = member(patient, "generalPractitioner");
  if (!gps || !gps->IsArray()) return reg;
  std::string practitioner_key;
  for (const Json& ref : gps->GetArray()) {
    std::string key = reference_key(&ref);
    std::string type = key.empty() ? text_at(ref, "type") : key.substr(0, key.find('/'));
    if (type == "Organization" || (key.empty() && !ods_of(ref).empty() && type.empty())) {
      if (!key.empty()) reg.organization = read_key(store, key);
      std::string ods = ods_of(ref);
      if (!reg.organization && !ods.empty()) {  // by identifier only: the practice's Organization by its ODS code
        node::SearchParams p;
        p.identifier_system = std::string(kOds);
        p.identifier_value = ods;
        p.count = 1;
        auto page = store.search("Organization", p);
        if (!page.resources.empty()) reg.organization = page.resources[0];
      }
      reg.practice_ods = reg.organization ? ods_of(parse(*reg.organization)) : ods;
      if (reg.practice_ods.empty()) reg.practice_ods = ods;
    } else if (type == "PractitionerRole" && !key.empty()) {
      reg.role = read_key(store, key);
      if (reg.role) practitioner_key = reference_key(member(parse(*reg.role), "practitioner"));
    } else if (type == "Practitioner" && !key.empty()) {
      practitioner_key = key;
    }
  }
  if (!practitioner_key.empty()) reg.practitioner = read_key(store, practitioner_key);
  if (reg.practitioner && !reg.role) {
    // The usual GP's role at this practice: one search of the (few) PractitionerRoles.
    node::SearchParams p;
    p.count = 200;
    for (const auto& r : store.search("PractitionerRole", p).resources) {
      rapidjson::Document d = parse(r);
      if (reference_key(member(d, "practitioner")) != practitioner_key) continue;
      std::string org = reference_key(member(d, "organization"));
      if (!reg.organization || org == "Organization/" + reg.organization->id) {
        reg.role = r;
        break;
      }
    }
  }
  return reg;
}

std::string unserved_reason(const Json& patient, const Registration& reg, const std::string& holder_ods) {
  const Json* deceased = member(patient, "deceasedBoolean");
  if ((deceased && deceased->IsBool() && deceased->GetBool()) || !text_at(patient, "deceasedDateTime").empty()) return "the patient is deceased";
  bool verified = false;
  const Json* ids = member(patient, "identifier");
  if (ids && ids->IsArray()) {
    for (const Json& id : ids->GetArray()) {
      if (text_at(id, "system") != fhir::kNhsNumberSystem) continue;
      const Json* exts = member(id, "extension");
      if (!exts || !exts->IsArray()) continue;
      for (const Json& e : exts->GetArray())
        if (text_at(e, "url") == fhir::kNhsVerificationStatusUrl &&
            has_code(member(e, "valueCodeableConcept"), "01", fhir::kNhsVerificationStatusSystem))
          verified = true;
    }
  }
  if (!verified) return "the NHS number is not verified (verification status is not 01)";
  if (holder_ods.empty() || reg.practice_ods != holder_ods) return "the patient is not registered at this practice";
  return {};
}

}  // namespace hidewire::gpconnect
