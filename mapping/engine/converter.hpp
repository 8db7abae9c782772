// HL7 v2 -> FHIR R4 transaction Bundle, driven by the declarative maps (mapping/v2). A pure
// function: no I/O. Resources are keyed by the NHS number through conditional create/update.
#pragma once

#include <string>
#include <vector>

#include "hl7v2/message.hpp"
#include "fhir/diagnostics.hpp"
#include "mapping/engine/datatypes.hpp"
#include "mapping/engine/map_model.hpp"

namespace hidewire::mapping {

struct ConvertOptions {
  std::string received_at;  // Provenance.recorded and Bundle.timestamp (FHIR instant); default: MSH-7
  std::string sender_ods;   // the sender's organisation from its credential: the Provenance agent's onBehalfOf
  const AuthorityTable* authorities = nullptr;  // the node's own assigning authority -> URI table (converters.hl7v2)
  // The node traces patients (docs/MATCHING.md): an NHS number failing Modulus 11 is taken as
  // missing, with a warning, instead of refusing the message.
  bool trace_invalid_nhs_number = false;
};

struct Conversion {
  bool ok = false;                  // false: the message must be refused (AE)
  std::string bundle_json;          // the transaction Bundle
  fhir::Diagnostics diagnostics;    // errors (refusal reasons) and warnings; location = v2 position (PID-3[1].1)
  std::vector<std::string> unmapped;  // fields present in the message but not mapped, e.g. "PID-19", "ZU1"
  std::string nhs_number;           // the patient's key, when found and valid
};

Conversion convert(const hl7v2::Message& m, const MapSet& maps = MapSet::builtin(), const ConvertOptions& opts = {});

}  // namespace hidewire::mapping
