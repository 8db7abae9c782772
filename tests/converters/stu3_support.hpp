// Shared by the STU3 converter tests: the GP Connect examples with the test patient's NHS
// number, converted, read back as R4 and put through the conformance gate.
#pragma once

#include <doctest/doctest.h>

#include <string>
#include <vector>

#include "conformance/gate.hpp"
#include "fhir/codec.hpp"
#include "fhirpath/fhirpath.hpp"
#include "node/converter.hpp"
#include "plugins/registry.hpp"
#include "tests/fhir/test_support.hpp"
#include "tests/mapping/eval_support.hpp"

namespace stu3_test {

using namespace hidewire;
using hw_test::Strings;

inline constexpr const char* kNhs = "9485211007";

// The examples' NHS numbers (9999999999, and 1234567890 and 9432003812, which fail the Modulus 11
// check) replaced by the test patient's, as tests/data/gpconnect/NOTICE says.
inline std::string example(const std::string& name) {
  std::string text = hw_test::read_file(hw_test::data_path("gpconnect/" + name));
  REQUIRE_MESSAGE(!text.empty(), name);
  for (const char* old : {"9999999999", "1234567890", "9432003812"})
    for (std::size_t at = text.find(old); at != std::string::npos; at = text.find(old, at)) text.replace(at, 10, kNhs);
  return text;
}

struct Converted {
  node::Conversion conv;
  fhir::Node bundle;
  fhir::Diagnostics gate;
};

inline Converted convert(const std::string& text) {
  Converted c;
  auto conv = plugins::make_converter("fhir-stu3");
  c.conv = conv->convert(text, node::MessageInfo{"gp-connect", "fhir-stu3", "2026-12-03T09:00:00Z", ""});
  if (c.conv.status != node::Conversion::Status::Converted) return c;
  fhir::Diagnostics read;
  REQUIRE(fhir::parse_json(c.conv.bundle_json, fhir::Schema::r4(), c.bundle, read));
  c.gate = conformance::check(c.conv.bundle_json);
  return c;
}

using hw_test::eval;  // tests/mapping/eval_support.hpp

inline std::string one(const fhir::Node& root, const std::string& expr) {
  Strings v = eval(root, expr);
  CHECK_MESSAGE(v.size() == 1, expr);
  return v.empty() ? "" : v.front();
}

inline bool has(const Strings& list, const std::string& s) {
  for (const std::string& x : list)
    if (x == s) return true;
  return false;
}

// Every urn:uuid reference names an entry of the Bundle.
inline void check_references_resolve(const Converted& c) {
  Strings urls = eval(c.bundle, "Bundle.entry.fullUrl");
  for (const std::string& ref : eval(c.bundle, "Bundle.entry.resource.descendants().ofType(Reference).reference"))
    if (ref.rfind("urn:uuid:", 0) == 0) CHECK_MESSAGE(has(urls, ref), ref);
}

}  // namespace stu3_test
