// One person's social-care record in the model's terms (social_model.hpp) -> a FHIR R4
// transaction Bundle: the Patient (keyed by the NHS number, else the council's person id), the
// council's Organization, carers as RelatedPerson with whether the person has a carer, the
// EpisodeOfCare, the care and support plan (CarePlan with its Goals, needs, urgent-care triggers
// and review date) and its CareTeam (the named coordinator: a practitioner, or a volunteer or
// family member as RelatedPerson), referrals (ServiceRequest), visits (Encounter), coded
// conditions (Condition), alerts (Flag) and a Provenance. Free text goes to notes and narrative,
// never into codes. Every record resource is keyed by an identifier made from the person id, so
// a later export of the same person updates what the first one wrote.
#pragma once

#include <string>

#include "fhir/diagnostics.hpp"
#include "plugins/converters/delimited/social_codes.hpp"
#include "plugins/converters/delimited/social_model.hpp"

namespace hidewire::plugins::social {

struct BundleOptions {
  std::string received_at;  // Bundle.timestamp, Provenance.recorded
  std::string sender_ods;   // the sender's organisation from its credential (Provenance onBehalfOf)
  std::string control_id;   // the message's identity (its SHA-256)
  std::string agent;        // who sent it, for people
  std::string council_ods, council_name, map_name;
  bool trace_patients = false;  // an NHS number failing Modulus 11 is left out for tracing, not refused
};

struct BuiltBundle {
  std::string json;        // empty when `d` has errors
  std::string nhs_number;  // the person's key, when the record has a valid one
};

BuiltBundle make_bundle(const Record& r, const Codes& codes, const BundleOptions& opts, fhir::Diagnostics& d);

}  // namespace hidewire::plugins::social
