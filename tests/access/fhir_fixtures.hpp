// FHIR R4 resources for test_patient_facts.cpp: Mrs Edith Harper's record at the community
// trust's node (R1A), and a second, protected, record.
#pragma once

#include <string>
#include <vector>

namespace fixtures {

struct Resource {
  std::string type, id, json;
};

#define ODS(code) R"({"system":"https://fhir.nhs.uk/Id/ods-organization-code","value":")" code R"("})"
#define PRIVACY R"("scope":{"coding":[{"system":"http://terminology.hl7.org/CodeSystem/consentscope","code":"patient-privacy"}]},)" \
                R"("category":[{"coding":[{"system":"http://loinc.org","code":"59284-0"}]}],)"
#define IRCP R"("role":{"coding":[{"system":"http://terminology.hl7.org/CodeSystem/v3-ParticipationType","code":"IRCP"}]})"

inline std::vector<Resource> edith_record() {
  return {
      {"Organization", "a81001", R"({"resourceType":"Organization","id":"a81001","identifier":[)" ODS("A81001") R"(],"name":"Riverside Medical Practice"})"},
      {"Organization", "district-nursing", R"({"resourceType":"Organization","id":"district-nursing","identifier":[)" ODS("R1A") R"(],
        "name":"Community Health Trust - District Nursing"})"},
      {"Organization", "care-coordination", R"({"resourceType":"Organization","id":"care-coordination","identifier":[)" ODS("8HR52") R"(],
        "name":"Age Well Care Coordination, voluntary sector"})"},
      {"Organization", "council", R"({"resourceType":"Organization","id":"council","identifier":[)" ODS("718") R"(],"name":"City Council Adult Social Care"})"},
      {"Organization", "rxx", R"({"resourceType":"Organization","id":"rxx","identifier":[)" ODS("RXX") R"(],"name":"General Hospital NHS Trust"})"},
      {"PractitionerRole", "resp-consultant", R"({"resourceType":"PractitionerRole","id":"resp-consultant","active":true,
        "organization":{"reference":"Organization/rxx"},"specialty":[{"text":"Respiratory medicine"}]})"},
      {"Patient", "edith", R"({"resourceType":"Patient","id":"edith",
        "identifier":[{"system":"https://fhir.nhs.uk/Id/nhs-number","value":"9434765919"}],
        "name":[{"family":"Harper","given":["Edith","May"],"prefix":["Mrs"]}],"gender":"female","birthDate":"1941-03-14",
        "address":[{"line":["14 Mill Lane"],"city":"Leeds","postalCode":"LS6 2AB"}],
        "generalPractitioner":[{"reference":"Organization/a81001"}]})"},
      {"RelatedPerson", "daughter", R"({"resourceType":"RelatedPerson","id":"daughter","patient":{"reference":"Patient/edith"},
        "identifier":[{"system":"https://fhir.nhs.uk/Id/nhs-number","value":"9449306613"}],
        "relationship":[{"coding":[{"system":"http://terminology.hl7.org/CodeSystem/v3-RoleCode","code":"DAU"}]}],"name":[{"family":"Lowe","given":["Susan"]}]})"},
      {"CareTeam", "edith-care", R"({"resourceType":"CareTeam","id":"edith-care","status":"active","subject":{"reference":"Patient/edith"},
        "name":"COPD and diabetes community care team",
        "participant":[
          {"role":[{"text":"District nursing"}],"member":{"reference":"Organization/district-nursing"}},
          {"role":[{"text":"Respite care home"}],"member":{"identifier":)" ODS("VM4L7") R"(,"display":"Oakwood Care Home"}},
          {"role":[{"text":"Care coordinator"}],"member":{"display":"Jo Price"},"onBehalfOf":{"reference":"Organization/care-coordination"}},
          {"role":[{"text":"Carer"}],"member":{"reference":"RelatedPerson/daughter"}},
          {"role":[{"text":"Hospice at home, ended"}],"member":{"identifier":)" ODS("NQT") R"(},"period":{"end":"2025-01-31"}}]})"},
      {"CareTeam", "old-team", R"({"resourceType":"CareTeam","id":"old-team","status":"inactive","subject":{"reference":"Patient/edith"},
        "participant":[{"member":{"identifier":)" ODS("RA7") R"(}}]})"},
      {"EpisodeOfCare", "social-care", R"({"resourceType":"EpisodeOfCare","id":"social-care","status":"active","patient":{"reference":"Patient/edith"},
        "type":[{"text":"Adult social care: home care package"}],"managingOrganization":{"reference":"Organization/council"},"period":{"start":"2026-03-01"}})"},
      {"EpisodeOfCare", "old-episode", R"({"resourceType":"EpisodeOfCare","id":"old-episode","status":"finished","patient":{"reference":"Patient/edith"},
        "managingOrganization":{"identifier":)" ODS("RR8") R"(}})"},
      {"ServiceRequest", "resp-referral", R"({"resourceType":"ServiceRequest","id":"resp-referral","status":"active","intent":"order",
        "category":[{"coding":[{"system":"http://snomed.info/sct","code":"3457005","display":"Patient referral"}]}],
        "code":{"text":"Referral to respiratory clinic: COPD exacerbations"},"subject":{"reference":"Patient/edith"},
        "requester":{"reference":"Organization/a81001"},"performer":[{"reference":"PractitionerRole/resp-consultant"}]})"},
      {"ServiceRequest", "old-referral", R"({"resourceType":"ServiceRequest","id":"old-referral","status":"completed","intent":"order",
        "subject":{"reference":"Patient/edith"},"performer":[{"identifier":)" ODS("RM1") R"(}]})"},
      {"Encounter", "home-visit", R"({"resourceType":"Encounter","id":"home-visit","status":"in-progress",
        "class":{"system":"http://terminology.hl7.org/CodeSystem/v3-ActCode","code":"HH"},"subject":{"reference":"Patient/edith"},
        "serviceProvider":{"reference":"Organization/district-nursing"}})"},
      {"Encounter", "old-admission", R"({"resourceType":"Encounter","id":"old-admission","status":"finished",
        "class":{"system":"http://terminology.hl7.org/CodeSystem/v3-ActCode","code":"IMP"},"subject":{"reference":"Patient/edith"},
        "serviceProvider":{"identifier":)" ODS("RGT") R"(}})"},
      {"Consent", "edith-dissent", R"({"resourceType":"Consent","id":"edith-dissent","status":"active",)" PRIVACY R"(
        "patient":{"reference":"Patient/edith"},"dateTime":"2026-10-01","performer":[{"reference":"Patient/edith"}],
        "provision":{"type":"deny","period":{"start":"2026-10-01"}}})"},
      {"Consent", "edith-poc-walk-in", R"({"resourceType":"Consent","id":"edith-poc-walk-in","status":"active",)" PRIVACY R"(
        "patient":{"reference":"Patient/edith"},"performer":[{"reference":"Practitioner/walk-in-nurse"}],
        "provision":{"type":"permit","period":{"start":"2026-12-02T08:00:00Z","end":"2026-12-02T20:00:00Z"},
          "actor":[{)" IRCP R"(,"reference":{"identifier":)" ODS("RWE") R"(}}]}})"},
      {"Consent", "edith-restrict-sexual-health", R"({"resourceType":"Consent","id":"edith-restrict-sexual-health","status":"active",)" PRIVACY R"(
        "patient":{"reference":"Patient/edith"},
        "provision":{"type":"permit","provision":[{"type":"deny","actor":[{)" IRCP R"(,"reference":{"reference":"Organization/rxx"}}],
          "securityLabel":[{"system":"http://terminology.hl7.org/CodeSystem/v3-ActCode","code":"SEX"},
                           {"system":"http://terminology.hl7.org/CodeSystem/v3-ActCode","code":"STD"}]}]}})"},
      {"Consent", "edith-proxy-daughter", R"({"resourceType":"Consent","id":"edith-proxy-daughter","status":"active",)" PRIVACY R"(
        "patient":{"reference":"Patient/edith"},"performer":[{"reference":"Patient/edith"}],
        "provision":{"type":"permit","period":{"start":"2025-06-01"},
          "actor":[{"role":{"coding":[{"system":"http://terminology.hl7.org/CodeSystem/v3-RoleCode","code":"DAU"}]},
                    "reference":{"reference":"RelatedPerson/daughter"}}],
          "class":[{"system":"http://hl7.org/fhir/resource-types","code":"Patient"},
                   {"system":"http://hl7.org/fhir/resource-types","code":"MedicationRequest"},
                   {"system":"http://hl7.org/fhir/resource-types","code":"Appointment"}]}})"},
      {"Consent", "edith-ndop", R"({"resourceType":"Consent","id":"edith-ndop","status":"active",
        "scope":{"coding":[{"system":"http://terminology.hl7.org/CodeSystem/consentscope","code":"research"}]},
        "category":[{"coding":[{"system":"http://loinc.org","code":"59284-0"}]}],"patient":{"reference":"Patient/edith"},
        "policyRule":{"coding":[{"system":"urn:hidewire:consent-policy","code":"national-data-opt-out"}]},"provision":{"type":"deny"}})"},
      {"Consent", "edith-restrict-care-homes", R"({"resourceType":"Consent","id":"edith-restrict-care-homes","status":"active",)" PRIVACY R"(
        "patient":{"reference":"Patient/edith"},
        "provision":{"type":"deny","actor":[{)" IRCP R"(,"reference":{"identifier":{"system":"urn:hidewire:role","value":"care-home"}}}],
          "class":[{"system":"http://terminology.hl7.org/CodeSystem/observation-category","code":"social-history"}]}})"},
      {"Consent", "edith-dissent-withdrawn", R"({"resourceType":"Consent","id":"edith-dissent-withdrawn","status":"inactive",)" PRIVACY R"(
        "patient":{"reference":"Patient/edith"},"provision":{"type":"deny"}})"},
      {"Consent", "edith-treatment", R"({"resourceType":"Consent","id":"edith-treatment","status":"active",
        "scope":{"coding":[{"system":"http://terminology.hl7.org/CodeSystem/consentscope","code":"treatment"}]},
        "category":[{"coding":[{"system":"http://loinc.org","code":"59284-0"}]}],"patient":{"reference":"Patient/edith"},
        "provision":{"type":"deny"}})"},
  };
}

inline std::vector<Resource> sensitive_record() {
  return {
      {"Patient", "protected", R"({"resourceType":"Patient","id":"protected",
        "meta":{"security":[{"system":"http://terminology.hl7.org/CodeSystem/v3-Confidentiality","code":"R"}]},
        "identifier":[{"system":"https://fhir.nhs.uk/Id/nhs-number","value":"9449310475"}],"gender":"male","birthDate":"1978-07-02",
        "deceasedDateTime":"2026-11-20T03:10:00Z","generalPractitioner":[{"identifier":)" ODS("B86010") R"(}]})"},
      {"Consent", "protected-restrict", R"({"resourceType":"Consent","id":"protected-restrict","status":"active",)" PRIVACY R"(
        "patient":{"reference":"Patient/protected"},
        "provision":{"type":"deny","actor":[{)" IRCP R"(,"reference":{"reference":"Organization/not-stored"}}],
          "securityLabel":[{"system":"http://terminology.hl7.org/CodeSystem/v3-ActCode","code":"PSY"}],
          "provision":[{"type":"permit","actor":[{)" IRCP R"(,"reference":{"reference":"Organization/also-not-stored"}}]}]}})"},
  };
}

inline std::string salbutamol_json() {
  return R"({"resourceType":"MedicationRequest","id":"salbutamol","status":"active","intent":"order",
    "medicationCodeableConcept":{"text":"Salbutamol 100micrograms/dose inhaler"},"subject":{"reference":"Patient/edith"}})";
}

inline std::string spirometry_json() {
  return R"({"resourceType":"Observation","id":"fev1","status":"final",
    "category":[{"coding":[{"system":"http://terminology.hl7.org/CodeSystem/observation-category","code":"procedure"}]}],
    "code":{"text":"FEV1"},"subject":{"reference":"Patient/edith"},"valueQuantity":{"value":0.9,"unit":"L"}})";
}

#undef ODS
#undef PRIVACY
#undef IRCP

}  // namespace fixtures
