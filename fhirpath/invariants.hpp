// Evaluates the FHIRPath invariants (constraint.expression) of the R4 definitions over a
// resource: those of each element's definition and of each resource and data type.
#pragma once

#include "fhir/diagnostics.hpp"
#include "fhir/node.hpp"
#include "fhir/schema.hpp"

namespace hidewire::fhirpath {

// Adds an issue (code "invariant", key = constraint key, severity from the definition) for
// each invariant that evaluates to false. ele-1 ("must have a value or children") and the
// narrative rules txt-1/txt-2 are left to the structural validator, which checks them on every
// element without a FHIRPath evaluation and says precisely what is wrong.
// An invariant that cannot be evaluated is reported once per key as a warning.
// An invariant that cannot be false without a child the element lacks (vacuity.hpp) is not
// evaluated; `evaluate_all` evaluates it anyway, so that tests can show the two agree.
struct InvariantOptions {
  bool evaluate_all = false;
};
void check_invariants(const fhir::Node& resource, const fhir::Schema& schema, fhir::Diagnostics& out,
                      InvariantOptions options = {});

}  // namespace hidewire::fhirpath
