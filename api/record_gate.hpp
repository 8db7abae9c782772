// The access policy applied to what an answer holds: each resource's patient is found
// (auth::patient_of), that patient's facts are read from the store once per request, the
// policy decides for the patient, then for each resource (granular restrictions). The trail
// records every patient touched, so each is audited and can see who saw their record.
#pragma once

#include <map>
#include <memory>
#include <optional>
#include <string>

#include "api/access_trail.hpp"
#include "net/http/server.hpp"
#include "node/access_policy.hpp"
#include "node/fhir_store.hpp"

namespace hidewire::http {

class RecordGate {
 public:
  RecordGate(node::FhirStore& store, const node::AccessPolicy& policy, const node::Caller& caller, std::string action,
             std::string holder_ods, AccessTrail& trail);
  ~RecordGate();

  enum class Verdict { Pass, Withheld, Refused };
  // May this resource go to the caller? Resources about no patient pass.
  Verdict check(const std::string& resource_json);
  // The patient-level decision for one patient (read from the store once), recorded in the trail.
  const node::PatientDecision& decide(const std::string& patient_id);
  // The answer for a refused patient: 404 PATIENT_NOT_FOUND, 403 NO_PATIENT_CONSENT, 403 no relationship.
  static Response refusal(const node::PatientDecision& d);
  bool withheld() const { return withheld_; }

 private:
  struct Entry;
  node::FhirStore& store_;
  const node::AccessPolicy& policy_;
  const node::Caller& caller_;
  std::string action_, holder_ods_, now_;
  AccessTrail& trail_;
  std::map<std::string, std::unique_ptr<Entry>> by_patient_;
  bool withheld_ = false;
};

// An OperationOutcome carrying a Spine error code (GP Connect's NO_PATIENT_CONSENT, PATIENT_NOT_FOUND, ...).
Response spine_outcome(int status, const std::string& issue_code, const std::string& spine_code, const std::string& display,
                       const std::string& diagnostics);

}  // namespace hidewire::http
