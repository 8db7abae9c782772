#include "plugins/common/fhir_answer.hpp"

#include "api/fhir_api.hpp"

namespace hidewire::plugins {

using node::Outcome;

std::string FhirResponder::answer(std::string_view, const Outcome& o) const {
  if (o.kind == Outcome::Kind::Accepted) return http::operation_outcome(202, "informational", "accepted").body;
  if (o.kind == Outcome::Kind::Unavailable) return http::operation_outcome(503, "transient", "the message could not be stored: " + o.error).body;
  return o.conversion ? fhir::to_operation_outcome_json(o.conversion->diagnostics) : http::operation_outcome(422, "invalid", "refused").body;
}

}  // namespace hidewire::plugins
