// Converting the CDA corpus (tests/data/cda) for the CDA tests: the conversion, its Bundle, and
// the Bundle checked by the R4 validator, the invariants, the conformance gate and UK Core.
#pragma once

#include <doctest/doctest.h>

#include "fhir/codec.hpp"
#include "fhir/validator.hpp"
#include "fhirpath/invariants.hpp"
#include "plugins/registry.hpp"
#include "tests/converters/bundle_checks.hpp"
#include "tests/fhir/test_support.hpp"
#include "tests/mapping/eval_support.hpp"
#include "tests/profiles/uk_core_support.hpp"

namespace hw_cda {

using namespace hidewire;
using Status = node::Conversion::Status;
using hw_test::Strings;
using hw_test::eval;

struct Converted {
  node::Conversion conv;
  fhir::Node bundle;
  fhir::Diagnostics validation, uk_core;
};

inline std::string problems(const fhir::Diagnostics& d) {
  std::string out;
  for (const fhir::Issue& i : d.issues()) out += std::string(fhir::severity_name(i.severity)) + " " + i.location + ": " + i.message + "\n";
  return out;
}

inline Converted convert_text(const std::string& text, bool trace = false) {
  static const auto conv = plugins::make_converter("cda");
  Converted c;
  node::MessageInfo info{"nhs111-pem", "cda", "2026-12-03T18:40:00Z", "", nullptr};
  info.trace_patients = trace;
  c.conv = conv->convert(text, info);
  if (c.conv.status != Status::Converted) return c;
  hw_test::check_converted(c.conv.bundle_json, c.bundle, c.validation);
  profiles::validate_profiles(c.bundle, {}, hw_test::uk_core(), c.uk_core);
  return c;
}

inline Converted convert_file(const std::string& name) { return convert_text(hw_test::read_file(hw_test::data_path("cda/" + name))); }

inline bool has_issue(const fhir::Diagnostics& d, fhir::Severity s, const std::string& part) {
  for (const fhir::Issue& i : d.issues())
    if (i.severity == s && i.message.find(part) != std::string::npos) return true;
  return false;
}

}  // namespace hw_cda
