// Where an extension may be used: its definition's contexts (element paths or type names,
// the extension it sits in, FHIRPath), its context invariants, and extension versus
// modifierExtension as the definition's isModifier says.
#pragma once

#include <string>
#include <vector>

#include "fhir/diagnostics.hpp"
#include "fhir/node.hpp"
#include "fhir/schema.hpp"
#include "profiles/profile.hpp"

namespace hidewire::profiles {

// `ext` is an extension or modifierExtension child of the last node of `chain` (the nodes from
// the root resource down to the element the extension is on).
void check_extension_use(const fhir::Node& ext, const std::vector<const fhir::Node*>& chain, const Profile& def,
                         const fhir::Schema& schema, const std::string& loc, fhir::Diagnostics& d);

// The parts of a complex extension `ext` (sub-extensions with a relative url) must each be one
// its definition names: a relative url has no other definition to point at (R4
// extensibility-definitions, Extension.url: "SHALL be a URI for the Structure Definition
// defining the extension"). Definitions that name no parts (simple extensions) are not judged.
void check_sub_extensions(const fhir::Node& ext, const Profile& def, const std::string& loc, fhir::Diagnostics& d);

}  // namespace hidewire::profiles
