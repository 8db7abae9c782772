// A GP practice's node for the GP Connect tests: Riverside Medical Practice (A81001) holding the
// record of Edith Thornton, 85, with COPD, type 2 diabetes and hypertension, cared for by her
// daughter; furosemide started last week; allergies, immunisations, consultations, blood results,
// a referral and diary entries. Dates are relative to today, so filters stay meaningful. Plus the
// API around it: an in-memory audit log and a caller chosen by the test.
#pragma once

#include <doctest/doctest.h>
#include <rapidjson/document.h>
#include <unistd.h>

#include <chrono>
#include <ctime>
#include <filesystem>
#include <memory>
#include <mutex>
#include <string>
#include <vector>

#include "api/fhir_api.hpp"
#include "plugins/stores/sqlite/fhir_store.hpp"

namespace gpc_test {

using namespace hidewire;

inline std::string day_offset(int days) {
  std::time_t t = std::chrono::system_clock::to_time_t(std::chrono::system_clock::now() + std::chrono::hours(24) * days);
  std::tm tm{};
  gmtime_r(&t, &tm);
  char buf[16];
  std::strftime(buf, sizeof buf, "%Y-%m-%d", &tm);
  return buf;
}
inline std::string ago(int days) { return day_offset(-days); }

inline const char* kEdithNhs = "9731123458";

inline std::string snomed(const std::string& code, const std::string& display) {
  return R"({"coding":[{"system":"http://snomed.info/sct","code":")" + code + R"(","display":")" + display + R"("}]})";
}
inline std::string verified_nhs(const std::string& nhs, const std::string& status = "01") {
  return R"({"system":"https://fhir.nhs.uk/Id/nhs-number","value":")" + nhs +
         R"(","extension":[{"url":"https://fhir.hl7.org.uk/StructureDefinition/Extension-UKCore-NHSNumberVerificationStatus","valueCodeableConcept":{"coding":[{"system":"https://fhir.hl7.org.uk/CodeSystem/UKCore-NHSNumberVerificationStatusEngland","code":")" +
         status + R"("}]}}]})";
}

struct MemoryAudit final : node::AuditLog {
  std::mutex mu;
  std::vector<node::AuditRecord> kept;
  void append(std::vector<node::AuditRecord> records, Done done) override {
    {
      std::lock_guard lock(mu);
      for (auto& r : records) kept.push_back(std::move(r));
    }
    done(true, "");
  }
  void append_sync(std::vector<node::AuditRecord> records) override { append(std::move(records), [](bool, const std::string&) {}); }
  std::vector<node::AuditRecord> query(const node::AuditQuery&) override { return kept; }
  std::int64_t journal_high_water() override { return 0; }
  std::vector<std::string> token_ids_since(const std::string&) override { return {}; }
  void stop() override {}
};

// Authenticates every request as the caller the test sets.
struct FixedAuth final : node::Authentication {
  node::Caller caller;
  node::AuthOutcome authenticate(const node::Credentials& c) override {
    node::AuthOutcome a;
    a.ok = true;
    a.caller = caller;
    a.caller.address = c.address;
    a.caller.request_id = c.request_id;
    return a;
  }
  node::AuthOutcome system(const std::string&, const std::string&) override { return {}; }
};

inline node::Caller practice_system() {
  node::Caller c;
  c.kind = node::Caller::Kind::System;
  c.id = "emis-web";
  c.ods_code = "A81001";
  c.org_kind = "gp-practice";
  c.roles = {"clinical"};
  c.purpose = "direct-care";
  return c;
}
inline node::Caller trust_peer(const std::string& purpose = "emergency") {
  node::Caller c;
  c.kind = node::Caller::Kind::Peer;
  c.id = "northshire";
  c.ods_code = "RXX";
  c.org_kind = "acute-trust";
  c.purpose = purpose;
  c.person_present = true;
  c.person = {"C1234567", "Dr Omar Haddad", "R8000"};
  return c;
}

class GpNode {
 public:
  explicit GpNode(const node::AccessPolicy& policy, const std::string& tag) : db_(std::filesystem::temp_directory_path() / ("hw-gpc-" + tag + "-" + std::to_string(::getpid()) + ".db")) {
    std::filesystem::remove(db_);
    store = std::make_unique<plugins::SqliteFhirStore>(db_.string());
    http::ApiGuard guard;
    guard.auth = &auth;
    guard.audit = &audit;
    guard.node_ods = "A81001";
    guard.node_name = "Riverside Medical Practice";
    guard.node_kind = "gp-practice";
    guard.on_break_glass = [this](const http::BreakGlassAlert& a) { alerts.push_back(a); };
    api = std::make_unique<http::FhirApi>(*store, policy, guard);
    auth.caller = practice_system();
  }
  ~GpNode() {
    api.reset();
    store.reset();
    std::filesystem::remove(db_);
  }
  void put(const std::string& type, const std::string& id, const std::string& json) {
    store->update(type, id, R"({"resourceType":")" + type + R"(","id":")" + id + "\"," + json + "}");
  }
  http::Response post(const std::string& operation, const std::string& body) {
    http::Request r;
    r.method = "POST";
    r.path = "/Patient/$" + operation;
    r.body = body;
    r.content_type = "application/fhir+json";
    r.base_url = "https://a81001.riverside.example";
    r.peer_address = "10.0.0.7:50000";
    r.headers["x-request-id"] = "req-gpc-1";
    return api->handle(r);
  }
  http::Response get(const std::string& path, const std::string& key = {}, const std::string& value = {}) {
    http::Request r;
    r.method = "GET";
    r.path = path;
    if (!key.empty()) r.query.emplace(key, value);
    r.base_url = "https://a81001.riverside.example";
    r.peer_address = "10.0.0.7:50000";
    return api->handle(r);
  }

  std::unique_ptr<plugins::SqliteFhirStore> store;
  FixedAuth auth;
  MemoryAudit audit;
  std::vector<http::BreakGlassAlert> alerts;
  std::unique_ptr<http::FhirApi> api;

 private:
  std::filesystem::path db_;
};

// The practice, its GP, and Edith's record.
inline void add_practice(GpNode& n) {
  n.put("Organization", "riverside",
        R"("identifier":[{"system":"https://fhir.nhs.uk/Id/ods-organization-code","value":"A81001"}],"name":"Riverside Medical Practice","address":[{"line":["14 Mill Lane"],"city":"Leeds","postalCode":"LS6 2AB"}])");
  n.put("Organization", "rxx", R"("identifier":[{"system":"https://fhir.nhs.uk/Id/ods-organization-code","value":"RXX"}],"name":"Northshire General Hospital NHS Trust")");
  n.put("Practitioner", "dr-patel",
        R"("identifier":[{"system":"https://fhir.nhs.uk/Id/sds-user-id","value":"G8133438"}],"name":[{"family":"Patel","given":["Anjali"],"prefix":["Dr"]}])");
  n.put("PractitionerRole", "dr-patel-gp",
        R"("practitioner":{"reference":"Practitioner/dr-patel"},"organization":{"reference":"Organization/riverside"},"code":[{"coding":[{"system":"https://fhir.nhs.uk/CodeSystem/NHSDigital-SDS-JobRoleCode","code":"R0260","display":"General Medical Practitioner"}]}])");
  n.put("Medication", "med-furosemide", R"("code":)" + snomed("317972000", "Furosemide 40mg tablets"));
  n.put("Medication", "med-amlodipine", R"("code":)" + snomed("319283006", "Amlodipine 5mg tablets"));
  n.put("Medication", "med-metformin", R"("code":)" + snomed("325278007", "Metformin 500mg tablets"));
  n.put("Medication", "med-atenolol", R"("code":)" + snomed("318420003", "Atenolol 50mg tablets"));
}

inline std::string edith_patient(const std::string& extra = {}) {
  return R"("identifier":[)" + verified_nhs(kEdithNhs) +
         R"(],"name":[{"use":"official","family":"Thornton","given":["Edith","Margaret"],"prefix":["Mrs"]}],"gender":"female","birthDate":"1941-03-14",)"
         R"("address":[{"line":["3 Beech Grove"],"city":"Leeds","postalCode":"LS6 4JT"}],)"
         R"("generalPractitioner":[{"reference":"Organization/riverside"},{"reference":"Practitioner/dr-patel"}])" +
         extra;
}

inline void add_medication(GpNode& n, const std::string& name, const std::string& med, const std::string& start, const std::string& end,
                           const std::vector<std::string>& issues, const std::string& encounter = {}) {
  std::string status = end.empty() ? "active" : "completed";
  n.put("MedicationRequest", "plan-" + name,
        R"("status":")" + status + R"(","intent":"plan","medicationReference":{"reference":"Medication/)" + med +
            R"("},"subject":{"reference":"Patient/edith"},"authoredOn":")" + start + R"(","requester":{"reference":"Practitioner/dr-patel"},)"
            R"("dosageInstruction":[{"text":"One tablet each morning"}],"dispenseRequest":{"validityPeriod":{"start":")" + start + "\"" +
            (end.empty() ? "" : R"(,"end":")" + end + "\"") + "}}");
  n.put("MedicationStatement", "ms-" + name,
        R"("status":")" + status + R"(","basedOn":[{"reference":"MedicationRequest/plan-)" + name + R"("}],"medicationReference":{"reference":"Medication/)" +
            med + R"("},"subject":{"reference":"Patient/edith"},)" + (encounter.empty() ? "" : R"("context":{"reference":"Encounter/)" + encounter + R"("},)") +
            R"("effectivePeriod":{"start":")" + start + "\"" + (end.empty() ? "" : R"(,"end":")" + end + "\"") + R"(},"dateAsserted":")" + start +
            R"(","dosage":[{"text":"One tablet each morning"}])");
  for (std::size_t i = 0; i < issues.size(); ++i)
    n.put("MedicationRequest", "issue-" + name + "-" + std::to_string(i + 1),
          R"("status":"completed","intent":"order","basedOn":[{"reference":"MedicationRequest/plan-)" + name +
              R"("}],"medicationReference":{"reference":"Medication/)" + med + R"("},"subject":{"reference":"Patient/edith"},"authoredOn":")" + issues[i] +
              R"(","requester":{"reference":"Practitioner/dr-patel"},"dispenseRequest":{"quantity":{"value":28,"unit":"tablet"}})");
}

inline void add_edith(GpNode& n) {
  add_practice(n);
  n.put("Patient", "edith", edith_patient());
  n.put("RelatedPerson", "susan",
        R"("patient":{"reference":"Patient/edith"},"relationship":[{"coding":[{"system":"http://terminology.hl7.org/CodeSystem/v3-RoleCode","code":"DAU","display":"natural daughter"}]}],"name":[{"family":"Thornton","given":["Susan"]}])");
  const std::string problem = R"("category":[{"coding":[{"system":"http://terminology.hl7.org/CodeSystem/condition-category","code":"problem-list-item"}]}],"subject":{"reference":"Patient/edith"},)";
  const std::string major = R"({"url":"https://fhir.nhs.uk/StructureDefinition/Extension-ProblemSignificance","valueCode":"major"})";
  auto status = [](const char* s) { return std::string(R"("clinicalStatus":{"coding":[{"system":"http://terminology.hl7.org/CodeSystem/condition-clinical","code":")") + s + "\"}]},"; };
  n.put("Condition", "copd",
        R"("extension":[)" + major +
            R"(,{"url":"https://fhir.nhs.uk/StructureDefinition/Extension-RelatedProblemHeader","extension":[{"url":"type","valueCode":"child"},{"url":"target","valueReference":{"reference":"Condition/t2dm"}}]}],)" +
            problem + status("active") + R"("code":)" + snomed("13645005", "Chronic obstructive lung disease") + R"(,"onsetDateTime":"2012-05-10")");
  n.put("Condition", "t2dm", R"("extension":[)" + major + "]," + problem + status("active") + R"("code":)" + snomed("44054006", "Diabetes mellitus type 2") +
                                 R"(,"onsetDateTime":"2009-02-01")");
  n.put("Condition", "htn", R"("extension":[{"url":"https://fhir.nhs.uk/StructureDefinition/Extension-ActualProblem","valueReference":{"reference":"Observation/bp"}}],)" + problem + status("active") + R"("code":)" + snomed("38341003", "Hypertensive disorder") + R"(,"onsetDateTime":"2005-09-20")");
  n.put("Condition", "nof", problem + status("resolved") + R"("code":)" + snomed("5913000", "Fracture of neck of femur") +
                                R"(,"onsetDateTime":"2020-11-02","abatementDateTime":"2021-03-01")");
  n.put("Condition", "depression",
        R"("meta":{"security":[{"system":"http://terminology.hl7.org/CodeSystem/v3-ActCode","code":"MH"}]},)" + problem + status("active") +
            R"("code":)" + snomed("35489007", "Depressive disorder") + R"(,"onsetDateTime":"2023-01-15")");
  n.put("Condition", "exacerbation",
        R"("category":[{"coding":[{"system":"http://terminology.hl7.org/CodeSystem/condition-category","code":"encounter-diagnosis"}]}],"subject":{"reference":"Patient/edith"},)" +
            status("active") + R"("code":)" + snomed("195951007", "Acute exacerbation of chronic obstructive airways disease") +
            R"(,"encounter":{"reference":"Encounter/cons-recent"},"onsetDateTime":")" + ago(7) + "\"");
  n.put("AllergyIntolerance", "penicillin",
        R"("clinicalStatus":{"coding":[{"system":"http://terminology.hl7.org/CodeSystem/allergyintolerance-clinical","code":"active"}]},"verificationStatus":{"coding":[{"system":"http://terminology.hl7.org/CodeSystem/allergyintolerance-verification","code":"confirmed"}]},"code":)" +
            snomed("91936005", "Allergy to penicillin") + R"(,"patient":{"reference":"Patient/edith"},"recordedDate":"1998-04-02")");
  n.put("AllergyIntolerance", "grass",
        R"("clinicalStatus":{"coding":[{"system":"http://terminology.hl7.org/CodeSystem/allergyintolerance-clinical","code":"resolved"}]},"code":)" +
            snomed("418689008", "Allergy to grass pollen") + R"(,"patient":{"reference":"Patient/edith"},"asserter":{"reference":"RelatedPerson/susan"},"recordedDate":"2001-05-20","lastOccurrence":"2015-06-01")");
  add_medication(n, "furosemide", "med-furosemide", ago(7), "", {ago(7)}, "cons-recent");
  add_medication(n, "amlodipine", "med-amlodipine", "2018-06-01", "", {ago(60), ago(30), ago(2)});
  add_medication(n, "metformin", "med-metformin", "2009-02-10", "", {ago(30)});
  add_medication(n, "atenolol", "med-atenolol", "2010-01-05", "2018-05-31", {"2018-05-01"});
  n.put("Immunization", "flu",
        R"("status":"completed","vaccineCode":)" + snomed("39114911000001105", "Influenza vaccine (surface antigen, inactivated) suspension for injection 0.5ml pre-filled syringes") +
            R"(,"patient":{"reference":"Patient/edith"},"occurrenceDateTime":")" + ago(50) + R"(","performer":[{"actor":{"reference":"Practitioner/dr-patel"}}])");
  n.put("Immunization", "pneumo", R"("status":"completed","vaccineCode":)" + snomed("12866006", "Pneumococcal vaccination") +
                                      R"(,"patient":{"reference":"Patient/edith"},"occurrenceDateTime":"2006-11-15")");
  n.put("Immunization", "flu-error", R"("status":"entered-in-error","vaccineCode":)" + snomed("12866006", "Pneumococcal vaccination") +
                                         R"(,"patient":{"reference":"Patient/edith"},"occurrenceDateTime":"2006-11-15")");
  auto encounter = [&](const std::string& id, const std::string& start, const std::string& type) {
    n.put("Encounter", id,
          R"("status":"finished","class":{"system":"http://terminology.hl7.org/CodeSystem/v3-ActCode","code":"AMB"},"type":[)" + snomed("185389009", type) +
              R"(],"subject":{"reference":"Patient/edith"},"participant":[{"individual":{"reference":"Practitioner/dr-patel"}}],"period":{"start":")" + start +
              R"(T10:20:00+00:00","end":")" + start + R"(T10:35:00+00:00"},"serviceProvider":{"reference":"Organization/riverside"})");
  };
  encounter("cons-recent", ago(7), "Follow-up visit");
  encounter("cons-2024", "2024-06-11", "Diabetic annual review");
  encounter("cons-2022", "2022-02-03", "Follow-up visit");
  auto obs = [&](const std::string& id, const std::string& when, const std::string& code, const std::string& extra) {
    n.put("Observation", id, R"("status":"final","code":)" + code + R"(,"subject":{"reference":"Patient/edith"},"effectiveDateTime":")" + when + "\"," + extra);
  };
  auto qty = [](const char* v, const char* unit, const char* ucum) {
    return std::string(R"("valueQuantity":{"value":)") + v + R"(,"unit":")" + unit + R"(","system":"http://unitsofmeasure.org","code":")" + ucum + "\"}";
  };
  obs("bp", ago(7), snomed("75367002", "Blood pressure"),
      R"("encounter":{"reference":"Encounter/cons-recent"},"component":[{"code":)" + snomed("72313002", "Systolic arterial pressure") + "," +
          qty("148", "mmHg", "mm[Hg]") + R"(},{"code":)" + snomed("1091811000000102", "Diastolic arterial pressure") + "," + qty("86", "mmHg", "mm[Hg]") + "}]");
  obs("weight", "2024-06-11", snomed("27113001", "Body weight"), R"("encounter":{"reference":"Encounter/cons-2024"},)" + qty("61.2", "kg", "kg"));
  obs("smoking", "2015-03-01", snomed("8517006", "Ex-smoker"), R"("issued":"2015-03-01T09:00:00Z")");
  obs("hba1c", ago(14), snomed("999791000000106", "Haemoglobin A1c level - International Federation of Clinical Chemistry and Laboratory Medicine standardised"),
      qty("58", "mmol/mol", "mmol/mol") + R"(,"specimen":{"reference":"Specimen/blood-1"})");
  obs("sodium", "2024-06-05", snomed("1000661000000107", "Serum sodium level"), qty("139", "mmol/L", "mmol/L"));
  obs("potassium", "2024-06-05", snomed("1000651000000109", "Serum potassium level"), qty("4.6", "mmol/L", "mmol/L"));
  n.put("Specimen", "blood-1", R"("type":)" + snomed("119297000", "Blood specimen") + R"(,"subject":{"reference":"Patient/edith"},"receivedTime":")" + ago(14) + R"(T12:00:00Z")");
  n.put("ServiceRequest", "hba1c-order",
        R"("status":"completed","intent":"order","category":[)" + snomed("108252007", "Laboratory procedure") + R"(],"code":)" +
            snomed("1049301000000100", "HbA1c level (DCCT aligned)") + R"(,"subject":{"reference":"Patient/edith"},"authoredOn":")" + ago(15) + "\"");
  n.put("DiagnosticReport", "report-hba1c",
        R"("status":"final","category":[{"coding":[{"system":"http://terminology.hl7.org/CodeSystem/v2-0074","code":"LAB"}]}],"code":)" +
            snomed("1049301000000100", "HbA1c level (DCCT aligned)") + R"(,"subject":{"reference":"Patient/edith"},"effectiveDateTime":")" + ago(14) +
            R"(","issued":")" + ago(13) + R"(T08:00:00Z","basedOn":[{"reference":"ServiceRequest/hba1c-order"}],"specimen":[{"reference":"Specimen/blood-1"}],"result":[{"reference":"Observation/hba1c"}])");
  n.put("DiagnosticReport", "report-ue",
        R"("status":"final","code":)" + snomed("252167001", "Urea and electrolytes") +
            R"(,"subject":{"reference":"Patient/edith"},"effectiveDateTime":"2024-06-05","issued":"2024-06-06T08:00:00Z","result":[{"reference":"Observation/sodium"},{"reference":"Observation/potassium"}])");
  n.put("ServiceRequest", "referral-resp",
        R"("status":"active","intent":"order","category":[)" + snomed("3457005", "Patient referral") + R"(],"code":)" +
            snomed("306353006", "Referral to respiratory physician") + R"(,"subject":{"reference":"Patient/edith"},"authoredOn":")" + ago(62) +
            R"(","requester":{"reference":"Practitioner/dr-patel"},"performer":[{"reference":"Organization/rxx"}])");
  n.put("ServiceRequest", "diary-review",
        R"("status":"active","intent":"plan","code":)" + snomed("401191002", "Diabetic annual review") +
            R"(,"subject":{"reference":"Patient/edith"},"occurrenceDateTime":")" + day_offset(45) + "\"");
  n.put("ServiceRequest", "diary-copd",
        R"("status":"active","intent":"plan","code":)" + snomed("394703002", "Chronic obstructive pulmonary disease annual review") +
            R"(,"subject":{"reference":"Patient/edith"},"occurrenceDateTime":")" + day_offset(200) + "\"");
}

// The request body, as GP Connect's consumers send it.
inline std::string gpc_request(const std::string& more = {}, const std::string& nhs = kEdithNhs) {
  return R"({"resourceType":"Parameters","parameter":[{"name":"patientNHSNumber","valueIdentifier":{"system":"https://fhir.nhs.uk/Id/nhs-number","value":")" +
         nhs + "\"}}" + (more.empty() ? "" : "," + more) + "]}";
}

// What an answer holds, parsed.
struct Answer {
  rapidjson::Document doc;
  explicit Answer(const std::string& body) { doc.Parse(body.c_str()); }
  // Ids of the resources of a type in the Bundle.
  std::vector<std::string> ids(const std::string& type) const {
    std::vector<std::string> out;
    if (!doc.IsObject() || !doc.HasMember("entry")) return out;
    for (const auto& e : doc["entry"].GetArray())
      if (std::string(e["resource"]["resourceType"].GetString()) == type && e["resource"].HasMember("id")) out.push_back(e["resource"]["id"].GetString());
    return out;
  }
  // The List with this SNOMED code (first), or null.
  const rapidjson::Value* list(const std::string& code) const {
    for (const auto& e : doc["entry"].GetArray()) {
      const auto& r = e["resource"];
      if (std::string(r["resourceType"].GetString()) == "List" && std::string(r["code"]["coding"][0]["code"].GetString()) == code) return &r;
    }
    return nullptr;
  }
  std::vector<std::string> list_items(const std::string& code) const {
    std::vector<std::string> out;
    const rapidjson::Value* l = list(code);
    if (l && l->HasMember("entry"))
      for (const auto& e : (*l)["entry"].GetArray()) out.push_back(e["item"]["reference"].GetString());
    return out;
  }
  const rapidjson::Value* outcome() const {
    for (const auto& e : doc["entry"].GetArray())
      if (std::string(e["resource"]["resourceType"].GetString()) == "OperationOutcome") return &e["resource"];
    return nullptr;
  }
};

}  // namespace gpc_test
