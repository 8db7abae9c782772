// Structural validation of a typed Node tree against the R4 definitions: unknown elements,
// cardinality, choice types, primitive formats, required bindings, NHS numbers.
#pragma once

#include "fhir/diagnostics.hpp"
#include "fhir/node.hpp"
#include "fhir/schema.hpp"

namespace hidewire::fhir {

struct ValidationOptions {
  bool check_bindings = true;    // required bindings to the spec's value sets
  bool check_nhs_numbers = true; // identifiers with the NHS number system
};

void validate(const Node& resource, const Schema& schema, Diagnostics& out,
              const ValidationOptions& opts = {});

}  // namespace hidewire::fhir
