// Search parameters against the ones R4 defines (fhir/search_param_rules.cpp): a
// CapabilityStatement's searchParam type, a derived SearchParameter's type and bases.
#include <doctest/doctest.h>

#include <string>

#include "fhir/codec.hpp"
#include "fhir/validator.hpp"
#include "tests/fhir/base_check.hpp"

using namespace hidewire::fhir;

namespace {

Diagnostics check(const std::string& text) { return hw_test::base_check(text); }

bool has(const Diagnostics& d, const std::string& location, const std::string& fragment) {
  return hw_test::has_error_at(d, location, fragment);
}

// A GP system's server (The Limes Surgery, Y01234) declaring Patient search parameters.
std::string capability(const std::string& params) {
  return R"j({"resourceType":"CapabilityStatement","status":"active","date":"2026-12-03","kind":"instance",
    "implementation":{"description":"The Limes Surgery (Y01234) FHIR endpoint"},"fhirVersion":"4.0.1","format":["json"],
    "rest":[{"mode":"server","resource":[{"type":"Patient","searchParam":[)j" + params + R"j(]}]}]})j";
}

// A search parameter of an NHS implementation guide derived from R4's Patient-birthdate.
std::string derived(const std::string& type, const std::string& bases) {
  return R"j({"resourceType":"SearchParameter","url":"https://fhir.example.nhs.uk/SearchParameter/patient-dob",
    "name":"PatientDob","status":"active","description":"Date of birth","code":"birthdate",
    "derivedFrom":"http://hl7.org/fhir/SearchParameter/individual-birthdate","base":[)j" + bases + R"j(],
    "type":")j" + type + R"j(","expression":"Patient.birthDate"})j";
}

}  // namespace

TEST_CASE("CapabilityStatement: a searchParam has the type of its definition") {
  auto good = check(capability(R"j({"name":"identifier","definition":"http://hl7.org/fhir/SearchParameter/Patient-identifier","type":"token"},
      {"name":"birthdate","definition":"http://hl7.org/fhir/SearchParameter/individual-birthdate|4.0.1","type":"date"},
      {"name":"local","definition":"https://fhir.example.nhs.uk/SearchParameter/gp-practice","type":"token"})j"));
  CHECK(!good.has_errors());
  auto bad = check(capability(R"j({"name":"identifier","definition":"http://hl7.org/fhir/SearchParameter/Patient-identifier","type":"token"},
      {"name":"birthdate","definition":"http://hl7.org/fhir/SearchParameter/individual-birthdate","type":"string"})j"));
  CHECK(has(bad, "CapabilityStatement.rest[0].resource[0].searchParam[1].type", "is of type date"));
  CHECK(bad.error_count() == 1);
}

TEST_CASE("SearchParameter: derived from one of R4's, it keeps the type and searches no other resource") {
  CHECK(!check(derived("date", R"j("Patient")j")).has_errors());
  CHECK(!check(derived("date", R"j("Patient","Person")j")).has_errors());  // individual-birthdate covers both
  auto type = check(derived("string", R"j("Patient")j"));
  CHECK(has(type, "SearchParameter.type", "differs from the type date"));
  auto base = check(derived("date", R"j("Patient","Organization")j"));
  CHECK(has(base, "SearchParameter.base[1]", "Organization is not a base of"));
  CHECK(base.error_count() == 1);
}
