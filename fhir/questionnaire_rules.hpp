// Rules of Questionnaire that R4's invariants do not express: enableWhen.question names an
// item of the questionnaire, and not the item itself or one inside it (those are hidden with
// it, so they could never enable it).
#pragma once

#include "fhir/diagnostics.hpp"
#include "fhir/node.hpp"
#include "fhir/path_frame.hpp"

namespace hidewire::fhir {

void check_questionnaire(const Node& questionnaire, const PathFrame& at, Diagnostics& out);

}  // namespace hidewire::fhir
