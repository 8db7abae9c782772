// Realistic, UK-shaped records for the federation tests, made here (no shared data): a GP
// practice's structured record as GP Connect answers it (a collection Bundle: Patient,
// Organization, Practitioner, Lists, MedicationStatement / MedicationRequest plans and issues with
// dm+d Medications, SNOMED CT problems, observations and consultations; relative references
// throughout) and a hospital's $hidewire-patient-record answer.
#pragma once

#include <algorithm>
#include <string>

namespace hw_fed_test {

struct RecordSize {
  int medications = 50, issues_per_medication = 12, problems = 30, observations = 200, consultations = 40;
};

// How many resources gp_record() holds for these sizes.
inline std::size_t resources_in(RecordSize n) {
  return 3 + static_cast<std::size_t>(n.medications * (3 + n.issues_per_medication) + 1 + n.problems + n.observations + n.consultations);
}

// Each resource as a GP system writes it: its UK Core profile, version and last update.
inline std::string entry(const std::string& base, const std::string& type, const std::string& id, const std::string& body) {
  return R"({"fullUrl":")" + base + "/" + type + "/" + id + R"(","resource":{"resourceType":")" + type + R"(","id":")" + id +
         R"(","meta":{"versionId":"1","lastUpdated":"2026-11-30T08:12:45.000Z","profile":["https://fhir.hl7.org.uk/StructureDefinition/UKCore-)" + type +
         R"("]},)" + body + "}}";
}

// The practice system's own identifier of a record entry (GP Connect's cross-care-setting identifier).
inline std::string local_id(const std::string& id) {
  return R"("identifier":[{"system":"https://leedsroad.example/Id/cross-care-setting-identifier","value":"7f2c9e40-1b3a-4c5d-8e6f-)" +
         std::string(12 - std::min<std::size_t>(12, id.size()), '0') + id.substr(0, 12) + R"("}],)";
}

inline std::string patient_body(const std::string& nhs, const std::string& gp_ods) {
  return R"("identifier":[{"system":"https://fhir.nhs.uk/Id/nhs-number","value":")" + nhs +
         R"("}],"name":[{"use":"official","family":"Whitfield","given":["Edith","May"]}],"gender":"female","birthDate":"1941-03-14",)"
         R"("address":[{"line":["14 Mill Lane"],"city":"Leeds","postalCode":"LS6 2QT"}],)"
         R"("generalPractitioner":[{"identifier":{"system":"https://fhir.nhs.uk/Id/ods-organization-code","value":")" + gp_ods + R"("}}])";
}

// A consultation's free text, as a clinician types it (about 1.5 kB).
inline std::string consultation_note() {
  std::string s;
  for (int i = 0; i < 6; ++i)
    s += "History: two days of worsening breathlessness on exertion, no chest pain, sleeping on three pillows. Examination: bibasal crackles, mild ankle oedema. ";
  return s + "Plan: furosemide increased, bloods (U&amp;E) in one week, review in clinic.";
}

// GP Connect's answer for `nhs` from practice `ods` whose node is at `base`.
inline std::string gp_record(const std::string& base, const std::string& nhs, const std::string& ods, RecordSize n = {}) {
  std::string s = R"({"resourceType":"Bundle","id":"gpc-1","meta":{"profile":["https://fhir.nhs.uk/STU3/StructureDefinition/GPConnect-StructuredRecord-Bundle-1"]},"type":"collection","entry":[)";
  s += entry(base, "Patient", "1", patient_body(nhs, ods));
  s += "," + entry(base, "Organization", "org1", R"("identifier":[{"system":"https://fhir.nhs.uk/Id/ods-organization-code","value":")" + ods + R"("}],"name":"Leeds Road Surgery")");
  s += "," + entry(base, "Practitioner", "pr1", R"("identifier":[{"system":"https://fhir.nhs.uk/Id/sds-user-id","value":"G8133438"}],"name":[{"family":"Patel","given":["Anita"],"prefix":["Dr"]}])");
  const char* medicines[][2] = {{"39720311000001101", "Paracetamol 500mg tablets"}, {"42206511000001102", "Amlodipine 5mg tablets"},
                                {"39113611000001102", "Atorvastatin 20mg tablets"}, {"39732311000001104", "Lansoprazole 30mg capsules"},
                                {"41946011000001106", "Metformin 500mg tablets"}};
  std::string list_meds;
  for (int m = 0; m < n.medications; ++m) {
    std::string id = std::to_string(m + 1), med = medicines[m % 5][0], name = medicines[m % 5][1];
    s += "," + entry(base, "Medication", "med" + id, R"("code":{"coding":[{"system":"http://snomed.info/sct","code":")" + med + R"(","display":")" + name + R"("}]})");
    s += "," + entry(base, "MedicationStatement", "ms" + id,
                     R"("status":"active","basedOn":[{"reference":"MedicationRequest/plan)" + id + R"("}],"medicationReference":{"reference":"Medication/med)" + id +
                         R"("},"subject":{"reference":"Patient/1"},"effectivePeriod":{"start":"2024-01-15"},"dateAsserted":"2024-01-15",)"
                         R"("dosage":[{"text":"One tablet twice a day","patientInstruction":"Take with food"}])");
    s += "," + entry(base, "MedicationRequest", "plan" + id,
                     R"("status":"active","intent":"plan","medicationReference":{"reference":"Medication/med)" + id +
                         R"("},"subject":{"reference":"Patient/1"},"authoredOn":"2024-01-15","requester":{"reference":"Practitioner/pr1"},)"
                         R"("dosageInstruction":[{"text":"One tablet twice a day"}],"dispenseRequest":{"quantity":{"value":56,"unit":"tablet"},"expectedSupplyDuration":{"value":28,"unit":"day","system":"http://unitsofmeasure.org","code":"d"}})");
    for (int i = 0; i < n.issues_per_medication; ++i) {
      std::string iid = id + "-" + std::to_string(i + 1);
      s += "," + entry(base, "MedicationRequest", "issue" + iid, local_id(std::to_string(m * 100 + i)) +
                       R"("status":"completed","intent":"order","basedOn":[{"reference":"MedicationRequest/plan)" + id +
                           R"("}],"medicationReference":{"reference":"Medication/med)" + id +
                           R"("},"subject":{"reference":"Patient/1"},"authoredOn":"2024-)" + std::to_string(10 + i % 3) +
                           R"(-0)" + std::to_string(1 + i % 9) + R"(","requester":{"reference":"Practitioner/pr1"},"dosageInstruction":[{"text":"One tablet twice a day"}],"dispenseRequest":{"quantity":{"value":56,"unit":"tablet"}})");
    }
    list_meds += std::string(m ? "," : "") + R"({"item":{"reference":"MedicationStatement/ms)" + id + "\"}}";
  }
  s += "," + entry(base, "List", "list-meds",
                   R"("status":"current","mode":"snapshot","title":"Medications and medical devices","code":{"coding":[{"system":"http://snomed.info/sct","code":"933361000000108"}]},"subject":{"reference":"Patient/1"},"entry":[)" +
                       list_meds + "]");
  const char* problems[][2] = {{"38341003", "Hypertensive disorder"}, {"44054006", "Diabetes mellitus type 2"}, {"195967001", "Asthma"},
                               {"35489007", "Depressive disorder"}, {"396275006", "Osteoarthritis"}};
  for (int p = 0; p < n.problems; ++p)
    s += "," + entry(base, "Condition", "prob" + std::to_string(p + 1),
                     R"("clinicalStatus":{"coding":[{"system":"http://terminology.hl7.org/CodeSystem/condition-clinical","code":"active"}]},"category":[{"coding":[{"system":"http://terminology.hl7.org/CodeSystem/condition-category","code":"problem-list-item"}]}],"code":{"coding":[{"system":"http://snomed.info/sct","code":")" +
                         std::string(problems[p % 5][0]) + R"(","display":")" + problems[p % 5][1] + R"("}]},"subject":{"reference":"Patient/1"},"onsetDateTime":"2015-06-0)" + std::to_string(1 + p % 9) + "\"");
  for (int o = 0; o < n.observations; ++o)
    s += "," + entry(base, "Observation", "obs" + std::to_string(o + 1), local_id(std::to_string(50000 + o)) +
                     R"("status":"final","note":[{"text":"Seated, left arm, after five minutes' rest. Home readings similar; reviewed with the patient."}],"code":{"coding":[{"system":"http://snomed.info/sct","code":"271649006","display":"Systolic blood pressure"}]},"subject":{"reference":"Patient/1"},"effectiveDateTime":"2025-0)" +
                         std::to_string(1 + o % 9) + R"(-1)" + std::to_string(o % 10) + R"(","performer":[{"reference":"Practitioner/pr1"}],"valueQuantity":{"value":)" + std::to_string(120 + o % 40) +
                         R"(,"unit":"mmHg","system":"http://unitsofmeasure.org","code":"mm[Hg]"})");
  for (int c = 0; c < n.consultations; ++c)
    s += "," + entry(base, "Encounter", "enc" + std::to_string(c + 1), local_id(std::to_string(70000 + c)) +
                     R"("text":{"status":"generated","div":"<div xmlns=\"http://www.w3.org/1999/xhtml\"><p>)" + consultation_note() + R"(</p></div>"},"status":"finished","class":{"system":"http://terminology.hl7.org/CodeSystem/v3-ActCode","code":"AMB"},"type":[{"coding":[{"system":"http://snomed.info/sct","code":"185317003","display":"Telephone encounter"}]}],"subject":{"reference":"Patient/1"},"participant":[{"individual":{"reference":"Practitioner/pr1"}}],"period":{"start":"2025-02-1)" +
                         std::to_string(c % 10) + "T09:30:00+00:00\"}");
  return s + "]}";
}

// A hospital's answer to $hidewire-patient-record: the Patient (its own Patient/1 too), an
// A&E attendance, a diagnosis and a triage observation, and a note that something was withheld.
inline std::string hospital_record(const std::string& base, const std::string& nhs, const std::string& gp_ods) {
  std::string s = R"({"resourceType":"Bundle","type":"collection","entry":[)";
  s += entry(base, "Patient", "1", patient_body(nhs, gp_ods));
  s += "," + entry(base, "Encounter", "ae-2231",
                   R"("status":"finished","class":{"system":"http://terminology.hl7.org/CodeSystem/v3-ActCode","code":"EMER"},"subject":{"reference":"Patient/1"},"serviceProvider":{"identifier":{"system":"https://fhir.nhs.uk/Id/ods-organization-code","value":"RXX"}},"period":{"start":"2026-11-02T22:10:00Z","end":"2026-11-03T03:40:00Z"})");
  s += "," + entry(base, "Condition", "dx-88",
                   R"("code":{"coding":[{"system":"http://snomed.info/sct","code":"62315008","display":"Diarrhoea"}]},"subject":{"reference":"Patient/1"},"encounter":{"reference":"Encounter/ae-2231"})");
  s += "," + entry(base, "Observation", "news2-1",
                   R"("status":"final","code":{"coding":[{"system":"http://snomed.info/sct","code":"1104051000000101","display":"Royal College of Physicians NEWS2 score"}]},"subject":{"reference":"Patient/1"},"encounter":{"reference":"Encounter/ae-2231"},"valueInteger":3)");
  s += R"(,{"resource":{"resourceType":"OperationOutcome","issue":[{"severity":"information","code":"suppressed","diagnostics":"part of the record was withheld at the patient's request"}]}})";
  return s + "]}";
}

}  // namespace hw_fed_test
