#include <doctest/doctest.h>

#include "fhir/nhs_number.hpp"

using namespace hidewire::fhir;

namespace {
Node prim(std::string name, std::string value) {
  Node n;
  n.name = std::move(name);
  n.value = std::move(value);
  n.is_primitive = n.has_value = true;
  return n;
}
Node nhs_identifier(std::string value) {
  Node id;
  id.name = "identifier";
  id.children.push_back(prim("system", std::string(kNhsNumberSystem)));
  id.children.push_back(prim("value", std::move(value)));
  return id;
}
Node verification(std::string system, std::string code) {
  Node coding;
  coding.name = "coding";
  coding.children.push_back(prim("system", std::move(system)));
  coding.children.push_back(prim("code", std::move(code)));
  Node cc;
  cc.name = "valueCodeableConcept";
  cc.children.push_back(std::move(coding));
  Node ext;
  ext.name = "extension";
  ext.children.push_back(prim("url", std::string(kNhsVerificationStatusUrl)));
  ext.children.push_back(std::move(cc));
  return ext;
}
bool has(const Diagnostics& d, std::string_view loc, std::string_view key, std::string_view text) {
  for (const Issue& i : d.issues())
    if (i.location == loc && i.key == key && i.message.find(text) != std::string::npos) return true;
  return false;
}
}  // namespace

TEST_CASE("Modulus 11 check digit") {
  for (const char* ok : {"9434765919", "9000000009", "4010232137", "9449305552", "9876543210"}) {
    CAPTURE(ok);
    CHECK(is_valid_nhs_number(ok));
  }
  CHECK(check_nhs_number("9434765918") ==
        "NHS number 9434765918 fails the Modulus 11 check: check digit is 8, expected 9");
  CHECK(check_nhs_number("943476591").find("must be 10 digits") != std::string::npos);
  CHECK(check_nhs_number("94347659190").find("must be 10 digits") != std::string::npos);
  CHECK(check_nhs_number("94347A5919").find("only digits") != std::string::npos);
  // 123456789x: weighted sum 1*10+2*9+...+9*2 = 210, 210 % 11 = 1, so the check value is 10.
  CHECK(check_nhs_number("1234567890").find("check value is 10, never valid") != std::string::npos);
}

TEST_CASE("normalising written forms") {
  CHECK(normalise_nhs_number("943 476 5919") == "9434765919");
  CHECK(normalise_nhs_number("943-476-5919") == "9434765919");
  CHECK(normalise_nhs_number("9434765919") == "9434765919");
  CHECK(normalise_nhs_number("ABC 476 5919") == "ABC 476 5919");
  CHECK(normalise_nhs_number("943 476 591") == "943 476 591");
}

TEST_CASE("identifier checks") {
  Diagnostics good;
  validate_nhs_identifier(nhs_identifier("9434765919"), "Patient.identifier[0]", good);
  CHECK(good.empty());

  Diagnostics bad;
  validate_nhs_identifier(nhs_identifier("9434765918"), "Patient.identifier[0]", bad);
  CHECK(has(bad, "Patient.identifier[0].value", "nhs-number", "expected 9"));

  Diagnostics spaced;
  validate_nhs_identifier(nhs_identifier("943 476 5919"), "Patient.identifier[1]", spaced);
  CHECK(has(spaced, "Patient.identifier[1].value", "nhs-number", "without spaces"));

  Node missing;
  missing.name = "identifier";
  missing.children.push_back(prim("system", std::string(kNhsNumberSystem)));
  Diagnostics none;
  validate_nhs_identifier(missing, "Patient.identifier[0]", none);
  CHECK(has(none, "Patient.identifier[0].value", "nhs-number", "must have a value"));
}

TEST_CASE("verification status extension") {
  Node id = nhs_identifier("9434765919");
  id.children.insert(id.children.begin(), verification(std::string(kNhsVerificationStatusSystem), "01"));
  Diagnostics ok;
  validate_nhs_identifier(id, "Patient.identifier[0]", ok);
  CHECK(ok.empty());

  Node wrong_code = nhs_identifier("9434765919");
  wrong_code.children.insert(wrong_code.children.begin(), verification(std::string(kNhsVerificationStatusSystem), "09"));
  Diagnostics d1;
  validate_nhs_identifier(wrong_code, "Patient.identifier[0]", d1);
  CHECK(has(d1, "Patient.identifier[0].extension[0].valueCodeableConcept", "nhs-number-verification", "'09' is not one of 01 to 08"));

  Node wrong_system = nhs_identifier("9434765919");
  wrong_system.children.insert(wrong_system.children.begin(), verification("http://example.org/status", "01"));
  Diagnostics d2;
  validate_nhs_identifier(wrong_system, "Patient.identifier[0]", d2);
  CHECK(has(d2, "Patient.identifier[0].extension[0].valueCodeableConcept", "nhs-number-verification", "needs a coding"));
}
