// Validation against profiles, on top of fhir::validate (the R4 base): the profiles named,
// every resource's meta.profile, and every extension against its own definition. Issues name
// the profile, the element (its id, slices included) and the slice.
#pragma once

#include <string>
#include <vector>

#include "fhir/diagnostics.hpp"
#include "fhir/node.hpp"
#include "profiles/profile_set.hpp"

namespace hidewire::profiles {

struct ProfileOptions {
  bool bindings = true;       // value set bindings by strength
  bool invariants = true;     // the profiles' own constraints (FHIRPath)
  bool meta_profiles = true;  // also each resource's meta.profile
  bool must_support = false;  // report must-support elements that are absent (information)
  // An extension whose definition is not loaded: "not checked" information by default; a
  // warning, or an error as the reference validator makes it (a gate that accepts no
  // extension it cannot check). FHIR's own extensions (the specification's, its tools' and
  // the cross-version ones) whose definitions are not loaded stay information.
  fhir::Severity unknown_extensions = fhir::Severity::Information;
  // Extensions at example domains (example.org, acme.com) and DICOM's (nema.org) stay "not
  // checked" information whatever unknown_extensions says, as the reference validator allows
  // them with its example URLs allowed (its own test cases run so).
  bool allow_example_urls = false;
};

// `resource` against each profile in `urls` (unknown ones are errors), then its resources'
// meta.profile (unknown ones are warnings) and its extensions.
void validate_profiles(const fhir::Node& resource, const std::vector<std::string>& urls, const ProfileSet& set,
                       fhir::Diagnostics& out, const ProfileOptions& opts = {});

}  // namespace hidewire::profiles
