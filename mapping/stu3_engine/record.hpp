// A GP Connect structured record (an STU3 Bundle, searchset or collection) -> a FHIR R4
// transaction Bundle keyed by the patient's NHS number. Each resource is reshaped by its type's
// map (resource_ops.hpp) and fitted to R4 (r4_fit.hpp); references between the record's
// resources are rewritten to the new entries' fullUrls; a Provenance names the message. Pure: no
// I/O, never throws for bad input.
#pragma once

#include <string>
#include <string_view>
#include <vector>

#include "fhir/diagnostics.hpp"
#include "mapping/stu3_engine/stu3_maps.hpp"

namespace hidewire::mapping::stu3 {

struct RecordOptions {
  std::string message_id;   // the body's SHA-256: seeds the fullUrls, named by the Provenance
  std::string received_at;  // FHIR instant
  std::string agent;        // who sent it, for people ("source gp-connect")
  std::string sender_ods;   // the sender's organisation as its credential established it
};

struct RecordConversion {
  enum class Status { Converted, Refused, Unreadable };
  Status status = Status::Unreadable;
  std::string bundle_json;
  fhir::Diagnostics diagnostics;
  std::vector<std::string> unmapped;  // STU3 elements present but not carried (Bundle.entry[5](Medication).isBrand)
  std::string nhs_number;
};

RecordConversion convert_record(std::string_view json, const Maps& maps, const RecordOptions& options);

// True when a FHIR JSON text is STU3 rather than R4, by what only STU3 has: resource types R4
// dropped (ProcedureRequest, ReferralRequest...), MedicationStatement.taken, Immunization.notGiven,
// a CareConnect profile or extension (fhir.nhs.uk/STU3, fhir.hl7.org.uk/STU3), and code-valued
// statuses R4 made CodeableConcepts.
bool looks_like_stu3(std::string_view json);

}  // namespace hidewire::mapping::stu3
