// The extensions R4 itself defines (schemas/r4/extensions.json) are checked against their own
// definitions with no package loaded: value types, complex extensions' parts, contexts; a
// definition of the same url loaded with --ig takes their place.
#include <doctest/doctest.h>

#include "tests/profiles/uk_core_support.hpp"

using namespace hw_test;
using namespace hidewire;

namespace {

// A patient registered at The Limes Surgery (Y01234), with `extra` members at the top.
std::string patient(const std::string& extra) {
  return R"j({"resourceType":"Patient",)j" + extra +
         R"j("identifier":[{"system":"https://fhir.nhs.uk/Id/nhs-number","value":"9434765919"}],
             "name":[{"family":"Okafor","given":["Adaeze"]}],"gender":"female","birthDate":"1984-11-02",
             "address":[{"line":["14 Castle Street"],"city":"Leeds","postalCode":"LS1 4AP"}]})j";
}

fhir::Diagnostics check(const std::string& json, const profiles::ProfileSet& set) {
  fhir::Diagnostics d;
  fhir::Node root;
  REQUIRE(fhir::parse_json(json, fhir::Schema::r4(), root, d));
  profiles::validate_profiles(root, {}, set, d, {});
  return d;
}

fhir::Diagnostics check(const std::string& json) {
  static const profiles::ProfileSet empty;
  return check(json, empty);
}

const std::string kAnimal = "http://hl7.org/fhir/StructureDefinition/patient-animal";

}  // namespace

TEST_CASE("R4's own extensions: used as defined, no errors") {
  const profiles::ProfileSet& core = profiles::ProfileSet::core_extensions();
  REQUIRE(core.profile(kAnimal) != nullptr);
  CHECK(core.structure_definitions() > 300);  // R4 defines 393
  std::string ok = patient(R"j("_birthDate":{"extension":[{"url":"http://hl7.org/fhir/StructureDefinition/patient-birthTime",
      "valueDateTime":"1984-11-02T07:40:00Z"}]},"extension":[{"url":")j" + kAnimal + R"j(","extension":[
      {"url":"species","valueCodeableConcept":{"coding":[{"system":"http://snomed.info/sct","code":"448771007","display":"Canis lupus familiaris"}]}},
      {"url":"breed","valueCodeableConcept":{"text":"Border collie"}}]}],)j");
  // birthDate carries its extension in _birthDate; the ok patient places it there
  auto d = check(ok);
  CHECK_MESSAGE(!d.has_errors(), errors_of(d));
}

TEST_CASE("R4's own extensions: a complex extension's parts") {
  // species is 1..1 in patient-animal
  auto missing = check(patient(R"j("extension":[{"url":")j" + kAnimal + R"j(","extension":[
      {"url":"breed","valueCodeableConcept":{"text":"Border collie"}}]}],)j"));
  CHECK(has_error(missing, {"animal", "slice species requires at least 1", "Patient.extension[0].extension"}));
  // a relative url names one of the definition's parts, or nothing at all
  auto unknown = check(patient(R"j("extension":[{"url":")j" + kAnimal + R"j(","extension":[
      {"url":"species","valueCodeableConcept":{"text":"Dog"}},{"url":"species-x","valueCodeableConcept":{"text":"Dog"}}]}],)j"));
  CHECK(has_error(unknown, {"sub-extension url 'species-x' is not defined by the extension animal", "Patient.extension[0].extension[1]"}));
  // an absolute url inside is an extension of its own, not a part
  auto absolute = check(patient(R"j("extension":[{"url":")j" + kAnimal + R"j(","extension":[
      {"url":"species","valueCodeableConcept":{"text":"Dog"}},
      {"url":"https://fhir.example.nhs.uk/StructureDefinition/kennel","valueString":"Meadow View"}]}],)j"));
  CHECK_MESSAGE(!absolute.has_errors(), errors_of(absolute));
}

TEST_CASE("R4's own extensions: value types and contexts") {
  // narrativeLink is a url, not a uri
  auto link = check(patient(R"j("extension":[{"url":"http://hl7.org/fhir/StructureDefinition/narrativeLink","valueUri":"#p1"}],)j"));
  CHECK(has_error(link, {"narrativeLink", "type uri is not allowed", "url"}));
  // humanname-mothers-family belongs on HumanName.family, not the HumanName
  auto mothers = patient(R"j("contact":[{"name":{"extension":[{"url":"http://hl7.org/fhir/StructureDefinition/humanname-mothers-family",
      "valueString":"Eze"}],"family":"Okafor"}}],)j");
  CHECK(has_error(check(mothers), {"humanname-mothers-family is not allowed on Patient.contact.name", "HumanName.family"}));
  auto placed = patient(R"j("contact":[{"name":{"family":"Okafor","_family":{"extension":[{"url":
      "http://hl7.org/fhir/StructureDefinition/humanname-mothers-family","valueString":"Eze"}]}}}],)j");
  auto p = check(placed);
  CHECK_MESSAGE(!p.has_errors(), errors_of(p));
}

TEST_CASE("R4's own extensions: a loaded definition of the same url takes their place") {
  // an implementation guide's later edition of patient-animal that makes species optional
  profiles::ProfileSet set;
  fhir::Diagnostics d;
  REQUIRE(set.add(R"j({"resourceType":"StructureDefinition","url":")j" + kAnimal + R"j(","name":"animal","status":"active",
      "kind":"complex-type","abstract":false,"context":[{"type":"element","expression":"Patient"}],"type":"Extension",
      "baseDefinition":"http://hl7.org/fhir/StructureDefinition/Extension","derivation":"constraint",
      "differential":{"element":[{"id":"Extension.extension:species","path":"Extension.extension","sliceName":"species","min":0,"max":"1"},
      {"id":"Extension.extension:species.url","path":"Extension.extension.url","fixedUri":"species"},
      {"id":"Extension.extension:breed","path":"Extension.extension","sliceName":"breed","min":0,"max":"1"},
      {"id":"Extension.extension:breed.url","path":"Extension.extension.url","fixedUri":"breed"}]}})j",
                  "animal.json", d));
  set.compile(d);
  std::string breed_only = patient(R"j("extension":[{"url":")j" + kAnimal + R"j(","extension":[
      {"url":"breed","valueCodeableConcept":{"text":"Border collie"}}]}],)j");
  auto loaded = check(breed_only, set);
  CHECK_MESSAGE(!loaded.has_errors(), errors_of(loaded));
  CHECK(check(breed_only).has_errors());
}
