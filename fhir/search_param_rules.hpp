// Rules that tie search parameters to the ones R4 defines (schemas/r4/search-parameters.json):
// a CapabilityStatement's searchParam has the type of the definition it names, and a
// SearchParameter derived from one of R4's keeps its type and its base resource types.
#pragma once

#include "fhir/diagnostics.hpp"
#include "fhir/node.hpp"
#include "fhir/path_frame.hpp"

namespace hidewire::fhir {

void check_capability_search_params(const Node& capability_statement, const PathFrame& at, Diagnostics& out);
void check_search_parameter(const Node& search_parameter, const PathFrame& at, Diagnostics& out);

}  // namespace hidewire::fhir
