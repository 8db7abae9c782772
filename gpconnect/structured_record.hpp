// The answers the holder assembles from its store: GP Connect's structured record (a collection
// Bundle: Patient, the registered practice's Organization, the usual GP's Practitioner and
// PractitionerRole, one List per clinical area with its resources, an OperationOutcome for
// unsupported parameters and withheld information) and the federated per-patient record (the
// Patient and every resource of theirs). Each resource is parsed once; what they reference that
// is about no patient (organisations, practitioners, medications, locations) is read once per
// distinct reference. Nothing goes out unless `may_share` says so.
#pragma once

#include <functional>
#include <string>
#include <vector>

#include "gpconnect/parameters.hpp"
#include "gpconnect/registration.hpp"
#include "node/fhir_store.hpp"

namespace hidewire::gpconnect {

struct Assembly {
  std::string base_url;  // fullUrls are base_url/Type/id
  std::string now;       // FHIR instant: Bundle.timestamp, List.date
  std::function<bool(const node::StoredResource&)> may_share;  // the access policy, per resource
  std::function<bool()> withheld;                              // asked at the end: was anything held back?
};

std::string structured_record(const StructuredQuery& q, const node::StoredResource& patient, const Registration& reg,
                              const std::vector<node::StoredResource>& everything, node::FhirStore& store, const Assembly& a);

std::string patient_record(const node::StoredResource& patient, const std::vector<node::StoredResource>& everything,
                           node::FhirStore& store, const Assembly& a);

// The NOT_IMPLEMENTED warnings and the withheld note as one OperationOutcome (empty: nothing to say).
std::string notes_outcome(const std::vector<std::string>& unsupported, bool withheld);

}  // namespace hidewire::gpconnect
