#include "api/record_gate.hpp"

#include "auth/patient_facts.hpp"
#include "fhir/clock.hpp"
#include "fhir/json_escape.hpp"

namespace hidewire::http {

struct RecordGate::Entry {
  node::PatientFacts facts;  // the decision's restrictions point into facts.consents
  node::PatientDecision decision;
};

RecordGate::RecordGate(node::FhirStore& store, const node::AccessPolicy& policy, const node::Caller& caller, std::string action,
                       std::string holder_ods, AccessTrail& trail)
    : store_(store),
      policy_(policy),
      caller_(caller),
      action_(std::move(action)),
      holder_ods_(std::move(holder_ods)),
      now_(fhir::utc_now_instant()),
      trail_(trail) {}

RecordGate::~RecordGate() = default;

const node::PatientDecision& RecordGate::decide(const std::string& patient_id) {
  auto it = by_patient_.find(patient_id);
  if (it != by_patient_.end()) return it->second->decision;
  auto e = std::make_unique<Entry>();
  e->facts = auth::gather_patient_facts(store_, patient_id, now_, holder_ods_);
  e->decision = policy_.decide_patient(caller_, e->facts, action_);  // an unknown patient is the policy's to judge
  TrailPatient& t = trail_.patient(patient_id);
  t.nhs_number = e->facts.nhs_number;
  t.registered_gp_ods = e->facts.registered_gp_ods;
  t.rule = e->decision.rule;
  t.break_glass = e->decision.result == node::PatientDecision::Result::BreakGlass;
  return by_patient_.emplace(patient_id, std::move(e)).first->second->decision;
}

RecordGate::Verdict RecordGate::check(const std::string& resource_json) {
  auth::PatientLink link = auth::patient_link_of(resource_json);
  const std::optional<std::string>& patient = link.id;
  if (!patient) {
    // About no patient: shared, except with patients (their access log and their grants only) and,
    // when it is about someone the reference does not name locally, with anyone but the holder.
    using K = node::Caller::Kind;
    bool holder = caller_.kind == K::Anonymous || (caller_.kind != K::Patient && !holder_ods_.empty() && caller_.ods_code == holder_ods_);
    if (holder || (caller_.kind != K::Patient && !link.unresolved)) return Verdict::Pass;
    withheld_ = true;
    return Verdict::Withheld;
  }
  const node::PatientDecision& d = decide(*patient);
  if (!d.allowed()) return Verdict::Refused;
  if (d.restrictions.empty()) return Verdict::Pass;
  std::string type;
  node::ResourceView view = auth::view_of(resource_json, type);
  if (policy_.permits(caller_, d, view)) return Verdict::Pass;
  withheld_ = true;
  trail_.patient(*patient).withheld = true;
  return Verdict::Withheld;
}

Response spine_outcome(int status, const std::string& issue_code, const std::string& spine_code, const std::string& display,
                       const std::string& diagnostics) {
  Response r;
  r.status = status;
  r.body = R"({"resourceType":"OperationOutcome","issue":[{"severity":"error","code":")" + issue_code +
           R"(","details":{"coding":[{"system":"https://fhir.nhs.uk/R4/CodeSystem/Spine-ErrorOrWarningCode","code":")" + spine_code +
           R"(","display":")" + display + R"("}]},"diagnostics":")" + fhir::json_escape(diagnostics) + "\"}]}";
  return r;
}

Response RecordGate::refusal(const node::PatientDecision& d) {
  using R = node::PatientDecision::Result;
  switch (d.result) {
    case R::NotFound:
      // The same answer for an unknown and a sensitive patient: it must not tell them apart.
      return spine_outcome(404, "not-found", "PATIENT_NOT_FOUND", "Patient not found", "no patient record matches");
    case R::NoConsent:
      return spine_outcome(403, "forbidden", "NO_PATIENT_CONSENT", "Patient has not provided consent to share data",
                           "the patient has dissented from sharing their record (" + d.rule + ")");
    default:
      return spine_outcome(403, "forbidden", "ACCESS DENIED", "Access denied", d.reason.empty() ? d.rule : d.reason);
  }
}

}  // namespace hidewire::http
