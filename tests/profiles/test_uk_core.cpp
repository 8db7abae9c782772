// UK Core 2.0.0: every example validates against its profile, and edits that break UK Core's
// rules are caught, each error naming the profile, the element and the slice.
#include <doctest/doctest.h>

#include <algorithm>
#include <filesystem>
#include <map>

#include "tests/profiles/uk_core_support.hpp"

using namespace hw_test;

namespace {

// Errata in the UK Core examples (docs/PROFILES.md): the FHIR XML element order is broken; a
// Bundle's fullUrls are relative (Bundle.entry.fullUrl must be absolute). The error, how many.
struct Erratum {
  std::string error;
  std::size_t count;
};
const std::map<std::string, Erratum> kErrata = {
    {"Extension-UKCore-CodingSCT-IllicitDrugs-Example.xml", {"element <text> is out of order", 1}},
    {"UKCore-Observation-Lab-Albumin-Example.xml", {"element <meta> is out of order", 1}},
    {"UKCore-Bundle-NEWS2Observations-Example.xml", {"the fullUrl must be an absolute URL (not 'Observation/", 8}},
};

// The profile an example is for: the longest profile id its file name starts with, else the
// UK Core profile of its resource type (the extension examples).
std::string profile_for(const std::string& file, const std::string& text) {
  std::string best;
  for (const auto* p : uk_core().profiles()) {
    std::string id = p->url.substr(p->url.rfind('/') + 1);
    if (p->type != "Extension" && file.rfind(id + "-", 0) == 0 && id.size() > best.size()) best = id;
  }
  if (!best.empty()) return best;
  auto lt = text.find('<', text.find("?>") == std::string::npos ? 0 : text.find("?>"));
  auto end = text.find_first_of(" >", lt);
  return "UKCore-" + text.substr(lt + 1, end - lt - 1);
}

}  // namespace

TEST_CASE("UK Core: the profiles compile from their differentials") {
  const auto& set = uk_core();
  CHECK(set.structure_definitions() == 153);
  CHECK(set.profiles().size() == 153);
  const auto* bp = set.profile(kUkCore + "UKCore-Observation-VitalSigns-BloodPressure");
  REQUIRE(bp);
  CHECK(bp->base_url == kUkCore + "UKCore-Observation-VitalSigns");
  // merged down the chain: the vital-signs category (1..1, fixed code) comes from the base profile
  const auto* category = bp->root.child("category");
  REQUIRE(category);
  CHECK(category->min == 1u);
  const auto* code = category->child("coding") ? category->child("coding")->child("code") : nullptr;
  REQUIRE(code);
  REQUIRE(code->fixed);
  CHECK(code->fixed->value == "vital-signs");
  // and each component slice starts from what the profile says of every component
  const auto* systolic = bp->root.child("component")->slice("SystolicBP");
  REQUIRE(systolic);
  REQUIRE(systolic->child("code"));
  CHECK(systolic->child("code")->child("coding")->slice("snomedCT"));
  for (const auto* p : set.profiles()) CHECK_MESSAGE(p->problems.empty(), p->url);
}

TEST_CASE("UK Core: every example validates against its profile with no errors") {
  int validated = 0;
  for (const std::string& path : files_in("uk-core/examples", ".xml")) {
    std::string file = std::filesystem::path(path).filename().string();
    std::string text = read_file(path);
    std::string profile = profile_for(file, text);
    REQUIRE_MESSAGE(uk_core().profile(kUkCore + profile), file << " -> " << profile);
    auto d = validate_text(text, kUkCore + profile);
    auto erratum = kErrata.find(file);
    if (erratum != kErrata.end()) {
      CHECK_MESSAGE(d.error_count() == erratum->second.count, file << "\n" << errors_of(d));
      CHECK(has_error(d, {erratum->second.error}));
    } else {
      CHECK_MESSAGE(!d.has_errors(), file << " against " << profile << "\n" << errors_of(d));
    }
    ++validated;
  }
  CHECK(validated == 71);
}

TEST_CASE("UK Core: the NHS number's verification status must come from its value set") {
  auto d = validate_edited("UKCore-Patient-RichardSmith-Example.xml", "UKCore-Patient",
                           {{"<code value=\"01\" />", "<code value=\"99\" />"}});
  CHECK(has_error(d, {"Extension-UKCore-NHSNumberVerificationStatus", "Extension.value[x]", "99",
                      "not in the required value set", "Patient.identifier[0].extension[0].valueCodeableConcept"}));
}

TEST_CASE("UK Core: an NHS number without its verification status is allowed (0..1 in UK Core 2.0.0)") {
  auto d = validate_edited("UKCore-Patient-RichardSmith-Example.xml", "UKCore-Patient",
                           {{"<extension url=\"https://fhir.hl7.org.uk/StructureDefinition/Extension-UKCore-NHSNumberVerificationStatus\">",
                             "<extension url=\"https://fhir.hl7.org.uk/StructureDefinition/Extension-UKCore-Unused\">"}});
  // the renamed extension is unknown (information), the slice's max 1 is kept, no error
  CHECK_MESSAGE(!d.has_errors(), errors_of(d));
}

TEST_CASE("UK Core: the Patient.identifier nhsNumber slice") {
  SUBCASE("without a value") {
    auto d = validate_edited("UKCore-Patient-RichardSmith-Example.xml", "UKCore-Patient",
                             {{"<value value=\"9912003888\" />", ""}});
    CHECK(has_error(d, {"UKCorePatient", "element Patient.identifier:nhsNumber.value", "slice nhsNumber", "minimum required = 1"}));
  }
  SUBCASE("twice") {
    auto d = validate_edited("UKCore-Patient-RichardSmith-Example.xml", "UKCore-Patient",
                             {{"  <name>\n", "  <identifier><system value=\"https://fhir.nhs.uk/Id/nhs-number\" /><value value=\"9000000009\" /></identifier>\n  <name>\n"}});
    CHECK(has_error(d, {"element Patient.identifier:nhsNumber", "slice nhsNumber allows at most 1, but found 2"}));
  }
}

TEST_CASE("UK Core: an extension with the wrong value type") {
  auto d = validate_edited("UKCore-Patient-RichardSmith-Example.xml", "UKCore-Patient",
                           {{"<extension url=\"https://fhir.hl7.org.uk/StructureDefinition/Extension-UKCore-ResidentialStatus\">\n"
                             "    <valueCodeableConcept>\n      <coding>\n        <system value=\"https://fhir.hl7.org.uk/CodeSystem/UKCore-ResidentialStatus\" />\n"
                             "        <code value=\"H\" />\n        <display value=\"UK Resident\" />\n      </coding>\n    </valueCodeableConcept>",
                             "<extension url=\"https://fhir.hl7.org.uk/StructureDefinition/Extension-UKCore-ResidentialStatus\">\n"
                             "    <valueString value=\"H\" />"}});
  CHECK(has_error(d, {"Extension-UKCore-ResidentialStatus", "element Extension.value[x]", "type string is not allowed"}));
}

TEST_CASE("UK Core: a complex extension's part with the wrong value type") {
  auto d = validate_edited("UKCore-Patient-RichardSmith-Example.xml", "UKCore-Patient",
                           {{"<extension url=\"PreferredContactMethod\">\n      <valueCodeableConcept>", "<extension url=\"PreferredContactMethod\">\n      <valueString value=\"phone\" />\n      <valueCodeableConcept>"}});
  CHECK(d.has_errors());
  CHECK(has_error(d, {"Extension-UKCore-ContactPreference", "slice PreferredContactMethod"}));
}

TEST_CASE("UK Core: a closed slicing with an extra member") {
  // blood pressure's components are closed: systolic and diastolic only
  auto d = validate_edited("UKCore-Observation-VitalSigns-BloodPressure-Example.xml", "UKCore-Observation-VitalSigns-BloodPressure",
                           {{"</Observation>", "<component><code><coding><system value=\"http://loinc.org\" /><code value=\"8867-4\" />"
                                               "</coding><text value=\"Heart rate\" /></code><valueQuantity><value value=\"60\" /></valueQuantity></component></Observation>"}});
  CHECK(has_error(d, {"UKCoreObservationVitalSignsBloodPressure", "element Observation.component", "closed slicing",
                      "Observation.component[2]"}));
}

TEST_CASE("UK Core: a fixed code changed leaves a required slice empty") {
  auto d = validate_edited("UKCore-Observation-VitalSigns-BloodPressure-Example.xml", "UKCore-Observation-VitalSigns-BloodPressure",
                           {{"<code value=\"8480-6\" />", "<code value=\"8480-7\" />"}});
  CHECK(has_error(d, {"Observation.component:SystolicBP.code.coding:loinc.code", "must be exactly 8480-6"}));
}

TEST_CASE("UK Core: SNOMED CT codes are not checked, never wrong") {
  auto d = validate_edited("UKCore-Condition-BleedingFromEar-Example.xml", "UKCore-Condition", {});
  CHECK(!d.has_errors());
  bool informed = std::any_of(d.issues().begin(), d.issues().end(), [](const auto& is) {
    return is.severity == hidewire::fhir::Severity::Information && is.message.find("not checked") != std::string::npos;
  });
  CHECK(informed);
}

TEST_CASE("UK Core: must-support elements absent are reported on request") {
  hidewire::profiles::ProfileOptions opts;
  opts.must_support = true;
  auto d = validate_text(read_file(data_path("uk-core/examples/UKCore-Patient-RichardSmith-Example.xml")), kUkCore + "UKCore-Patient", opts);
  bool reported = std::any_of(d.issues().begin(), d.issues().end(), [](const auto& is) { return is.key == "must-support"; });
  CHECK(reported);
  CHECK(!d.has_errors());
}

TEST_CASE("UK Core: meta.profile is honoured") {
  std::string text = read_file(data_path("uk-core/examples/UKCore-Patient-RichardSmith-Example.xml"));
  text.replace(text.find("<value value=\"9912003888\" />"), 28, "");
  const std::string id = "<id value=\"UKCore-Patient-RichardSmith-Example\" />";
  text.replace(text.find(id), id.size(), id + "<meta><profile value=\"https://fhir.hl7.org.uk/StructureDefinition/UKCore-Patient\" /></meta>");
  auto d = validate_text(text, "");
  CHECK(has_error(d, {"element Patient.identifier:nhsNumber.value", "slice nhsNumber"}));
}
