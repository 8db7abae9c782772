// OperationOutcome answers for the intake's outcomes, shared by the sources that take FHIR.
#pragma once

#include "node/intake.hpp"

namespace hidewire::plugins {

// The OperationOutcome journalled with the message (a resend of a refused one gets it again).
class FhirResponder final : public node::Responder {
 public:
  std::string answer(std::string_view raw, const node::Outcome& outcome) const override;
};

}  // namespace hidewire::plugins
