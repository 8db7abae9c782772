// Base validation of a text (no profiles, no invariants) and a look-up of one error by its
// location, for the tests of the validator's own rules (bundle, search parameter...).
#pragma once

#include <doctest/doctest.h>

#include <string>

#include "fhir/codec.hpp"
#include "fhir/validator.hpp"

namespace hw_test {

inline hidewire::fhir::Diagnostics base_check(const std::string& text) {
  using namespace hidewire::fhir;
  Diagnostics d;
  Node root;
  REQUIRE(parse_any(text, Schema::r4(), root, d));
  validate(root, Schema::r4(), d);
  return d;
}

// Whether an error at exactly `location` has `fragment` in its message.
inline bool has_error_at(const hidewire::fhir::Diagnostics& d, const std::string& location, const std::string& fragment) {
  for (const auto& i : d.issues())
    if (i.severity == hidewire::fhir::Severity::Error && i.location == location && i.message.find(fragment) != std::string::npos)
      return true;
  return false;
}

}  // namespace hw_test
