// What the converters make declares UK Core (fhir/bundle_builder.cpp) and passes it: every HL7 v2
// test message and every GP Connect STU3 record, converted, validated against UK Core 2.0.0 as
// `hidewire validate --ig tests/data/uk-core` does (R4 base, invariants, each meta.profile).
#include <doctest/doctest.h>

#include <algorithm>
#include <filesystem>

#include "fhir/bundle_builder.hpp"
#include "node/converter.hpp"
#include "plugins/registry.hpp"
#include "tests/profiles/uk_core_support.hpp"

using namespace hw_test;
using namespace hidewire;

namespace {

std::vector<std::string> files(const std::string& dir, const std::string& ext) {
  std::vector<std::string> out;
  for (const auto& e : std::filesystem::recursive_directory_iterator(data_path(dir)))
    if (e.is_regular_file() && e.path().extension() == ext) out.push_back(e.path().string());
  std::sort(out.begin(), out.end());
  return out;
}

// The examples' NHS numbers that fail the Modulus 11 check, replaced as tests/data/gpconnect/NOTICE says.
std::string gp_connect_text(const std::string& path) {
  std::string text = read_file(path);
  for (const char* old : {"9999999999", "1234567890", "9432003812"})
    for (std::size_t at = text.find(old); at != std::string::npos; at = text.find(old, at)) text.replace(at, 10, "9485211007");
  return text;
}

// Converted, the Bundle's resources each declare their type's UK Core profile and meet it.
// Returns how many resources were checked against a UK Core profile.
std::size_t check_converted(const std::string& format, const std::string& name, const std::string& text) {
  CAPTURE(name);
  auto conv = plugins::make_converter(format)->convert(text, node::MessageInfo{"test", format, "2026-12-03T09:00:00Z", ""});
  REQUIRE_MESSAGE(conv.status == node::Conversion::Status::Converted, fhir::to_operation_outcome_json(conv.diagnostics));
  fhir::Diagnostics d = validate_text(conv.bundle_json, "");
  CHECK_MESSAGE(!d.has_errors(), errors_of(d));
  fhir::Node bundle;
  fhir::Diagnostics read;
  REQUIRE(fhir::parse_json(conv.bundle_json, fhir::Schema::r4(), bundle, read));
  std::size_t declared = 0;
  for (const fhir::Node& entry : bundle.children) {
    const fhir::Node* res = entry.name == "entry" ? entry.child("resource") : nullptr;
    if (!res) continue;
    std::string_view want = fhir::build::uk_core_profile(res->resource_type());
    if (want.empty()) continue;
    bool found = false;
    if (const fhir::Node* meta = res->child("meta"))
      for (const fhir::Node& p : meta->children) found |= p.name == "profile" && p.value == want;
    CHECK_MESSAGE(found, res->resource_type() << " does not declare " << want);
    REQUIRE(uk_core().profile(want));
    declared += found;
  }
  return declared;
}

}  // namespace

TEST_CASE("every UK Core resource profile the converters declare is in UK Core 2.0.0") {
  for (const char* t : {"Patient", "Encounter", "Observation", "Organization", "Practitioner", "Provenance", "Condition",
                        "AllergyIntolerance", "MedicationRequest", "Immunization", "DocumentReference", "Appointment"}) {
    CAPTURE(t);
    REQUIRE(!fhir::build::uk_core_profile(t).empty());
    CHECK(uk_core().profile(fhir::build::uk_core_profile(t)));
  }
  CHECK(fhir::build::uk_core_profile("Basic").empty());
}

TEST_CASE("the HL7 v2 converter's output declares and passes UK Core") {
  std::size_t messages = 0, resources = 0;
  for (const std::string& path : files("hl7v2", ".hl7")) {
    std::string name = std::filesystem::path(path).filename().string();
    if (name.rfind("malformed_", 0) == 0 || name.find("bad_") != std::string::npos) continue;  // refused, tested elsewhere
    resources += check_converted("hl7v2", name, read_file(path));
    ++messages;
  }
  CHECK(messages >= 9);
  CHECK(resources >= 30);
}

TEST_CASE("the STU3 converter's output declares and passes UK Core") {
  std::size_t records = 0;
  std::vector<std::string> paths = files("gpconnect-records", ".json");
  for (const std::string& p : files("gpconnect", ".json"))
    if (p.find("_response") != std::string::npos) paths.push_back(p);
  for (const std::string& path : paths) {
    check_converted("fhir-stu3", std::filesystem::path(path).filename().string(), gp_connect_text(path));
    ++records;
  }
  CHECK(records >= 12);  // the skeleton record, with no Patient, is refused (tests/converters)
}
