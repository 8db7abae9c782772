// The holder's operations under the node's real access policy (`consent`, docs/ACCESS.md) and
// audit: every error with its status and Spine code as GP Connect's examples shape them, the
// patients GP Connect does not serve, dissent, sensitivity, restrictions, break-glass, the audit
// each call leaves, discovery and the per-patient record; and the time a large record takes.
#include <chrono>
#include <ctime>
#include <fstream>
#include <sstream>

#include "gp_record.hpp"
#include "plugins/access/consent/consent_policy.hpp"

using namespace gpc_test;

namespace {

const std::string kConsentHead =
    R"("status":"active","scope":{"coding":[{"system":"http://terminology.hl7.org/CodeSystem/consentscope","code":"patient-privacy"}]},)"
    R"("category":[{"coding":[{"system":"http://loinc.org","code":"59284-0"}]}],"patient":{"reference":"Patient/edith"},)";
const std::string kDissent = kConsentHead +
    R"("performer":[{"reference":"Patient/edith"}],"policyRule":{"coding":[{"system":"http://terminology.hl7.org/CodeSystem/v3-ActCode","code":"OPTOUT"}]},"provision":{"type":"deny","period":{"start":"2026-01-01"}})";
const std::string kNoMentalHealth = kConsentHead +
    R"("policyRule":{"coding":[{"system":"http://terminology.hl7.org/CodeSystem/v3-ActCode","code":"OPTINR"}]},"provision":{"type":"permit","provision":[{"type":"deny","securityLabel":[{"system":"http://terminology.hl7.org/CodeSystem/v3-ActCode","code":"MH"}]}]})";

const std::string kAll =
    R"({"name":"includeAllergies","part":[{"name":"includeResolvedAllergies","valueBoolean":true}]},{"name":"includeMedication","part":[{"name":"includePrescriptionIssues","valueBoolean":true}]},)"
    R"({"name":"includeProblems"},{"name":"includeConsultations"},{"name":"includeImmunisations"},{"name":"includeInvestigations"},)"
    R"({"name":"includeUncategorisedData"},{"name":"includeReferrals"},{"name":"includeDiaryEntries"})";

rapidjson::Document json(const std::string& s) {
  rapidjson::Document d;
  d.Parse(s.c_str());
  return d;
}

// The answer has GP Connect's shape for this error: issue code, Spine code and display as in the
// specification's example (its STU3 code system read as the R4 one), and a diagnostics.
void check_like_example(const http::Response& r, int status, const std::string& example) {
  CHECK(r.status == status);
  CHECK(r.headers.at("Cache-Control") == "no-store");
  std::ifstream in(std::string(HIDEWIRE_TEST_DATA) + "/gpconnect/" + example);
  std::stringstream s;
  s << in.rdbuf();
  rapidjson::Document want = json(s.str()), got = json(r.body);
  REQUIRE(got.IsObject());
  CHECK(std::string(got["resourceType"].GetString()) == "OperationOutcome");
  const auto &w = want["issue"][0], &g = got["issue"][0];
  CHECK(std::string(g["severity"].GetString()) == w["severity"].GetString());
  CHECK(std::string(g["code"].GetString()) == w["code"].GetString());
  CHECK(std::string(g["details"]["coding"][0]["code"].GetString()) == w["details"]["coding"][0]["code"].GetString());
  CHECK(std::string(g["details"]["coding"][0]["display"].GetString()) == w["details"]["coding"][0]["display"].GetString());
  CHECK(std::string(g["details"]["coding"][0]["system"].GetString()) == "https://fhir.nhs.uk/R4/CodeSystem/Spine-ErrorOrWarningCode");
  CHECK(g.HasMember("diagnostics"));
}

struct Fixture {
  std::unique_ptr<node::AccessPolicy> policy = plugins::consent::make({});
  GpNode node{*policy, "policy"};
  Fixture() { add_edith(node); }
  http::Response gpc(const std::string& more = kAll, const std::string& nhs = kEdithNhs) {
    node.audit.kept.clear();
    return node.post("gpc.getstructuredrecord", gpc_request(more, nhs));
  }
};

}  // namespace

TEST_CASE_FIXTURE(Fixture, "errors: each status and Spine code, shaped as GP Connect's examples, never cached") {
  check_like_example(gpc("", "9731123457"), 400, "error_INVALID_NHS_NUMBER.json");
  check_like_example(gpc("", "9434765919"), 404, "error_PATIENT_NOT_FOUND.json");  // a valid number nobody here has
  http::Response bad = gpc(R"({"name":"includeAllergies"})");
  CHECK(bad.status == 422);
  CHECK(bad.body.find("INVALID_PARAMETER") != std::string::npos);
  CHECK(bad.body.find("includeAllergies.includeResolvedAllergies") != std::string::npos);
  CHECK(bad.headers["Cache-Control"] == "no-store");
  node.audit.kept.clear();
  http::Response junk = node.post("gpc.getstructuredrecord", R"({"resourceType":"Bundle"})");
  CHECK(junk.status == 422);
  CHECK(junk.body.find("INVALID_RESOURCE") != std::string::npos);
  REQUIRE(node.audit.kept.size() == 1);
  CHECK(node.audit.kept[0].outcome == "4");
}

namespace {
// The node's store, failing as a broken disk would when a whole record is read.
struct BrokenStore final : node::FhirStore {
  node::FhirStore& inner;
  explicit BrokenStore(node::FhirStore& s) : inner(s) {}
  node::StoredResource create(const std::string& j) override { return inner.create(j); }
  node::StoredResource update(const std::string& t, const std::string& i, const std::string& j, int v) override { return inner.update(t, i, j, v); }
  std::optional<node::StoredResource> read(const std::string& t, const std::string& i) override { return inner.read(t, i); }
  std::optional<node::StoredResource> vread(const std::string& t, const std::string& i, int v) override { return inner.vread(t, i, v); }
  std::vector<node::StoredResource> history(const std::string& t, const std::string& i) override { return inner.history(t, i); }
  node::SearchPage search(const std::string& t, const node::SearchParams& p) override { return inner.search(t, p); }
  std::size_t count(const std::string& t) override { return inner.count(t); }
  std::vector<node::StoredResource> everything(const std::string&) override { throw std::runtime_error("database disk image is malformed"); }
  std::string transaction(const std::string& b, const std::string& k) override { return inner.transaction(b, k); }
  std::vector<BatchResult> transaction_batch(const std::vector<BatchItem>& items) override { return inner.transaction_batch(items); }
};
}  // namespace

TEST_CASE_FIXTURE(Fixture, "a record that cannot be read: 500 INTERNAL_SERVER_ERROR with diagnostics, audited as failed") {
  BrokenStore broken(*node.store);
  MemoryAudit audit;
  http::ApiGuard guard;
  guard.auth = &node.auth;
  guard.audit = &audit;
  guard.node_ods = "A81001";
  http::FhirApi api(broken, *policy, guard);
  http::Request req;
  req.method = "POST";
  req.path = "/Patient/$gpc.getstructuredrecord";
  req.body = gpc_request(kAll);
  req.base_url = "https://a81001.riverside.example";
  http::Response r = api.handle(req);
  CHECK(r.status == 500);
  CHECK(r.body.find("INTERNAL_SERVER_ERROR") != std::string::npos);
  CHECK(r.body.find("malformed") != std::string::npos);
  CHECK(r.headers["Cache-Control"] == "no-store");
  REQUIRE(audit.kept.size() == 1);
  CHECK(audit.kept[0].outcome == "8");
  CHECK(audit.kept[0].patient_nhs == kEdithNhs);
}

TEST_CASE_FIXTURE(Fixture, "one AuditEvent for the patient, with the areas asked for, before the answer") {
  node.auth.caller = trust_peer();
  http::Response r = gpc();
  REQUIRE(r.status == 200);
  CHECK(r.headers["X-Request-ID"] == "req-gpc-1");
  REQUIRE(node.audit.kept.size() == 1);
  const node::AuditRecord& a = node.audit.kept[0];
  CHECK(a.patient_nhs == kEdithNhs);
  CHECK(a.patient_id == "edith");
  CHECK(a.agent_ods == "RXX");
  CHECK(a.action == "operation");
  CHECK(a.outcome == "0");
  CHECK(a.request_id == "req-gpc-1");
  CHECK(a.event_json.find("gpc.getstructuredrecord") != std::string::npos);
}

TEST_CASE_FIXTURE(Fixture, "patients GP Connect does not serve: 404 PATIENT_NOT_FOUND, even to the practice itself") {
  node.put("Patient", "walter", R"("identifier":[)" + verified_nhs("9485831234") +
                                    R"(],"name":[{"family":"Briggs"}],"generalPractitioner":[{"type":"Organization","identifier":{"system":"https://fhir.nhs.uk/Id/ods-organization-code","value":"B82005"}}])");
  node.put("Patient", "albert", R"("identifier":[)" + verified_nhs("9400123450") +
                                    R"(],"name":[{"family":"Dunn"}],"deceasedDateTime":"2026-11-20","generalPractitioner":[{"reference":"Organization/riverside"}])");
  node.put("Patient", "mabel", R"("identifier":[)" + verified_nhs("9449306613", "02") +
                                   R"(],"name":[{"family":"Ashworth"}],"generalPractitioner":[{"reference":"Organization/riverside"}])");
  for (const char* nhs : {"9485831234", "9400123450", "9449306613"}) {
    CAPTURE(nhs);
    http::Response r = gpc(kAll, nhs);
    check_like_example(r, 404, "error_PATIENT_NOT_FOUND.json");
    CHECK(r.body == gpc(kAll, "9434765919").body);  // the same answer as for nobody at all
    REQUIRE(node.audit.kept.size() == 1);
    CHECK(node.audit.kept[0].outcome == "4");
  }
}

TEST_CASE_FIXTURE(Fixture, "dissent: 403 NO_PATIENT_CONSENT to others, the practice still served, break-glass marks the trail") {
  node.put("Consent", "dissent", kDissent);
  node.auth.caller = trust_peer();
  check_like_example(gpc(), 403, "error_NO_PATIENT_CONSENT.json");
  REQUIRE(node.audit.kept.size() == 1);
  CHECK(node.audit.kept[0].outcome == "4");
  CHECK(node.audit.kept[0].patient_nhs == kEdithNhs);

  node.auth.caller.break_glass_reason = "unconscious in ED, no history available";
  http::Response glass = gpc();
  CHECK(glass.status == 200);
  REQUIRE(node.alerts.size() == 1);
  CHECK(node.alerts[0].patient_id == "edith");
  CHECK(node.alerts[0].registered_gp_ods == "A81001");
  REQUIRE(node.audit.kept.size() == 2);  // the access, and the privacy alert
  CHECK(node.audit.kept[1].event_json.find("break-glass") != std::string::npos);

  node.auth.caller = practice_system();
  CHECK(gpc().status == 200);
}

TEST_CASE_FIXTURE(Fixture, "a sensitive record is not found, except by its holder") {
  node.put("Patient", "edith", edith_patient(R"(,"meta":{"security":[{"system":"http://terminology.hl7.org/CodeSystem/v3-Confidentiality","code":"R"}]})"));
  node.auth.caller = trust_peer();
  check_like_example(gpc(), 404, "error_PATIENT_NOT_FOUND.json");
  node.auth.caller = practice_system();
  CHECK(gpc().status == 200);
}

TEST_CASE("a sensitive record is served to a role the policy permits (sensitive_roles)") {
  plugins::consent::Settings settings;
  settings.sensitive_roles = {"safeguarding-lead"};
  auto policy = plugins::consent::make(settings);
  GpNode n(*policy, "sensitive");
  add_edith(n);
  n.put("Patient", "edith", edith_patient(R"(,"meta":{"security":[{"system":"http://terminology.hl7.org/CodeSystem/v3-Confidentiality","code":"R"}]})"));
  n.auth.caller = trust_peer();
  CHECK(n.post("gpc.getstructuredrecord", gpc_request(kAll)).status == 404);
  n.auth.caller.roles = {"safeguarding-lead"};
  CHECK(n.post("gpc.getstructuredrecord", gpc_request(kAll)).status == 200);
}

TEST_CASE_FIXTURE(Fixture, "a restriction withholds what it covers, the rest flows, and the answer says so without saying what") {
  node.put("Consent", "no-mh", kNoMentalHealth);
  node.auth.caller = trust_peer();
  http::Response r = gpc();
  REQUIRE(r.status == 200);
  Answer a(r.body);
  auto problems = a.list_items("717711000000103");
  CHECK(problems.size() == 4);
  CHECK(std::find(problems.begin(), problems.end(), "Condition/depression") == problems.end());
  CHECK(r.body.find("Depressive") == std::string::npos);
  REQUIRE(a.outcome() != nullptr);
  CHECK(std::string((*a.outcome())["issue"][0]["code"].GetString()) == "suppressed");
  CHECK(a.list_items("933361000000108").size() == 4);  // the rest of the record still flows
  REQUIRE(node.audit.kept.size() == 1);
  CHECK(node.audit.kept[0].event_json.find("withheld") != std::string::npos);

  node.auth.caller = practice_system();  // the holder is not bound by it
  Answer own(gpc().body);
  CHECK(own.list_items("717711000000103").size() == 5);
  CHECK(own.outcome() == nullptr);
}

TEST_CASE_FIXTURE(Fixture, "no relationship: refused, not served (the trust her referral went to has one)") {
  node.auth.caller = trust_peer("direct-care");
  CHECK(gpc().status == 200);  // the active referral names RXX as performer
  node.auth.caller = trust_peer("direct-care");  // a community trust with no care of her
  node.auth.caller.ods_code = "RY6";
  node.auth.caller.org_kind = "community";
  http::Response r = gpc();
  CHECK(r.status == 403);
  CHECK(r.body.find("Thornton") == std::string::npos);
}

TEST_CASE_FIXTURE(Fixture, "discovery: whether this node holds the record, and is her practice") {
  node.auth.caller = trust_peer();
  http::Response r = node.post("hidewire-holds-record", gpc_request());
  REQUIRE(r.status == 200);
  CHECK(r.headers["Cache-Control"] == "no-store");
  rapidjson::Document d = json(r.body);
  CHECK(d["parameter"][0]["valueBoolean"].GetBool());
  CHECK(std::string(d["parameter"][1]["valueIdentifier"]["value"].GetString()) == "A81001");
  CHECK(std::string(d["parameter"][2]["valueCode"].GetString()) == "gp-practice");
  CHECK(d["parameter"][3]["valueBoolean"].GetBool());
  CHECK(node.audit.kept.back().patient_nhs == kEdithNhs);

  rapidjson::Document nobody = json(node.post("hidewire-holds-record", gpc_request("", "9434765919")).body);
  CHECK_FALSE(nobody["parameter"][0]["valueBoolean"].GetBool());
  CHECK(node.post("hidewire-holds-record", gpc_request("", "9434765918")).status == 400);

  node.put("Consent", "dissent", kDissent);
  check_like_example(node.post("hidewire-holds-record", gpc_request()), 403, "error_NO_PATIENT_CONSENT.json");
  node.put("Consent", "dissent", R"("status":"inactive",)" + kDissent.substr(kDissent.find(',') + 1));
  node.put("Patient", "edith", edith_patient(R"(,"meta":{"security":[{"system":"http://terminology.hl7.org/CodeSystem/v3-Confidentiality","code":"R"}]})"));
  rapidjson::Document hidden = json(node.post("hidewire-holds-record", gpc_request()).body);
  CHECK_FALSE(hidden["parameter"][0]["valueBoolean"].GetBool());  // as if not held
}

TEST_CASE_FIXTURE(Fixture, "the per-patient record: the Patient and all of theirs the caller may see, with what it references") {
  node.put("Consent", "no-mh", kNoMentalHealth);
  node.auth.caller = trust_peer();
  http::Response r = node.post("hidewire-patient-record", gpc_request());
  REQUIRE(r.status == 200);
  CHECK(r.headers["Cache-Control"] == "no-store");
  Answer a(r.body);
  CHECK(std::string(a.doc["type"].GetString()) == "collection");
  CHECK(std::string(a.doc["entry"][0]["resource"]["resourceType"].GetString()) == "Patient");
  CHECK(a.ids("RelatedPerson") == std::vector<std::string>{"susan"});
  CHECK(a.ids("Condition").size() == 5);  // six, less the one withheld
  CHECK(a.ids("MedicationRequest").size() == 10);
  CHECK(a.ids("Medication").size() == 4);
  CHECK(a.ids("Organization").size() == 2);
  REQUIRE(a.outcome() != nullptr);
  CHECK(r.body.find("Depressive") == std::string::npos);
  check_like_example(node.post("hidewire-patient-record", gpc_request("", "9434765919")), 404, "error_PATIENT_NOT_FOUND.json");
  CHECK(node.post("hidewire-patient-record", gpc_request(R"({"name":"includeMedication"})")).status == 422);
  node.put("Consent", "dissent", kDissent);
  check_like_example(node.post("hidewire-patient-record", gpc_request()), 403, "error_NO_PATIENT_CONSENT.json");
}

TEST_CASE("a large GP record (50 medications with issues, 30 problems, 200 observations, 40 consultations) in well under 100 ms") {
  auto policy = plugins::consent::make({});
  GpNode n(*policy, "large");
  add_practice(n);
  n.put("Patient", "edith", edith_patient());
  n.put("Consent", "no-mh", kNoMentalHealth);  // a restriction: every resource is put to permits()
  for (int c = 0; c < 40; ++c)
    n.put("Encounter", "enc-" + std::to_string(c),
          R"("status":"finished","class":{"system":"http://terminology.hl7.org/CodeSystem/v3-ActCode","code":"AMB"},"subject":{"reference":"Patient/edith"},"period":{"start":")" +
              ago(20 * c + 1) + R"("},"participant":[{"individual":{"reference":"Practitioner/dr-patel"}}])");
  for (int m = 0; m < 50; ++m) {
    std::string med = "med-" + std::to_string(m);
    n.put("Medication", med, R"("code":)" + snomed("3179720" + std::to_string(10 + m), "Medicine " + std::to_string(m)));
    add_medication(n, "m" + std::to_string(m), med, ago(400 + m), m % 5 == 0 ? ago(100) : "", {ago(90), ago(60), ago(30), ago(2)},
                   "enc-" + std::to_string(m % 40));
  }
  for (int p = 0; p < 30; ++p)
    n.put("Condition", "problem-" + std::to_string(p),
          R"("category":[{"coding":[{"system":"http://terminology.hl7.org/CodeSystem/condition-category","code":"problem-list-item"}]}],"clinicalStatus":{"coding":[{"system":"http://terminology.hl7.org/CodeSystem/condition-clinical","code":")" +
              std::string(p % 3 ? "active" : "resolved") + R"("}]},"subject":{"reference":"Patient/edith"},"code":)" + snomed("44054006", "Diabetes mellitus type 2") +
              R"(,"onsetDateTime":"2010-01-01")");
  for (int o = 0; o < 200; ++o)
    n.put("Observation", "obs-" + std::to_string(o),
          R"("status":"final","code":)" + snomed("27113001", "Body weight") + R"(,"subject":{"reference":"Patient/edith"},"encounter":{"reference":"Encounter/enc-)" +
              std::to_string(o % 40) + R"("},"effectiveDateTime":")" + ago(o * 3) + R"(","valueQuantity":{"value":61.2,"unit":"kg","system":"http://unitsofmeasure.org","code":"kg"})");
  for (int r = 0; r < 20; ++r) {
    std::string results;
    for (int k = 0; k < 5; ++k) results += std::string(k ? "," : "") + R"({"reference":"Observation/obs-)" + std::to_string(r * 5 + k) + "\"}";
    n.put("DiagnosticReport", "rep-" + std::to_string(r),
          R"("status":"final","code":)" + snomed("252167001", "Urea and electrolytes") + R"(,"subject":{"reference":"Patient/edith"},"effectiveDateTime":")" +
              ago(r * 15) + R"(","result":[)" + results + "]");
  }
  n.auth.caller = trust_peer();
  // The request is served on this thread (the audit here answers at once), so its CPU time is
  // the cost of assembling the record, whatever else the shared machine is running.
  auto cpu_ms = [] {
    timespec t{};
    clock_gettime(CLOCK_THREAD_CPUTIME_ID, &t);
    return t.tv_sec * 1000.0 + t.tv_nsec / 1e6;
  };
  double best_cpu = 1e9, best_wall = 1e9;
  std::size_t bytes = 0;
  for (int run = 0; run < 5; ++run) {
    double c0 = cpu_ms();
    auto t0 = std::chrono::steady_clock::now();
    http::Response r = n.post("gpc.getstructuredrecord", gpc_request(kAll));
    best_wall = std::min(best_wall, std::chrono::duration<double, std::milli>(std::chrono::steady_clock::now() - t0).count());
    best_cpu = std::min(best_cpu, cpu_ms() - c0);
    REQUIRE(r.status == 200);
    bytes = r.body.size();
  }
  Answer a(n.post("gpc.getstructuredrecord", gpc_request(kAll)).body);
  CHECK(a.list_items("933361000000108").size() == 50);
  CHECK(a.ids("MedicationRequest").size() == 250);
  CHECK(a.list_items("717711000000103").size() == 30);
  CHECK(a.list_items("1149501000000101").size() == 40);
  CHECK(a.list_items("826501000000100").size() == 100);
  MESSAGE("large record: " << best_cpu << " ms CPU, " << best_wall << " ms elapsed, " << bytes << " bytes");
  CHECK(best_cpu < 40);
}

TEST_CASE_FIXTURE(Fixture, "another patient's Specimen or RelatedPerson a resource of hers names never comes with her record") {
  // A mis-linked reference (or a hostile write) must not carry another patient's resources out
  // inside hers: supporting resources that belong to a patient come only from her own record.
  node.put("Patient", "arthur", R"("identifier":[{"system":"https://fhir.nhs.uk/Id/nhs-number","value":"9449306613"}],"name":[{"family":"Bennett"}])");
  node.put("Specimen", "arthur-blood", R"("subject":{"reference":"Patient/arthur"},"type":{"text":"Venous blood"})");
  node.put("RelatedPerson", "arthur-son", R"("patient":{"reference":"Patient/arthur"},"name":[{"family":"Bennett","given":["Daniel"]}])");
  node.put("Observation", "edith-k", R"("status":"final","code":{"text":"Serum potassium"},"subject":{"reference":"Patient/edith"},)"
                                     R"("specimen":{"reference":"Specimen/arthur-blood"},"performer":[{"reference":"RelatedPerson/arthur-son"}])");
  node.auth.caller = trust_peer();  // emergency: a relationship with every patient
  http::Response r = node.post("hidewire-patient-record", gpc_request());
  REQUIRE(r.status == 200);
  CHECK(r.body.find("edith-k") != std::string::npos);
  CHECK(r.body.find("\"id\":\"arthur-blood\"") == std::string::npos);
  CHECK(r.body.find("\"id\":\"arthur-son\"") == std::string::npos);
  CHECK(r.body.find("Venous blood") == std::string::npos);
  CHECK(r.body.find("Daniel") == std::string::npos);
}
