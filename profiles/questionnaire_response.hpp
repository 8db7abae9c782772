// A QuestionnaireResponse against the Questionnaire it answers (QuestionnaireResponse.questionnaire
// found among the resources loaded): every linkId is an item of the Questionnaire at that place,
// no item that enableWhen disables has an answer, and a completed response answers every
// required item that is enabled.
#pragma once

#include <string>

#include "fhir/diagnostics.hpp"
#include "fhir/node.hpp"

namespace hidewire::profiles {

void check_questionnaire_response(const fhir::Node& response, const fhir::Node& questionnaire, const std::string& loc,
                                  fhir::Diagnostics& d);

}  // namespace hidewire::profiles
