// The holder's side of federation (docs/FEDERATION.md): GP Connect Access Record Structured
// ($gpc.getstructuredrecord), discovery ($hidewire-holds-record) and the per-patient record
// ($hidewire-patient-record). Each is put to the access policy through the RecordGate as every
// other read is (the patient, then each resource), so dissent, sensitivity, restrictions and
// break-glass work exactly as for $everything, and the trail audits the one patient touched.
#include <rapidjson/document.h>

#include "api/fhir_api.hpp"
#include "api/fhir_api_parts.hpp"
#include "api/record_gate.hpp"
#include "fhir/clock.hpp"
#include "fhir/nhs_number.hpp"
#include "gpconnect/parameters.hpp"
#include "gpconnect/registration.hpp"
#include "gpconnect/spine_error.hpp"
#include "gpconnect/structured_record.hpp"
#include "log/log.hpp"

namespace hidewire::http {
namespace {

Response spine(const gpconnect::Error& e) {
  Response r;
  r.status = e.status;
  r.body = gpconnect::outcome_json(e);
  return r;
}

std::optional<node::StoredResource> patient_by_nhs(node::FhirStore& store, const std::string& nhs) {
  node::SearchParams p;
  p.identifier_system = std::string(fhir::kNhsNumberSystem);
  p.identifier_value = nhs;
  p.count = 2;
  for (auto& r : store.search("Patient", p).resources)
    if (!r.deleted) return std::move(r);
  return std::nullopt;
}

gpconnect::Assembly assembly(const Request& req, RecordGate& gate) {
  return {req.base_url, fhir::utc_now_instant(),
          [&gate](const node::StoredResource& r) { return gate.check(r.json) == RecordGate::Verdict::Pass; },
          [&gate] { return gate.withheld(); }};
}

}  // namespace

bool FhirApi::is_holder_operation(const std::string& name) {
  return name == "gpc.getstructuredrecord" || name == "hidewire-holds-record" || name == "hidewire-patient-record";
}

Response FhirApi::holder_operation(const Request& req, const node::Caller& caller, AccessTrail& trail, const std::string& name) {
  try {
    if (name == "gpc.getstructuredrecord") return structured_record(req, caller, trail);
    if (name == "hidewire-holds-record") return holds_record(req, caller, trail);
    return patient_record(req, caller, trail);
  } catch (const std::exception& e) {
    trail.outcome = 8;
    trail.outcome_text = e.what();
    log::error("holder operation failed", {{"operation", name}, {"request_id", caller.request_id}});
    return spine(gpconnect::internal_error(std::string("the record could not be assembled: ") + e.what()));
  }
}

Response FhirApi::structured_record(const Request& req, const node::Caller& caller, AccessTrail& trail) {
  std::string now = fhir::utc_now_instant();
  gpconnect::QueryResult parsed = gpconnect::parse_structured_query(req.body, now.substr(0, 10));
  if (parsed.error) return refused(trail, spine(*parsed.error), "invalid parameters: " + parsed.error->spine_code);
  const gpconnect::StructuredQuery& q = parsed.query;
  trail.query = q.summary();  // the areas asked for, never the NHS number
  auto patient = patient_by_nhs(store_, q.nhs_number);
  if (!patient) return refused(trail, spine(gpconnect::patient_not_found()), "no such patient");
  RecordGate gate(store_, policy_, caller, "operation", guard_.node_ods, trail);
  const node::PatientDecision& d = gate.decide(patient->id);
  // Hidden first (a sensitive record, R5), then what GP Connect hides (deceased, not verified,
  // registered elsewhere), then the patient's wishes: a dissent is not told about a patient
  // this practice would not serve anyway.
  if (d.result == node::PatientDecision::Result::NotFound)
    return refused(trail, spine(gpconnect::patient_not_found()), "refused for the patient");
  rapidjson::Document pdoc;
  pdoc.Parse(patient->json.c_str(), patient->json.size());
  gpconnect::Registration reg = gpconnect::registration_of(store_, pdoc);
  if (std::string why = gpconnect::unserved_reason(pdoc, reg, guard_.node_ods); !why.empty())
    return refused(trail, spine(gpconnect::patient_not_found()), why);
  if (!d.allowed()) return refused(trail, RecordGate::refusal(d), "refused for the patient");
  std::vector<node::StoredResource> all = store_.everything(patient->id);
  Response r;
  r.body = gpconnect::structured_record(q, *patient, reg, all, store_, assembly(req, gate));
  const std::string& k = caller.org_kind;
  if (caller.ods_code != guard_.node_ods && (k == "ambulance-service" || k == "nhs-111" || k == "acute-trust")) ++gp_records_to_urgent_care_;
  return r;
}

Response FhirApi::holds_record(const Request& req, const node::Caller& caller, AccessTrail& trail) {
  gpconnect::QueryResult parsed = gpconnect::parse_nhs_number_only(req.body, "hidewire-holds-record");
  if (parsed.error) return refused(trail, spine(*parsed.error), "invalid parameters: " + parsed.error->spine_code);
  bool holds = false, registered = false;
  if (auto patient = patient_by_nhs(store_, parsed.query.nhs_number)) {
    RecordGate gate(store_, policy_, caller, "operation", guard_.node_ods, trail);
    const node::PatientDecision& d = gate.decide(patient->id);
    if (d.result == node::PatientDecision::Result::NoConsent) return refused(trail, RecordGate::refusal(d), "refused for the patient");
    holds = d.allowed();  // one the caller may not see is not held, as far as they can tell
    // Discovery shows no part of the record: the privacy alert (and the practice's notification)
    // belongs to the record query that follows it, with the same X-Request-ID, once, not twice.
    trail.patient(patient->id).break_glass = false;
    registered = holds && !guard_.node_ods.empty() && trail.patient(patient->id).registered_gp_ods == guard_.node_ods;
  }
  Response r;
  r.body = R"({"resourceType":"Parameters","parameter":[{"name":"holdsRecord","valueBoolean":)" + std::string(holds ? "true" : "false") +
           R"(},{"name":"organization","valueIdentifier":{"system":"https://fhir.nhs.uk/Id/ods-organization-code","value":)" +
           json_string(guard_.node_ods) + "}}" +
           // A code is never empty: a node configured without a kind says none.
           (guard_.node_kind.empty() ? "" : R"(,{"name":"organizationKind","valueCode":)" + json_string(guard_.node_kind) + "}") +
           R"(,{"name":"registeredGp","valueBoolean":)" + (registered ? "true" : "false") + "}]}";
  return r;
}

Response FhirApi::patient_record(const Request& req, const node::Caller& caller, AccessTrail& trail) {
  gpconnect::QueryResult parsed = gpconnect::parse_nhs_number_only(req.body, "hidewire-patient-record");
  if (parsed.error) return refused(trail, spine(*parsed.error), "invalid parameters: " + parsed.error->spine_code);
  auto patient = patient_by_nhs(store_, parsed.query.nhs_number);
  if (!patient) return refused(trail, spine(gpconnect::patient_not_found()), "no such patient");
  RecordGate gate(store_, policy_, caller, "operation", guard_.node_ods, trail);
  const node::PatientDecision& d = gate.decide(patient->id);
  if (!d.allowed()) return refused(trail, RecordGate::refusal(d), "refused for the patient");
  std::vector<node::StoredResource> all = store_.everything(patient->id);
  Response r;
  r.body = gpconnect::patient_record(*patient, all, store_, assembly(req, gate));
  return r;
}

}  // namespace hidewire::http
