// patient_of and view_of: what the policy sees of each resource of an answer.
#include <doctest/doctest.h>

#include "auth/patient_facts.hpp"
#include "auth/period.hpp"

using hidewire::auth::patient_of;
using hidewire::auth::view_of;

TEST_CASE("patient_of: the patient a resource is about") {
  CHECK(patient_of(R"({"resourceType":"Patient","id":"edith","identifier":[{"system":"https://fhir.nhs.uk/Id/nhs-number","value":"9434765919"}]})") ==
        "edith");
  CHECK(patient_of(R"({"id":"edith","meta":{"versionId":"3"},"resourceType":"Patient"})") == "edith");  // key order free
  CHECK(patient_of(R"({"resourceType":"Observation","id":"fev1","status":"final","code":{"text":"FEV1"},"subject":{"reference":"Patient/edith"}})") ==
        "edith");
  CHECK(patient_of(R"({"resourceType":"AllergyIntolerance","id":"a1","patient":{"reference":"Patient/edith/_history/2"}})") == "edith");
  CHECK(patient_of(R"({"resourceType":"Coverage","id":"c1","beneficiary":{"reference":"Patient/edith"}})") == "edith");
  CHECK(patient_of(R"({"resourceType":"Consent","id":"d1","patient":{"reference":"Patient/edith"},"provision":{"type":"deny"}})") == "edith");
  // References inside other elements do not count: the performer is not the subject.
  CHECK_FALSE(patient_of(R"({"resourceType":"Observation","id":"x","performer":[{"reference":"Patient/edith"}],"contained":[{"resourceType":"Patient","id":"p"}]})"));
  CHECK_FALSE(patient_of(R"({"resourceType":"Organization","id":"a81001","identifier":[{"system":"https://fhir.nhs.uk/Id/ods-organization-code","value":"A81001"}]})"));
  CHECK_FALSE(patient_of(R"({"resourceType":"Observation","subject":{"reference":"Group/ward-7"}})"));
  CHECK_FALSE(patient_of("not json"));
}

TEST_CASE("view_of: type, category codes and security labels") {
  std::string type;
  auto v = view_of(R"({"resourceType":"Observation","id":"ct","meta":{"security":[{"system":"http://terminology.hl7.org/CodeSystem/v3-ActCode","code":"SEX"},
      {"system":"http://terminology.hl7.org/CodeSystem/v3-ActCode","code":"STD"}],"tag":[{"code":"not-a-label"}]},
      "category":[{"coding":[{"system":"http://terminology.hl7.org/CodeSystem/observation-category","code":"laboratory"}]}],
      "code":{"coding":[{"system":"http://snomed.info/sct","code":"104236005"}]},"subject":{"reference":"Patient/edith"}})",
                   type);
  CHECK(v.type == "Observation");
  CHECK(v.categories == std::vector<std::string>{"laboratory"});
  CHECK(v.security_labels == std::vector<std::string>{"SEX", "STD"});
  // A single CodeableConcept category (Consent, ...) and no labels.
  auto d = view_of(R"({"resourceType":"DocumentReference","category":{"coding":[{"code":"clinical-note"},{"code":"mental-health"}]},"status":"current"})", type);
  CHECK(d.type == "DocumentReference");
  CHECK(d.categories == std::vector<std::string>{"clinical-note", "mental-health"});
  CHECK(d.security_labels.empty());
}

TEST_CASE("periods: partial dates at their precision, offsets in UTC") {
  using hidewire::auth::check_period;
  using hidewire::auth::PeriodCheck;
  const char* now = "2026-12-02T10:15:00.000Z";
  CHECK(check_period("", "", now) == PeriodCheck::Within);
  CHECK(check_period("2026-12-02", "2026-12-02", now) == PeriodCheck::Within);  // the whole day
  CHECK(check_period("2026-12", "", now) == PeriodCheck::Within);
  CHECK(check_period("2027", "", now) == PeriodCheck::Outside);
  CHECK(check_period("", "2026-12-01", now) == PeriodCheck::Outside);
  CHECK(check_period("2026-12-02T11:00:00+01:00", "", now) == PeriodCheck::Within);  // 10:00 UTC
  CHECK(check_period("2026-12-02T10:30:00+00:00", "", now) == PeriodCheck::Outside);
  CHECK(check_period("", "2026-12-02T05:14:59-05:00", now) == PeriodCheck::Outside);  // 10:14:59 UTC
  CHECK(check_period("", "2026-12-02T05:16:00-05:00", now) == PeriodCheck::Within);
  CHECK(check_period("", "next week", now) == PeriodCheck::Unreadable);
}
