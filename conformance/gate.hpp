// The conformance gate every converted message passes before it is accepted: the R4 structure,
// the specification's invariants and the NHS number rules (the meaningful-use rules will join
// them here). Errors refuse the message; warnings are kept with it.
#pragma once

#include <string>

#include "fhir/diagnostics.hpp"
#include "fhir/node.hpp"

namespace hidewire::conformance {

// Checks a FHIR resource or Bundle given as JSON; the issues' locations are FHIRPath locations.
fhir::Diagnostics check(const std::string& json);
// The same for one already read (JSON or XML), adding to `d`.
void check(const fhir::Node& root, fhir::Diagnostics& d);

}  // namespace hidewire::conformance
