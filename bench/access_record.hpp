// The patient record bench_access decides on and bench/run_access_bench.sh serves: Mr Arthur
// Bennett, 78, at an acute trust's node (RR8). Registered at A81001; an active admission at RR8; a
// CareTeam with the ward, his GP, a care home and his daughter; four Consents (a restriction of
// sexual-health-labelled records from everyone but the GP, a restriction of social history from
// care homes, a proxy grant for his daughter, the national data opt-out); 20 Observations (vital
// signs, labs, two social history, one labelled sexual health).
#pragma once

#include <cstdio>
#include <string>
#include <vector>

namespace bench_record {

struct Resource {
  std::string type, id, json;
};

inline const char* kPatientId = "arthur";
inline const char* kNhsNumber = "9434765919";

#define ODS(code) R"({"system":"https://fhir.nhs.uk/Id/ods-organization-code","value":")" code R"("})"
#define PRIVACY R"("scope":{"coding":[{"system":"http://terminology.hl7.org/CodeSystem/consentscope","code":"patient-privacy"}]},)" \
                R"("category":[{"coding":[{"system":"http://loinc.org","code":"59284-0"}]}],)"
#define OPTOUT R"("policyRule":{"coding":[{"system":"http://terminology.hl7.org/CodeSystem/v3-ActCode","code":"OPTOUT"}]},)"
#define OPTIN R"("policyRule":{"coding":[{"system":"http://terminology.hl7.org/CodeSystem/v3-ActCode","code":"OPTIN"}]},)"
#define IRCP R"("role":{"coding":[{"system":"http://terminology.hl7.org/CodeSystem/v3-ParticipationType","code":"IRCP"}]})"

inline std::vector<Resource> record() {
  std::vector<Resource> r = {
      {"Organization", "a81001", R"({"resourceType":"Organization","id":"a81001","identifier":[)" ODS("A81001") R"(],"name":"Riverside Medical Practice"})"},
      {"Organization", "rr8", R"({"resourceType":"Organization","id":"rr8","identifier":[)" ODS("RR8") R"(],"name":"Leeds Teaching Hospitals NHS Trust"})"},
      {"Organization", "oakwood", R"({"resourceType":"Organization","id":"oakwood","identifier":[)" ODS("VM4L7") R"(],"name":"Oakwood Care Home"})"},
      {"Patient", "arthur", R"({"resourceType":"Patient","id":"arthur",
        "identifier":[{"system":"https://fhir.nhs.uk/Id/nhs-number","value":"9434765919"}],
        "name":[{"family":"Bennett","given":["Arthur","James"],"prefix":["Mr"]}],"gender":"male","birthDate":"1948-05-20",
        "address":[{"line":["3 Chapel Street"],"city":"Leeds","postalCode":"LS6 3BT"}],
        "generalPractitioner":[{"reference":"Organization/a81001"}]})"},
      {"RelatedPerson", "daughter", R"({"resourceType":"RelatedPerson","id":"daughter","patient":{"reference":"Patient/arthur"},
        "identifier":[{"system":"https://fhir.nhs.uk/Id/nhs-number","value":"9449306613"}],
        "relationship":[{"coding":[{"system":"http://terminology.hl7.org/CodeSystem/v3-RoleCode","code":"DAU"}]}],"name":[{"family":"Hughes","given":["Claire"]}]})"},
      {"CareTeam", "arthur-care", R"({"resourceType":"CareTeam","id":"arthur-care","status":"active","subject":{"reference":"Patient/arthur"},
        "name":"Heart failure discharge team",
        "participant":[
          {"role":[{"text":"Cardiology ward"}],"member":{"reference":"Organization/rr8"}},
          {"role":[{"text":"GP"}],"member":{"reference":"Organization/a81001"}},
          {"role":[{"text":"Step-down care home"}],"member":{"reference":"Organization/oakwood"}},
          {"role":[{"text":"Carer"}],"member":{"reference":"RelatedPerson/daughter"}}]})"},
      {"Encounter", "admission", R"({"resourceType":"Encounter","id":"admission","status":"in-progress",
        "class":{"system":"http://terminology.hl7.org/CodeSystem/v3-ActCode","code":"IMP"},"subject":{"reference":"Patient/arthur"},
        "serviceProvider":{"reference":"Organization/rr8"},"period":{"start":"2026-11-28T14:20:00Z"}})"},
      {"Consent", "arthur-restrict-sexual-health", R"({"resourceType":"Consent","id":"arthur-restrict-sexual-health","status":"active",)" PRIVACY OPTOUT R"(
        "patient":{"reference":"Patient/arthur"},"performer":[{"reference":"Patient/arthur"}],
        "provision":{"type":"deny","securityLabel":[{"system":"http://terminology.hl7.org/CodeSystem/v3-ActCode","code":"SEX"},
                                                    {"system":"http://terminology.hl7.org/CodeSystem/v3-ActCode","code":"STD"}]}})"},
      {"Consent", "arthur-restrict-care-homes", R"({"resourceType":"Consent","id":"arthur-restrict-care-homes","status":"active",)" PRIVACY OPTOUT R"(
        "patient":{"reference":"Patient/arthur"},"performer":[{"reference":"Patient/arthur"}],
        "provision":{"type":"deny","actor":[{)" IRCP R"(,"reference":{"identifier":{"system":"urn:hidewire:role","value":"care-home"}}}],
          "class":[{"system":"http://terminology.hl7.org/CodeSystem/observation-category","code":"social-history"}]}})"},
      {"Consent", "arthur-proxy-daughter", R"({"resourceType":"Consent","id":"arthur-proxy-daughter","status":"active",)" PRIVACY OPTIN R"(
        "patient":{"reference":"Patient/arthur"},"performer":[{"reference":"Patient/arthur"}],
        "provision":{"type":"permit","period":{"start":"2025-06-01"},
          "actor":[{"role":{"coding":[{"system":"http://terminology.hl7.org/CodeSystem/v3-RoleCode","code":"DAU"}]},
                    "reference":{"reference":"RelatedPerson/daughter"}}],
          "class":[{"system":"http://hl7.org/fhir/resource-types","code":"Patient"},
                   {"system":"http://hl7.org/fhir/resource-types","code":"MedicationRequest"},
                   {"system":"http://hl7.org/fhir/resource-types","code":"Appointment"}]}})"},
      {"Consent", "arthur-ndop", R"({"resourceType":"Consent","id":"arthur-ndop","status":"active",
        "scope":{"coding":[{"system":"http://terminology.hl7.org/CodeSystem/consentscope","code":"research"}]},
        "category":[{"coding":[{"system":"http://loinc.org","code":"59284-0"}]}],"patient":{"reference":"Patient/arthur"},
        "policyRule":{"coding":[{"system":"urn:hidewire:consent-policy","code":"national-data-opt-out"}]},"provision":{"type":"deny"}})"},
  };
  struct Obs {
    const char *category, *loinc, *text, *value, *unit, *label;
  };
  const Obs obs[] = {
      {"vital-signs", "8867-4", "Heart rate", "88", "/min", nullptr},
      {"vital-signs", "9279-1", "Respiratory rate", "20", "/min", nullptr},
      {"vital-signs", "8310-5", "Body temperature", "37.4", "Cel", nullptr},
      {"vital-signs", "59408-5", "Oxygen saturation", "94", "%", nullptr},
      {"vital-signs", "8480-6", "Systolic blood pressure", "142", "mm[Hg]", nullptr},
      {"vital-signs", "8462-4", "Diastolic blood pressure", "86", "mm[Hg]", nullptr},
      {"vital-signs", "29463-7", "Body weight", "81.5", "kg", nullptr},
      {"vital-signs", "8867-4", "Heart rate", "79", "/min", nullptr},
      {"laboratory", "2951-2", "Sodium", "134", "mmol/L", nullptr},
      {"laboratory", "2823-3", "Potassium", "4.9", "mmol/L", nullptr},
      {"laboratory", "2160-0", "Creatinine", "128", "umol/L", nullptr},
      {"laboratory", "3094-0", "Urea", "9.8", "mmol/L", nullptr},
      {"laboratory", "33762-6", "NT-proBNP", "2450", "ng/L", nullptr},
      {"laboratory", "718-7", "Haemoglobin", "121", "g/L", nullptr},
      {"laboratory", "6690-2", "White cell count", "8.1", "10*9/L", nullptr},
      {"laboratory", "777-3", "Platelets", "244", "10*9/L", nullptr},
      {"laboratory", "4548-4", "HbA1c", "52", "mmol/mol", nullptr},
      {"social-history", "72166-2", "Tobacco smoking status", "1", "{pack-years}", nullptr},
      {"social-history", "74013-4", "Alcohol units per week", "14", "{units}/wk", nullptr},
      {"laboratory", "5292-8", "Syphilis serology (RPR)", "0", "{titer}", "STD"},
  };
  int i = 0;
  for (const Obs& o : obs) {
    std::string id = "obs-" + std::to_string(++i);
    std::string meta = o.label ? std::string(R"("meta":{"security":[{"system":"http://terminology.hl7.org/CodeSystem/v3-ActCode","code":")") +
                                     o.label + R"("}]},)"
                               : std::string();
    r.push_back({"Observation", id,
                 R"({"resourceType":"Observation","id":")" + id + R"(",)" + meta + R"("status":"final",)" +
                     R"("category":[{"coding":[{"system":"http://terminology.hl7.org/CodeSystem/observation-category","code":")" + o.category +
                     R"("}]}],"code":{"coding":[{"system":"http://loinc.org","code":")" + o.loinc + R"("}],"text":")" + o.text +
                     R"("},"subject":{"reference":"Patient/arthur"},"encounter":{"reference":"Encounter/admission"},)" +
                     R"("effectiveDateTime":"2026-11-29T0)" + std::to_string(i % 10) + R"(:30:00Z","valueQuantity":{"value":)" + o.value +
                     R"(,"unit":")" + o.unit + R"(","system":"http://unitsofmeasure.org","code":")" + o.unit + R"("}})"});
  }
  return r;
}

// The record as one transaction Bundle of PUTs, for POST to a node's FHIR base.
inline std::string transaction_bundle() {
  std::string b = R"({"resourceType":"Bundle","type":"transaction","entry":[)";
  int n = 0;
  for (const Resource& x : record()) {
    if (n) b += ',';
    char uuid[64];
    std::snprintf(uuid, sizeof uuid, "urn:uuid:6f1c2a9e-0b7d-4c3e-8a5f-%012d", ++n);
    b += R"({"fullUrl":")" + std::string(uuid) + R"(","resource":)" + x.json + R"(,"request":{"method":"PUT","url":")" + x.type +
         "/" + x.id + R"("}})";
  }
  return b + "]}";
}

#undef ODS
#undef PRIVACY
#undef IRCP
#undef OPTOUT
#undef OPTIN

}  // namespace bench_record
