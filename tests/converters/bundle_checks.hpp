// A converter's Bundle read and checked as the node checks it: the R4 structure, the
// specification's invariants and the conformance gate, every issue into `validation`.
#pragma once

#include <doctest/doctest.h>

#include <string>

#include "conformance/gate.hpp"
#include "fhir/codec.hpp"
#include "fhir/validator.hpp"
#include "fhirpath/invariants.hpp"

namespace hw_test {

inline void check_converted(const std::string& bundle_json, hidewire::fhir::Node& bundle, hidewire::fhir::Diagnostics& validation) {
  using namespace hidewire;
  REQUIRE(fhir::parse_json(bundle_json, fhir::Schema::r4(), bundle, validation));
  fhir::validate(bundle, fhir::Schema::r4(), validation);
  fhirpath::check_invariants(bundle, fhir::Schema::r4(), validation);
  validation.append(conformance::check(bundle_json));
}

}  // namespace hw_test
