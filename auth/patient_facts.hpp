// What the data holder knows about one patient, read from its own store, for the access policy
// (node/access_policy.hpp): registered GP practice, care team (NHS and non-NHS members),
// organisations with active care (Encounter, EpisodeOfCare, ServiceRequest), the patient's
// Consent resources (dissent, point-of-care consent, restrictions, proxy grants, the national
// data opt-out) and whether the record is sensitive. docs/ACCESS.md gives the Consent shapes.
#pragma once

#include <optional>
#include <string>
#include <string_view>

#include "node/access_policy.hpp"
#include "node/fhir_store.hpp"

namespace hidewire::auth {

// `now` is a FHIR instant (periods are compared with it). found=false when there is no such Patient.
// `holder_ods` is this node's ODS code, copied into the facts (empty: no caller counts as the
// holder, so the holder's own systems get only what a relationship gives them).
node::PatientFacts gather_patient_facts(node::FhirStore& store, const std::string& patient_id, const std::string& now,
                                        const std::string& holder_ods = {});
// The same, finding the Patient by NHS number first.
node::PatientFacts gather_patient_facts_by_nhs(node::FhirStore& store, const std::string& nhs_number, const std::string& now,
                                               const std::string& holder_ods = {});

// The patient a resource is about, as a bare id: a Patient's own id, else <id> of the top-level
// subject / patient / beneficiary reference "Patient/<id>"; nullopt when it is about no patient
// (Organization, Practitioner...). A SAX read that stops once it knows: cheap per resource.
std::optional<std::string> patient_of(std::string_view resource_json);

// patient_of, and whether the resource names a subject / patient / beneficiary that is no local
// "Patient/<id>" (an identifier, an absolute URL, a contained "#p"): about someone, but whom
// cannot be told from the resource alone, so it is not shared outside the holder. So are types
// about a patient through other fields (Provenance, AuditEvent, Appointment, Group, Bundle, Binary...).
struct PatientLink {
  std::optional<std::string> id;
  bool unresolved = false;
};
PatientLink patient_link_of(std::string_view resource_json);

// The resource's type, category codes and meta.security codes, for AccessPolicy::permits.
node::ResourceView view_of(std::string_view resource_json, std::string& type_storage);

}  // namespace hidewire::auth
