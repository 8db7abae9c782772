// A handover report in the model's terms (epr_map.hpp) -> a FHIR R4 transaction Bundle: the
// Patient (keyed by the NHS number, else the service's own patient id), the ambulance service
// Organization, the crew's Practitioners, the Encounter (class EMER, the incident's times, the
// receiving hospital as hospitalization.destination), UK Core vital-sign Observations per set
// with the NEWS2 total (its parts as hasMember, each parameter's points as components),
// MedicationAdministrations, the working impression as a Condition, safeguarding concerns as
// Flags, and a Provenance. Every resource is keyed by an identifier made from the incident
// number, so a corrected report sent again updates what the first one wrote.
#pragma once

#include <string>

#include "fhir/diagnostics.hpp"
#include "plugins/converters/ambulance/epr_codes.hpp"
#include "plugins/converters/ambulance/epr_map.hpp"

namespace hidewire::plugins::ambulance {

struct BundleOptions {
  std::string received_at;  // Bundle.timestamp, Provenance.recorded
  std::string sender_ods;   // the sender's organisation from its credential (Provenance onBehalfOf)
  std::string control_id;   // the message's identity (its SHA-256)
  std::string agent;        // who sent it, for people: "source ambulance-epr"
  std::string vendor;       // the vendor map used
};

struct BuiltBundle {
  std::string json;        // empty when `d` has errors
  std::string nhs_number;  // the patient's key, when the report has a valid one
  std::string event;       // "ePR^handover" (conveyed) or "ePR^non-conveyance", for routes
};

BuiltBundle make_bundle(const Record& r, const Codes& codes, const BundleOptions& opts, fhir::Diagnostics& d);

}  // namespace hidewire::plugins::ambulance
