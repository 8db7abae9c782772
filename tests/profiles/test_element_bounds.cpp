// Bounds a profile puts on an element's value: maxLength and the R4 minLength extension in
// characters, and minValue[x] / maxValue[x] as a Duration relative to now on dates.
#include <doctest/doctest.h>

#include "tests/profiles/uk_core_support.hpp"

using namespace hw_test;
using namespace hidewire;

namespace {

fhir::Diagnostics check(const std::string& sd, const std::string& url, const std::string& instance) {
  profiles::ProfileSet set;
  fhir::Diagnostics d;
  REQUIRE(set.add(sd, "profile.json", d));
  set.compile(d);
  fhir::Node root;
  fhir::Diagnostics out;
  REQUIRE(fhir::parse_json(instance, fhir::Schema::r4(), root, out));
  profiles::validate_profiles(root, {url}, set, out);
  return out;
}

std::string patient(const std::string& family, const std::string& birth_date) {
  return R"j({"resourceType":"Patient","identifier":[{"system":"https://fhir.nhs.uk/Id/nhs-number","value":"9434765919"}],
    "name":[{"family":")j" + family + R"j(","given":["Siân"]}],"birthDate":")j" + birth_date + R"j("})j";
}

}  // namespace

TEST_CASE("profiles: minLength (R4 extension) and maxLength count characters") {
  const std::string url = "https://fhir.example.nhs.uk/StructureDefinition/spine-name";
  std::string sd = R"j({"resourceType":"StructureDefinition","url":")j" + url + R"j(","name":"SpineName","status":"draft",
    "kind":"resource","abstract":false,"type":"Patient","derivation":"constraint",
    "baseDefinition":"http://hl7.org/fhir/StructureDefinition/Patient","differential":{"element":[
    {"id":"Patient.name.family","path":"Patient.name.family","maxLength":6,
     "extension":[{"url":"http://hl7.org/fhir/StructureDefinition/minLength","valueInteger":3}]}]}})j";
  CHECK(!check(sd, url, patient("Ng Wu", "1990-05-01")).has_errors());
  CHECK(!check(sd, url, patient("Prýce", "1990-05-01")).has_errors());  // 5 characters in 6 bytes
  CHECK(has_error(check(sd, url, patient("Ng", "1990-05-01")), {"2 characters, fewer than the minimum length 3", "Patient.name[0].family"}));
  CHECK(has_error(check(sd, url, patient("Llewellyn", "1990-05-01")), {"9 characters, more than the maximum length 6"}));
}

TEST_CASE("profiles: a Duration bound on a date is relative to now") {
  // R4 ElementDefinition.minValue[x]: a Duration "is subtracted from the current clock to determine
  // the minimum allowable value"; maxValue[x]: added to it for the maximum
  const std::string url = "https://fhir.example.nhs.uk/StructureDefinition/living-patient";
  std::string sd = R"j({"resourceType":"StructureDefinition","url":")j" + url + R"j(","name":"LivingPatient","status":"draft",
    "kind":"resource","abstract":false,"type":"Patient","derivation":"constraint",
    "baseDefinition":"http://hl7.org/fhir/StructureDefinition/Patient","differential":{"element":[
    {"id":"Patient.birthDate","path":"Patient.birthDate",
     "minValueQuantity":{"value":130,"system":"http://unitsofmeasure.org","code":"a"},
     "maxValueQuantity":{"value":1,"system":"http://unitsofmeasure.org","code":"wk"}}]}})j";
  CHECK(!check(sd, url, patient("Evans", "1990-05-01")).has_errors());
  CHECK(!check(sd, url, patient("Evans", "1990")).has_errors());  // a partial date at its own precision
  CHECK(has_error(check(sd, url, patient("Evans", "1850-01-01")), {"is below the minimum", "Patient.birthDate"}));
  CHECK(has_error(check(sd, url, patient("Evans", "2100-01-01")), {"is above the maximum", "Patient.birthDate"}));
  CHECK(has_error(check(sd, url, patient("Evans", "2100")), {"is above the maximum"}));
}

TEST_CASE("profiles: memberOf() in a profile's invariant knows the value sets loaded with it") {
  // R4 FHIRPath (fhirpath.html, memberOf): whether the code, Coding or CodeableConcept is in the
  // value set; here the value set is one a trust publishes, loaded beside its profile
  const std::string url = "https://fhir.example.nhs.uk/StructureDefinition/ward-flag";
  profiles::ProfileSet set;
  fhir::Diagnostics d;
  REQUIRE(set.add(R"j({"resourceType":"ValueSet","url":"https://fhir.example.nhs.uk/ValueSet/ward-flags","status":"active",
    "compose":{"include":[{"system":"https://fhir.example.nhs.uk/CodeSystem/ward-flags","concept":[{"code":"falls-risk"},{"code":"dnacpr"}]}]}})j",
                  "vs.json", d));
  REQUIRE(set.add(R"j({"resourceType":"StructureDefinition","url":")j" + url + R"j(","name":"WardFlag","status":"draft",
    "kind":"resource","abstract":false,"type":"Flag","derivation":"constraint",
    "baseDefinition":"http://hl7.org/fhir/StructureDefinition/Flag","differential":{"element":[
    {"id":"Flag.code","path":"Flag.code","constraint":[{"key":"wf-1","severity":"error","human":"a ward flag",
     "expression":"memberOf('https://fhir.example.nhs.uk/ValueSet/ward-flags')"}]}]}})j",
                  "sd.json", d));
  set.compile(d);
  auto flag = [&](const std::string& code) {
    fhir::Node root;
    fhir::Diagnostics out;
    REQUIRE(fhir::parse_json(R"j({"resourceType":"Flag","status":"active","subject":{"reference":"Patient/9434765919"},
      "code":{"coding":[{"system":"https://fhir.example.nhs.uk/CodeSystem/ward-flags","code":")j" + code + R"j("}]}})j",
                             fhir::Schema::r4(), root, out));
    profiles::validate_profiles(root, {url}, set, out);
    return out;
  };
  CHECK(!flag("dnacpr").has_errors());
  CHECK(has_error(flag("nil-by-mouth"), {"wf-1", "Flag.code"}));
}

TEST_CASE("profiles: mustHaveValue and valueAlternatives (R5 elements by R4's cross-version extensions)") {
  // R5 ElementDefinition.mustHaveValue: the value "cannot be replaced by an extension";
  // valueAlternatives: "a list of extensions that can appear in place of a primitive value"
  auto profile = [](const std::string& ext) {
    return R"j({"resourceType":"StructureDefinition","url":"https://fhir.example.nhs.uk/StructureDefinition/dob","name":"Dob",
      "status":"draft","kind":"resource","abstract":false,"type":"Patient","derivation":"constraint",
      "baseDefinition":"http://hl7.org/fhir/StructureDefinition/Patient","differential":{"element":[
      {"id":"Patient.birthDate","path":"Patient.birthDate","min":1,"extension":[)j" + ext + R"j(]}]}})j";
  };
  const std::string url = "https://fhir.example.nhs.uk/StructureDefinition/dob";
  const std::string xver = "http://hl7.org/fhir/5.0/StructureDefinition/extension-ElementDefinition.";
  auto absent = [](const std::string& ext_url) {
    return R"j({"resourceType":"Patient","identifier":[{"system":"https://fhir.nhs.uk/Id/nhs-number","value":"9434765919"}],
      "_birthDate":{"extension":[{"url":")j" + ext_url + R"j(","valueCode":"unknown"}]}})j";
  };
  const std::string dar = "http://hl7.org/fhir/StructureDefinition/data-absent-reason";
  const std::string null_flavor = "http://hl7.org/fhir/StructureDefinition/iso21090-nullFlavor";
  std::string must = profile(R"j({"url":")j" + xver + R"j(mustHaveValue","valueBoolean":true})j");
  CHECK(!check(must, url, patient("Evans", "1990-05-01")).has_errors());
  CHECK(has_error(check(must, url, absent(dar)), {"must have a value", "Patient.birthDate"}));
  std::string alternatives = profile(R"j({"url":")j" + xver + R"j(valueAlternatives","valueCanonical":")j" + dar + R"j("})j");
  CHECK(!check(alternatives, url, absent(dar)).has_errors());
  CHECK(has_error(check(alternatives, url, absent(null_flavor)), {"iso21090-nullFlavor may not stand in for the value"}));
}

TEST_CASE("profiles: narrative-language-control asks for language sections, or forbids them") {
  // FHIR Extensions Pack, narrative-language-control: _no, _yes, _resource or a language
  auto profile = [](const std::string& code) {
    return R"j({"resourceType":"StructureDefinition","url":"https://fhir.example.nhs.uk/StructureDefinition/bilingual","name":"Bilingual",
      "status":"draft","kind":"resource","abstract":false,"type":"Patient","derivation":"constraint",
      "baseDefinition":"http://hl7.org/fhir/StructureDefinition/Patient","differential":{"element":[
      {"id":"Patient.text","path":"Patient.text","extension":[{"url":"http://hl7.org/fhir/StructureDefinition/narrative-language-control",
       "valueCode":")j" + code + R"j("}]}]}})j";
  };
  const std::string url = "https://fhir.example.nhs.uk/StructureDefinition/bilingual";
  auto narrative = [](const std::string& div) {  // a patient of a Cardiff practice, in English and Welsh
    return R"j({"resourceType":"Patient","language":"cy","text":{"status":"generated","div":"<div xmlns=\"http://www.w3.org/1999/xhtml\">)j" + div +
           R"j(</div>"},"identifier":[{"system":"https://fhir.nhs.uk/Id/nhs-number","value":"9434765919"}]})j";
  };
  const std::string plain = narrative("Rhys Morgan, born 4 June 1971");
  const std::string both = narrative(R"j(<div lang=\"en\" xml:lang=\"en\">Rhys Morgan</div><div lang=\"cy\" xml:lang=\"cy\">Rhys Morgan</div>)j");
  const std::string english = narrative(R"j(<div lang=\"en\">Rhys Morgan</div>)j");
  CHECK(!check(profile("_no"), url, plain).has_errors());
  CHECK(has_error(check(profile("_no"), url, both), {"may not have language sections", "Patient.text.div"}));
  CHECK(!check(profile("_yes"), url, both).has_errors());
  CHECK(has_error(check(profile("_yes"), url, plain), {"must be divided into language sections"}));
  CHECK(!check(profile("_resource"), url, both).has_errors());
  CHECK(has_error(check(profile("_resource"), url, english), {"no section in the language cy"}));
  CHECK(!check(profile("en"), url, english).has_errors());
}
