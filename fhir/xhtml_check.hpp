// FHIR narrative rules (txt-1, txt-2): well-formed XHTML in a <div>, only basic formatting
// elements, no scripts, forms or event handlers, and some content.
#pragma once

#include <string>
#include <string_view>
#include <vector>

namespace hidewire::fhir {

// Each problem found, as a message; empty when the narrative is acceptable.
std::vector<std::string> check_narrative_xhtml(std::string_view markup);

}  // namespace hidewire::fhir
