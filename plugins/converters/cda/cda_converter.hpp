// The `cda` converter: an NHS CDA document (the NHS 111 Post Event Message), bare or in its ITK
// distribution envelope, into a FHIR R4 transaction Bundle keyed by the NHS number that holds
// the document (Composition first, then what it references: Patient, Encounter with the 111
// disposition, the author, custodian and registered GP, the coded entries), through the map in
// mapping/cda (docs/CDA.md). Every section's narrative is kept; unknown templates become
// narrative sections with a warning; every element not carried is in Conversion.unmapped. The
// registered GP (the primary information recipient) is Patient.generalPractitioner, by its ODS
// code, for routes (docs/CDA.md).
#pragma once

#include <memory>
#include <string>

#include "node/registry.hpp"
#include "plugins/converters/cda/cda_maps.hpp"

namespace hidewire::plugins::cda {

// Settings (`converters.cda`): "envelope": "optional" (default: a bare ClinicalDocument or one
// in an ITK distribution envelope) or "required" (only enveloped documents are accepted).
struct Settings {
  bool envelope_required = false;
  // Not a node setting (the intake stores transactions): the output a FHIR document Bundle
  // (type document, identifier and timestamp the Composition's, no requests, no Provenance),
  // for `hidewire convert --from cda --document`.
  bool document = false;
};

std::unique_ptr<node::Converter> make(const Settings& s, const Maps& maps = Maps::builtin());

node::ConverterBuilder factory(node::ConfigReader& settings);

}  // namespace hidewire::plugins::cda
