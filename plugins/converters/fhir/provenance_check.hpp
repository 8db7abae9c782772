// The sending organisation comes from the credential: a Provenance in a FHIR message whose agent
// (who or onBehalfOf) names an Organization other than the caller's is a forgery to refuse.
// An Organization is named by its ODS identifier on the reference, or by a reference to an
// Organization in the same Bundle that carries one.
#pragma once

#include <string>

#include "fhir/node.hpp"
#include "node/caller.hpp"

namespace hidewire::plugins::fhir_converter {

struct ForgedAgent {
  std::string location;  // Bundle.entry[2].resource.agent[0].who
  std::string message;   // names both organisations
};

// Empty location: nothing forged (or the caller is Anonymous, who has no organisation to check).
ForgedAgent forged_provenance_agent(const fhir::Node& root, const node::Caller& caller);

}  // namespace hidewire::plugins::fhir_converter
