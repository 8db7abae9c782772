// Where an extension may be used (profiles/extension_context.cpp): its definition's contexts,
// context invariants, and extension versus modifierExtension.
#include <doctest/doctest.h>

#include "tests/profiles/uk_core_support.hpp"

using namespace hw_test;
using namespace hidewire;

namespace {

const std::string kVerification = kUkCore + "Extension-UKCore-NHSNumberVerificationStatus";

// A patient of The Limes Surgery (Y01234) with a verified NHS number.
std::string patient(const std::string& identifier_extension, const std::string& name_extension = "",
                    const std::string& top = "") {
  return R"j({"resourceType":"Patient",)j" + top + R"j("identifier":[{)j" + identifier_extension +
         R"j("system":"https://fhir.nhs.uk/Id/nhs-number","value":"9434765919"}],"name":[{)j" + name_extension +
         R"j("family":"Smith","given":["Richard"]}],"gender":"male","birthDate":"1978-03-21"})j";
}

std::string verification() {
  return R"j("extension":[{"url":")j" + kVerification +
         R"j(","valueCodeableConcept":{"coding":[{"system":"https://fhir.hl7.org.uk/CodeSystem/UKCore-NHSNumberVerificationStatusEngland","code":"01"}]}}],)j";
}

fhir::Diagnostics check(const profiles::ProfileSet& set, const std::string& json) {
  fhir::Diagnostics d;
  fhir::Node root;
  REQUIRE(fhir::parse_json(json, fhir::Schema::r4(), root, d));
  profiles::validate_profiles(root, {}, set, d);
  return d;
}

// Test definitions: a modifier extension for Patient, one for any DomainResource's text, one
// allowed only on home addresses (FHIRPath), one on Patient only while the patient is active.
profiles::ProfileSet& definitions() {
  static profiles::ProfileSet set;
  static bool loaded = false;
  if (loaded) return set;
  auto def = [](const std::string& id, const std::string& context, const std::string& extra) {
    return R"j({"resourceType":"StructureDefinition","url":"https://fhir.example.nhs.uk/StructureDefinition/)j" + id +
           R"j(","name":")j" + id + R"j(","status":"draft","kind":"complex-type","abstract":false,"context":[)j" + context + "]," +
           extra + R"j("type":"Extension","baseDefinition":"http://hl7.org/fhir/StructureDefinition/Extension","derivation":"constraint",
           "differential":{"element":[{"id":"Extension","path":"Extension")j" +
           (id == "consent-withheld" ? R"j(,"isModifier":true,"isModifierReason":"withholds consent")j" : "") +
           R"j(},{"id":"Extension.value[x]","path":"Extension.value[x]","type":[{"code":"boolean"}]}]}})j";
  };
  fhir::Diagnostics d;
  REQUIRE(set.add(def("consent-withheld", R"j({"type":"element","expression":"Patient"})j", ""), "a.json", d));
  REQUIRE(set.add(def("text-reviewed", R"j({"type":"element","expression":"DomainResource.text"})j", ""), "b.json", d));
  REQUIRE(set.add(def("home-address", R"j({"type":"fhirpath","expression":"Patient.address.where(use = 'home')"})j", ""), "c.json", d));
  REQUIRE(set.add(def("while-active", R"j({"type":"element","expression":"Patient"})j", R"j("contextInvariant":["active = true"],)j"),
                  "d.json", d));
  set.compile(d);
  REQUIRE_MESSAGE(!d.has_errors(), errors_of(d));
  loaded = true;
  return set;
}

std::string ext(const std::string& name, const char* kind = "extension") {
  return std::string(R"j(")j") + kind + R"j(":[{"url":"https://fhir.example.nhs.uk/StructureDefinition/)j" + name +
         R"j(","valueBoolean":true}],)j";
}

}  // namespace

TEST_CASE("extension contexts: an element path (UK Core's NHS number verification status)") {
  CHECK(!check(uk_core(), patient(verification())).has_errors());
  auto d = check(uk_core(), patient("", verification()));
  CHECK(has_error(d, {kVerification, "is not allowed on Patient.name", "element Patient.identifier", "Patient.name[0].extension[0]"}));
}

TEST_CASE("extension contexts: an ancestor's path, FHIRPath, context invariants") {
  auto& set = definitions();
  CHECK(!check(set, R"j({"resourceType":"Patient","text":{)j" + ext("text-reviewed") +
                        R"j("status":"generated","div":"<div xmlns=\"http://www.w3.org/1999/xhtml\">Richard Smith</div>"}})j")
             .has_errors());
  CHECK(has_error(check(set, patient("", ext("text-reviewed"))), {"text-reviewed", "is not allowed on Patient.name"}));
  std::string home = R"j({"resourceType":"Patient","address":[{)j" + ext("home-address") +
                     R"j("use":"home","line":["1 Station Road"],"city":"Leeds","postalCode":"LS1 4DY"}]})j";
  CHECK(!check(set, home).has_errors());
  std::string work = home;
  work.replace(work.find("\"home\""), 6, "\"work\"");
  CHECK(has_error(check(set, work), {"home-address", "is not allowed on Patient.address", "fhirpath"}));
  CHECK(!check(set, patient("", "", ext("while-active") + R"j("active":true,)j")).has_errors());
  CHECK(has_error(check(set, patient("", "", ext("while-active") + R"j("active":false,)j")),
                  {"while-active", "context invariant 'active = true' is false"}));
}

TEST_CASE("extension contexts: a modifier extension must be a modifierExtension, and only it") {
  auto& set = definitions();
  CHECK(!check(set, patient("", "", ext("consent-withheld", "modifierExtension"))).has_errors());
  CHECK(has_error(check(set, patient("", "", ext("consent-withheld"))), {"is a modifier extension", "Patient.extension[0]"}));
  CHECK(has_error(check(set, patient("", "", ext("while-active", "modifierExtension") + R"j("active":true,)j")),
                  {"is not a modifier extension", "Patient.modifierExtension[0]"}));
}

TEST_CASE("unknown extensions: not checked by default, refused on request; HL7's own that R4 lacks stay not checked") {
  auto& set = definitions();
  std::string local = patient("", "", R"j("extension":[{"url":"https://fhir.example.nhs.uk/StructureDefinition/unheard-of","valueBoolean":true}],)j");
  // an extension of HL7's published after R4 (R4's own are checked: test_core_extensions.cpp)
  std::string core = patient("", "", R"j("extension":[{"url":"http://hl7.org/fhir/StructureDefinition/patient-sexParameterForClinicalUse","extension":[{"url":"value","valueCodeableConcept":{"text":"male"}}]}],)j");
  CHECK(!check(set, local).has_errors());
  fhir::Node root;
  fhir::Diagnostics d;
  REQUIRE(fhir::parse_json(local, fhir::Schema::r4(), root, d));
  profiles::ProfileOptions strict;
  strict.unknown_extensions = fhir::Severity::Error;
  profiles::validate_profiles(root, {}, set, d, strict);
  CHECK(has_error(d, {"unheard-of", "is not known here", "so it is not allowed", "Patient.extension[0]"}));
  fhir::Node core_root;
  fhir::Diagnostics c;
  REQUIRE(fhir::parse_json(core, fhir::Schema::r4(), core_root, c));
  profiles::validate_profiles(core_root, {}, set, c, strict);
  CHECK_MESSAGE(!c.has_errors(), errors_of(c));
  // an implementation guide's extension under hl7.org/fhir is not FHIR's own; a cross-version one is
  auto strict_check = [&](const std::string& url) {
    fhir::Node r;
    fhir::Diagnostics out;
    REQUIRE(fhir::parse_json(patient("", "", R"j("extension":[{"url":")j" + url + R"j(","valueBoolean":true}],)j"),
                             fhir::Schema::r4(), r, out));
    profiles::validate_profiles(r, {}, set, out, strict);
    return out.has_errors();
  };
  CHECK(strict_check("http://hl7.org/fhir/uv/sdc/StructureDefinition/sdc-questionnaire-hidden"));
  CHECK(!strict_check("http://hl7.org/fhir/5.0/StructureDefinition/extension-Patient.link.target"));
}

TEST_CASE("unknown extensions: example domains allowed on request, as the reference validator's example URLs; DICOM's always") {
  auto& set = definitions();
  auto errors = [&](const std::string& url, bool allow_examples) {
    fhir::Node r;
    fhir::Diagnostics out;
    REQUIRE(fhir::parse_json(patient("", "", R"j("extension":[{"url":")j" + url + R"j(","valueBoolean":true}],)j"),
                             fhir::Schema::r4(), r, out));
    profiles::ProfileOptions strict;
    strict.unknown_extensions = fhir::Severity::Error;
    strict.allow_example_urls = allow_examples;
    profiles::validate_profiles(r, {}, set, out, strict);
    return out.has_errors();
  };
  CHECK(errors("http://example.org/fhir/StructureDefinition/SimpleExtension", false));
  CHECK(!errors("http://example.org/fhir/StructureDefinition/SimpleExtension", true));
  CHECK(!errors("http://acme.com/fhir/StructureDefinition/flag", true));
  CHECK(errors("https://fhir.example.nhs.uk/StructureDefinition/unheard-of", true));  // not an example domain
  CHECK(!errors("http://nema.org/fhir/StructureDefinition/dicom-tag", false));
}
