// Loading StructureDefinitions (JSON and XML) from folders, npm-style packages and text, and
// compiling differentials: cardinality, types, fixed/pattern, slicing, chains of bases.
#include <doctest/doctest.h>

#include <cstdlib>
#include <filesystem>
#include <fstream>

#include "tests/profiles/uk_core_support.hpp"

using namespace hw_test;
using namespace hidewire;

namespace {

// A profile written for these tests, in JSON: Patient with exactly one name, gender fixed,
// an identifier slice by pattern on type, and a closed telecom slicing by system.
const char* kProfileJson = R"({
  "resourceType": "StructureDefinition", "url": "http://example.org/sd/test-patient", "name": "TestPatient",
  "status": "draft", "kind": "resource", "abstract": false, "type": "Patient", "derivation": "constraint",
  "baseDefinition": "http://hl7.org/fhir/StructureDefinition/Patient",
  "differential": { "element": [
    { "id": "Patient.name", "path": "Patient.name", "min": 1, "max": "1" },
    { "id": "Patient.gender", "path": "Patient.gender", "fixedCode": "female" },
    { "id": "Patient.identifier", "path": "Patient.identifier",
      "slicing": { "discriminator": [ { "type": "pattern", "path": "type" } ], "rules": "open" } },
    { "id": "Patient.identifier:mrn", "path": "Patient.identifier", "sliceName": "mrn", "min": 1, "max": "1" },
    { "id": "Patient.identifier:mrn.type", "path": "Patient.identifier.type",
      "patternCodeableConcept": { "coding": [ { "system": "http://terminology.hl7.org/CodeSystem/v2-0203", "code": "MR" } ] } },
    { "id": "Patient.identifier:mrn.value", "path": "Patient.identifier.value", "min": 1 },
    { "id": "Patient.telecom", "path": "Patient.telecom",
      "slicing": { "discriminator": [ { "type": "value", "path": "system" } ], "ordered": true, "rules": "closed" } },
    { "id": "Patient.telecom:phone", "path": "Patient.telecom", "sliceName": "phone" },
    { "id": "Patient.telecom:phone.system", "path": "Patient.telecom.system", "fixedCode": "phone" },
    { "id": "Patient.telecom:email", "path": "Patient.telecom", "sliceName": "email" },
    { "id": "Patient.telecom:email.system", "path": "Patient.telecom.system", "fixedCode": "email" },
    { "id": "Patient.managingOrganization", "path": "Patient.managingOrganization",
      "type": [ { "code": "Reference", "targetProfile": [ "http://hl7.org/fhir/StructureDefinition/Organization" ] } ] },
    { "id": "Patient.deceased[x]", "path": "Patient.deceased[x]", "type": [ { "code": "boolean" } ] }
  ] } })";

// Its child, derived from it: name narrowed further to a required family.
const char* kChildJson = R"({
  "resourceType": "StructureDefinition", "url": "http://example.org/sd/test-patient-child", "name": "TestPatientChild",
  "status": "draft", "kind": "resource", "abstract": false, "type": "Patient", "derivation": "constraint",
  "baseDefinition": "http://example.org/sd/test-patient",
  "differential": { "element": [ { "id": "Patient.name.family", "path": "Patient.name.family", "min": 1 } ] } })";

const char* kGood = R"({"resourceType": "Patient", "name": [{"family": "Smith"}], "gender": "female",
  "identifier": [{"type": {"coding": [{"system": "http://terminology.hl7.org/CodeSystem/v2-0203", "code": "MR"}]}, "value": "1"}],
  "telecom": [{"system": "phone", "value": "1"}, {"system": "email", "value": "a@b"}],
  "managingOrganization": {"reference": "Organization/1"}})";

struct Fixture {
  profiles::ProfileSet set;
  Fixture() {
    fhir::Diagnostics d;
    REQUIRE(set.add(kProfileJson, "test-patient.json", d));
    REQUIRE(set.add(kChildJson, "test-patient-child.json", d));
    set.compile(d);
    REQUIRE_MESSAGE(!d.has_errors(), errors_of(d));
  }
  fhir::Diagnostics check(const std::string& json, const std::string& url = "http://example.org/sd/test-patient") {
    fhir::Diagnostics d;
    fhir::Node root;
    REQUIRE(fhir::parse_json(json, fhir::Schema::r4(), root, d));
    profiles::validate_profiles(root, {url}, set, d);
    return d;
  }
};

std::string edit(std::string s, const std::string& from, const std::string& to) {
  auto at = s.find(from);
  REQUIRE_MESSAGE(at != std::string::npos, from);
  return s.replace(at, from.size(), to);
}

}  // namespace

TEST_CASE("profiles: a JSON profile's rules") {
  Fixture f;
  CHECK_MESSAGE(!f.check(kGood).has_errors(), errors_of(f.check(kGood)));
  CHECK(has_error(f.check(edit(kGood, R"("name": [{"family": "Smith"}])", R"("name": [{"family": "A"}, {"family": "B"}])")),
                  {"TestPatient", "element Patient.name", "maximum allowed = 1"}));
  CHECK(has_error(f.check(edit(kGood, R"("gender": "female")", R"("gender": "male")")), {"Patient.gender", "must be exactly female"}));
  CHECK(has_error(f.check(edit(kGood, R"("code": "MR")", R"("code": "XX")")), {"slice mrn requires at least 1, but found 0"}));
  CHECK(has_error(f.check(edit(kGood, R"(, "value": "1"}],)", R"(}],)")), {"element Patient.identifier:mrn.value", "slice mrn"}));
  CHECK(has_error(f.check(edit(kGood, R"({"system": "email", "value": "a@b"})", R"({"system": "fax", "value": "1"})")),
                  {"closed slicing", "Patient.telecom[1]"}));
  CHECK(has_error(f.check(edit(kGood, R"([{"system": "phone", "value": "1"}, {"system": "email", "value": "a@b"}])",
                               R"([{"system": "email", "value": "a@b"}, {"system": "phone", "value": "1"}])")),
                  {"ordered slicing"}));
  CHECK(has_error(f.check(edit(kGood, "Organization/1", "Practitioner/1")), {"Patient.managingOrganization", "points at a Practitioner"}));
  CHECK(has_error(f.check(edit(kGood, R"("gender": "female")", R"("gender": "female", "deceasedDateTime": "2020-01-01")")),
                  {"Patient.deceased[x]", "type dateTime is not allowed"}));
}

TEST_CASE("profiles: a profile on a profile keeps its base's rules") {
  Fixture f;
  const std::string child = "http://example.org/sd/test-patient-child";
  CHECK(!f.check(kGood, child).has_errors());
  CHECK(has_error(f.check(edit(kGood, R"({"family": "Smith"})", R"({"given": ["Ann"]})"), child), {"TestPatientChild", "Patient.name.family"}));
  CHECK(has_error(f.check(edit(kGood, R"("gender": "female")", R"("gender": "male")"), child), {"TestPatientChild", "Patient.gender"}));
}

TEST_CASE("profiles: an unknown profile is an error naming it") {
  Fixture f;
  CHECK(has_error(f.check(kGood, "http://example.org/sd/none"), {"http://example.org/sd/none", "not known"}));
}

TEST_CASE("profiles: folders, XML and npm-style packages load the same definitions") {
  namespace fs = std::filesystem;
  fs::path tmp = fs::temp_directory_path() / ("hw-profiles-" + std::to_string(::getpid()));
  fs::create_directories(tmp / "pkg" / "package");
  std::ofstream(tmp / "pkg" / "package" / "package.json") << R"({"name": "test.pkg", "version": "1.0.0"})";
  std::ofstream(tmp / "pkg" / "package" / "StructureDefinition-test-patient.json") << kProfileJson;
  fs::copy_file(data_path("uk-core/structuredefinitions/UKCore-Patient.xml"), tmp / "pkg" / "package" / "UKCore-Patient.xml");
  fhir::Diagnostics d;
  profiles::ProfileSet folder;
  REQUIRE(folder.load((tmp / "pkg").string(), d));
  folder.compile(d);
  CHECK(folder.profile("http://example.org/sd/test-patient"));
  CHECK(folder.profile(kUkCore + "UKCore-Patient|2.6.1"));
  std::string cmd = "tar -czf '" + (tmp / "pkg.tgz").string() + "' -C '" + (tmp / "pkg").string() + "' package";
  REQUIRE(std::system(cmd.c_str()) == 0);
  profiles::ProfileSet tgz;
  REQUIRE(tgz.load((tmp / "pkg.tgz").string(), d));
  tgz.compile(d);
  CHECK(tgz.structure_definitions() == 2);
  CHECK(tgz.profile(kUkCore + "UKCore-Patient"));
  CHECK(!tgz.load((tmp / "missing").string(), d));
  CHECK(has_error(d, {"missing"}));
  fs::remove_all(tmp);
}

TEST_CASE("profiles: value sets are expanded from the code systems at hand") {
  const auto& set = uk_core();
  const auto* vs = set.expansion("https://fhir.hl7.org.uk/ValueSet/UKCore-NHSNumberVerificationStatus");
  REQUIRE(vs);
  CHECK(vs->complete);
  CHECK(vs->system_codes.count("https://fhir.hl7.org.uk/CodeSystem/UKCore-NHSNumberVerificationStatusEngland|01"));
  CHECK(vs->system_codes.count("https://fhir.hl7.org.uk/CodeSystem/UKCore-NHSNumberVerificationStatusEngland|08"));
  CHECK(!vs->system_codes.count("https://fhir.hl7.org.uk/CodeSystem/UKCore-NHSNumberVerificationStatusEngland|99"));
  CHECK(vs->system_codes.count("http://terminology.hl7.org/CodeSystem/v3-NullFlavor|NI"));  // a concept list
  const auto* snomed = set.expansion("https://fhir.hl7.org.uk/ValueSet/UKCore-ConditionCode");
  REQUIRE(snomed);
  CHECK(!snomed->complete);
  CHECK(snomed->unexpanded.count("http://snomed.info/sct"));
  CHECK(set.expansion("http://hl7.org/fhir/ValueSet/administrative-gender"));  // R4's own
}

TEST_CASE("profiles: differential elements without ids belong to the slice opened before them") {
  // R4 allows ids to be absent: Observation.category.code after the slice "lab" constrains that slice only
  const char* sd = R"({"resourceType":"StructureDefinition","url":"http://example.org/sd/no-ids","name":"NoIds","status":"draft",
    "kind":"resource","abstract":false,"type":"Observation","derivation":"constraint",
    "baseDefinition":"http://hl7.org/fhir/StructureDefinition/Observation","differential":{"element":[
    {"path":"Observation.category","slicing":{"discriminator":[{"type":"value","path":"text"}],"rules":"open"}},
    {"path":"Observation.category","sliceName":"lab","min":1},
    {"path":"Observation.category.text","min":1,"fixedString":"Laboratory"},
    {"path":"Observation.category","sliceName":"imaging"},
    {"path":"Observation.category.text","min":1,"fixedString":"Imaging"}]}})";
  profiles::ProfileSet set;
  fhir::Diagnostics d;
  REQUIRE(set.add(sd, "no-ids.json", d));
  set.compile(d);
  const auto* p = set.profile("http://example.org/sd/no-ids");
  REQUIRE(p);
  const auto* category = p->root.child("category");
  REQUIRE(category);
  CHECK(!category->child("text"));  // nothing said of every category's text
  REQUIRE(category->slice("lab"));
  REQUIRE(category->slice("lab")->child("text"));
  CHECK(category->slice("lab")->child("text")->min == 1u);
  REQUIRE(category->slice("imaging"));
  CHECK(category->slice("imaging")->child("text"));
}

TEST_CASE("profiles: %resource of a constraint on Bundle.entry.resource is the Bundle") {
  const char* sd = R"({"resourceType":"StructureDefinition","url":"http://example.org/sd/bundle-vars","name":"BundleVars",
    "status":"draft","kind":"resource","abstract":false,"type":"Bundle","derivation":"constraint",
    "baseDefinition":"http://hl7.org/fhir/StructureDefinition/Bundle","differential":{"element":[
    {"id":"Bundle.entry.resource","path":"Bundle.entry.resource","constraint":[{"key":"vars-1","severity":"error",
     "human":"context variables","expression":"%resource.type().name = 'Bundle' and %context.type().name = 'Patient'"}]}]}})";
  profiles::ProfileSet set;
  fhir::Diagnostics d;
  REQUIRE(set.add(sd, "bundle-vars.json", d));
  set.compile(d);
  fhir::Node root;
  REQUIRE(fhir::parse_json(R"({"resourceType":"Bundle","type":"collection","entry":[{"fullUrl":"urn:uuid:3c5e2a36-3a5f-4c1e-9d0b-6a0c2b7e8f10",
    "resource":{"resourceType":"Patient","identifier":[{"system":"https://fhir.nhs.uk/Id/nhs-number","value":"9434765919"}]}}]})",
                           fhir::Schema::r4(), root, d));
  fhir::Diagnostics out;
  profiles::validate_profiles(root, {"http://example.org/sd/bundle-vars"}, set, out);
  CHECK_MESSAGE(!out.has_errors(), errors_of(out));
}

TEST_CASE("profiles: minValue[x] and maxValue[x] bound numbers, dates and quantities, inclusively") {
  const char* sd = R"({"resourceType":"StructureDefinition","url":"http://example.org/sd/bounds","name":"Bounds","status":"draft",
    "kind":"resource","abstract":false,"type":"Observation","derivation":"constraint",
    "baseDefinition":"http://hl7.org/fhir/StructureDefinition/Observation","differential":{"element":[
    {"id":"Observation.effective[x]","path":"Observation.effective[x]","minValueDateTime":"2000-01-01T00:00:00Z"},
    {"id":"Observation.value[x]","path":"Observation.value[x]","maxValueQuantity":{"value":300,"system":"http://unitsofmeasure.org","code":"mm[Hg]"}}]}})";
  profiles::ProfileSet set;
  fhir::Diagnostics d;
  REQUIRE(set.add(sd, "bounds.json", d));
  set.compile(d);
  auto check = [&](const std::string& effective, const std::string& value) {
    fhir::Node root;
    fhir::Diagnostics out;
    REQUIRE(fhir::parse_json(R"({"resourceType":"Observation","status":"final","code":{"text":"Systolic blood pressure"},
      "effectiveDateTime":")" + effective + R"(","valueQuantity":{"value":)" + value + R"(,"system":"http://unitsofmeasure.org","code":"mm[Hg]"}})",
                             fhir::Schema::r4(), root, out));
    profiles::validate_profiles(root, {"http://example.org/sd/bounds"}, set, out);
    return out;
  };
  CHECK(!check("2026-12-03T09:30:00Z", "300").has_errors());
  CHECK(has_error(check("2026-12-03T09:30:00Z", "301"), {"is above the maximum", "Observation.value[x]"}));
  CHECK(has_error(check("1999-12-31T23:59:00Z", "120"), {"is below the minimum", "Observation.effective[x]"}));
  CHECK(!check("1999-12-31", "120").has_errors());  // another precision: not compared
}

TEST_CASE("profiles: a quantity bound in another UCUM unit of the same kind is compared after scaling") {
  const char* sd = R"({"resourceType":"StructureDefinition","url":"http://example.org/sd/weight","name":"Weight","status":"draft",
    "kind":"resource","abstract":false,"type":"Observation","derivation":"constraint",
    "baseDefinition":"http://hl7.org/fhir/StructureDefinition/Observation","differential":{"element":[
    {"id":"Observation.valueQuantity","path":"Observation.valueQuantity",
     "minValueQuantity":{"value":0.5,"system":"http://unitsofmeasure.org","code":"kg"},
     "maxValueQuantity":{"value":300,"system":"http://unitsofmeasure.org","code":"kg"}},
    {"id":"Observation.effective[x]","path":"Observation.effective[x]"}]}})";
  profiles::ProfileSet set;
  fhir::Diagnostics d;
  REQUIRE(set.add(sd, "weight.json", d));
  set.compile(d);
  auto check = [&](const std::string& value, const std::string& code, const std::string& system) {
    fhir::Node root;
    fhir::Diagnostics out;
    REQUIRE(fhir::parse_json(R"({"resourceType":"Observation","status":"final","code":{"text":"Body weight"},
      "valueQuantity":{"value":)" + value + R"(,"system":")" + system + R"(","code":")" + code + R"("}})",
                             fhir::Schema::r4(), root, out));
    profiles::validate_profiles(root, {"http://example.org/sd/weight"}, set, out);
    return out;
  };
  const std::string ucum = "http://unitsofmeasure.org";
  CHECK(!check("3400", "g", ucum).has_errors());                               // a newborn, 3.4 kg
  CHECK(has_error(check("400", "g", ucum), {"is below the minimum"}));          // 0.4 kg
  CHECK(has_error(check("301000", "g", ucum), {"is above the maximum"}));
  CHECK(!check("0.0004", "Mg", ucum).has_errors());                            // a prefix not in the table: not compared
  CHECK(!check("400", "g", "http://example.org/units").has_errors());          // not UCUM: not compared
  CHECK(!check("400", "mL", ucum).has_errors());                               // another kind: not compared
}

TEST_CASE("profiles: a profile that is an R4 base definition is met by a resource of that type") {
  const char* sd = R"({"resourceType":"StructureDefinition","url":"http://example.org/sd/gp-bundle","name":"GpBundle","status":"draft",
    "kind":"resource","abstract":false,"type":"Bundle","derivation":"constraint",
    "baseDefinition":"http://hl7.org/fhir/StructureDefinition/Bundle","differential":{"element":[
    {"id":"Bundle.entry","path":"Bundle.entry","slicing":{"discriminator":[{"type":"profile","path":"resource"}],"rules":"closed"}},
    {"id":"Bundle.entry:patient","path":"Bundle.entry","sliceName":"patient","min":1,"max":"1"},
    {"id":"Bundle.entry:patient.resource","path":"Bundle.entry.resource","type":[{"code":"Resource","profile":["http://hl7.org/fhir/StructureDefinition/Patient"]}]}]}})";
  profiles::ProfileSet set;
  fhir::Diagnostics d;
  REQUIRE(set.add(sd, "gp-bundle.json", d));
  set.compile(d);
  auto check = [&](const std::string& type) {
    fhir::Node root;
    fhir::Diagnostics out;
    REQUIRE(fhir::parse_json(R"({"resourceType":"Bundle","type":"collection","entry":[{"fullUrl":"urn:uuid:8a1d6f0e-2b3c-4d5e-8f90-1a2b3c4d5e6f",
      "resource":{"resourceType":")" + type + R"("}}]})", fhir::Schema::r4(), root, out));
    profiles::validate_profiles(root, {"http://example.org/sd/gp-bundle"}, set, out);
    return out;
  };
  auto patient = check("Patient");
  CHECK_MESSAGE(!patient.has_errors(), errors_of(patient));
  CHECK(has_error(check("Organization"), {"matches none of the slices of the closed slicing"}));
}

TEST_CASE("profiles: a reference's target in the Bundle must conform to its target profile") {
  profiles::ProfileSet set;
  fhir::Diagnostics d;
  REQUIRE(set.add(R"({"resourceType":"StructureDefinition","url":"http://example.org/sd/nhs-patient","name":"NhsPatient","status":"draft",
    "kind":"resource","abstract":false,"type":"Patient","derivation":"constraint","baseDefinition":"http://hl7.org/fhir/StructureDefinition/Patient",
    "differential":{"element":[{"id":"Patient.identifier","path":"Patient.identifier","min":1}]}})", "p.json", d));
  REQUIRE(set.add(R"({"resourceType":"StructureDefinition","url":"http://example.org/sd/letter","name":"Letter","status":"draft",
    "kind":"resource","abstract":false,"type":"Composition","derivation":"constraint","baseDefinition":"http://hl7.org/fhir/StructureDefinition/Composition",
    "differential":{"element":[{"id":"Composition.subject","path":"Composition.subject","type":[{"code":"Reference",
    "targetProfile":["http://example.org/sd/nhs-patient"]}]}]}})", "c.json", d));
  set.compile(d);
  auto check = [&](const std::string& patient) {
    std::string text = R"({"resourceType":"Bundle","type":"document","identifier":{"system":"urn:ietf:rfc:3986","value":"urn:uuid:5d2c1f3e-4b6a-4c8d-9e0f-a1b2c3d4e5f6"},
      "timestamp":"2026-12-03T09:30:00Z","entry":[{"fullUrl":"https://gp.example.nhs.uk/fhir/Composition/c1","resource":{"resourceType":"Composition",
      "id":"c1","meta":{"profile":["http://example.org/sd/letter"]},"status":"final","type":{"text":"Letter"},"subject":{"reference":"Patient/p1"},
      "date":"2026-12-03","author":[{"display":"Dr A Shah"}],"title":"Letter"}},
      {"fullUrl":"https://gp.example.nhs.uk/fhir/Patient/p1","resource":{"resourceType":"Patient","id":"p1")" + patient + "}}]}";
    fhir::Node root;
    fhir::Diagnostics out;
    REQUIRE(fhir::parse_json(text, fhir::Schema::r4(), root, out));
    profiles::validate_profiles(root, {}, set, out);
    return out;
  };
  auto good = check(R"(,"identifier":[{"system":"https://fhir.nhs.uk/Id/nhs-number","value":"9434765919"}])");
  CHECK_MESSAGE(!good.has_errors(), errors_of(good));
  CHECK(has_error(check(""), {"the Patient the reference points at does not conform to http://example.org/sd/nhs-patient",
                              "Bundle.entry[0].resource.subject"}));
}
