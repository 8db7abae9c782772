// Converting the social-care corpus (tests/data/social) in tests: each file split into its
// people as the file drop splits it, each message converted, and every Bundle checked against
// the R4 validator, its invariants, the conformance gate and UK Core.
#pragma once

#include <doctest/doctest.h>

#include <string>
#include <vector>

#include "conformance/gate.hpp"
#include "fhir/bundle_builder.hpp"
#include "fhir/codec.hpp"
#include "fhir/validator.hpp"
#include "fhirpath/invariants.hpp"
#include "node/converter.hpp"
#include "plugins/registry.hpp"
#include "tests/fhir/test_support.hpp"
#include "tests/mapping/eval_support.hpp"
#include "tests/profiles/uk_core_support.hpp"

namespace hw_test {

struct SocialConverted {
  hidewire::node::Conversion conv;
  hidewire::fhir::Node bundle;
  hidewire::fhir::Diagnostics validation;  // R4, invariants, the gate, UK Core
};

inline SocialConverted convert_social(const hidewire::node::Converter& conv, const std::string& text, const std::string& channel,
                                      bool trace = false) {
  using namespace hidewire;
  SocialConverted c;
  node::MessageInfo info{channel, "social", "2026-12-03T09:00:00Z", "", nullptr};
  info.trace_patients = trace;
  c.conv = conv.convert(text, info);
  if (c.conv.status != node::Conversion::Status::Converted) return c;
  REQUIRE(fhir::parse_json(c.conv.bundle_json, fhir::Schema::r4(), c.bundle, c.validation));
  fhir::validate(c.bundle, fhir::Schema::r4(), c.validation);
  fhirpath::check_invariants(c.bundle, fhir::Schema::r4(), c.validation);
  c.validation.append(conformance::check(c.conv.bundle_json));
  profiles::validate_profiles(c.bundle, {}, uk_core(), c.validation);
  // Every resource of a type UK Core profiles declares that profile, as the other converters' do.
  for (const std::string& type : eval(c.bundle, "entry.resource.type().name")) {
    std::string profile(fhir::build::uk_core_profile(type));
    if (profile.empty()) continue;
    CAPTURE(type);
    CHECK(eval(c.bundle, "entry.resource.ofType(" + type + ").where(meta.profile contains '" + profile + "').count()") ==
          eval(c.bundle, "entry.resource.ofType(" + type + ").count()"));
  }
  return c;
}

inline bool has_warning(const hidewire::fhir::Diagnostics& d, const std::string& part) {
  for (const auto& i : d.issues())
    if (i.severity == hidewire::fhir::Severity::Warning && (i.message.find(part) != std::string::npos || i.location.find(part) != std::string::npos))
      return true;
  return false;
}

}  // namespace hw_test
