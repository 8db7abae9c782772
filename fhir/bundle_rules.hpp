// Rules of Bundle that R4's FHIRPath invariants do not express: Bundle.entry.fullUrl (absolute,
// present outside transactions and batches, consistent with the resource's type and id) and,
// in documents and messages, references resolved inside the Bundle as the specification's
// "Resolving references in Bundles" says (exactly one match, versions by meta.versionId).
#pragma once

#include "fhir/diagnostics.hpp"
#include "fhir/node.hpp"
#include "fhir/path_frame.hpp"
#include "fhir/schema.hpp"

namespace hidewire::fhir {

void check_bundle(const Node& bundle, const Schema& schema, const PathFrame& at, Diagnostics& out);

}  // namespace hidewire::fhir
