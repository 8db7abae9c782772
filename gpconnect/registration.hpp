// Where the patient is registered (Patient.generalPractitioner: the practice Organization, the
// usual GP Practitioner and their PractitionerRole, read from the store), and why a GP practice's
// node would not serve the record even though it holds it: GP Connect answers PATIENT_NOT_FOUND
// for a deceased patient, an NHS number not verified (the UK Core verification status is not
// 01) and a patient registered elsewhere.
#pragma once

#include <rapidjson/document.h>

#include <optional>
#include <string>

#include "node/fhir_store.hpp"

namespace hidewire::gpconnect {

struct Registration {
  std::optional<node::StoredResource> organization, practitioner, role;
  std::string practice_ods;  // the practice's ODS code, from its Organization or the reference's identifier
};

Registration registration_of(node::FhirStore& store, const rapidjson::Value& patient);

// Empty when a GP practice with `holder_ods` serves this patient's record; else why not, in
// words for the audit (never sent: the caller gets PATIENT_NOT_FOUND whatever the reason).
std::string unserved_reason(const rapidjson::Value& patient, const Registration& reg, const std::string& holder_ods);

}  // namespace hidewire::gpconnect
