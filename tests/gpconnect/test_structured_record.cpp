// The structured record by clinical area, through the FHIR API as a consumer calls it: what each
// area holds, each filter, the Lists, the practice and GP, forwards compatibility, the copied GP
// Connect example requests, and the GP Connect Foundations reads.
#include <fstream>
#include <sstream>

#include "fhir/codec.hpp"
#include "fhir/validator.hpp"
#include "fhirpath/invariants.hpp"
#include "gp_record.hpp"
#include "plugins/access/allow_all/allow_all.hpp"

using namespace gpc_test;

namespace {

bool has(const std::vector<std::string>& v, const std::string& x) { return std::find(v.begin(), v.end(), x) != v.end(); }
std::string part(const std::string& name, const std::string& value) { return R"({"name":")" + name + R"(",)" + value + "}"; }
std::string include(const std::string& name, const std::string& parts = {}) {
  return R"({"name":")" + name + "\"" + (parts.empty() ? "" : R"(,"part":[)" + parts + "]") + "}";
}
std::string period(const std::string& start, const std::string& end) {
  std::string p;
  if (!start.empty()) p += R"("start":")" + start + "\"";
  if (!end.empty()) p += std::string(p.empty() ? "" : ",") + R"("end":")" + end + "\"";
  return R"("valuePeriod":{)" + p + "}";
}
std::string example(const std::string& file) {
  std::ifstream in(std::string(HIDEWIRE_TEST_DATA) + "/gpconnect/" + file);
  std::stringstream s;
  s << in.rdbuf();
  std::string body = s.str();
  REQUIRE_FALSE(body.empty());
  for (std::size_t at; (at = body.find("9999999999")) != std::string::npos || (at = body.find("9432003812")) != std::string::npos;)
    body.replace(at, 10, kEdithNhs);
  return body;
}

struct Fixture {
  std::unique_ptr<node::AccessPolicy> policy = plugins::allow_all::make();
  GpNode node{*policy, "areas"};
  Fixture() { add_edith(node); }
  Answer ask(const std::string& more) {
    http::Response r = node.post("gpc.getstructuredrecord", gpc_request(more));
    CHECK(r.status == 200);
    CHECK(r.headers["Cache-Control"] == "no-store");
    if (r.status != 200) MESSAGE(r.body);
    return Answer(r.body);
  }
};

}  // namespace

TEST_CASE_FIXTURE(Fixture, "the answer: a collection Bundle, the Patient, the practice, the usual GP and their role") {
  Answer a = ask("");
  CHECK(std::string(a.doc["type"].GetString()) == "collection");
  CHECK(std::string(a.doc["entry"][0]["resource"]["resourceType"].GetString()) == "Patient");
  CHECK(std::string(a.doc["entry"][0]["fullUrl"].GetString()) == "https://a81001.riverside.example/Patient/edith");
  CHECK(a.ids("Organization") == std::vector<std::string>{"riverside"});
  CHECK(a.ids("Practitioner") == std::vector<std::string>{"dr-patel"});
  CHECK(a.ids("PractitionerRole") == std::vector<std::string>{"dr-patel-gp"});
  CHECK(a.ids("List").empty());
  CHECK(a.ids("RelatedPerson").empty());  // no area asked for
  CHECK(a.outcome() == nullptr);
}

TEST_CASE_FIXTURE(Fixture, "the whole record, every area asked for, is valid FHIR R4 (structure and invariants)") {
  const std::string all =
      include("includeAllergies", part("includeResolvedAllergies", R"("valueBoolean":true)")) + "," +
      include("includeMedication", part("includePrescriptionIssues", R"("valueBoolean":true)")) + "," + include("includeProblems") + "," +
      include("includeConsultations") + "," + include("includeImmunisations") + "," + include("includeInvestigations") + "," +
      include("includeUncategorisedData") + "," + include("includeReferrals") + "," +
      include("includeDiaryEntries", part("diaryEntriesSearchDate", R"("valueDate":"2010-01-01")")) + "," + include("includeSomethingNew");
  http::Response r = node.post("gpc.getstructuredrecord", gpc_request(all));
  REQUIRE(r.status == 200);
  const fhir::Schema& schema = fhir::Schema::r4();
  fhir::Node bundle;
  fhir::Diagnostics d;
  REQUIRE(fhir::parse_json(r.body, schema, bundle, d));
  fhir::validate(bundle, schema, d);
  fhirpath::check_invariants(bundle, schema, d);
  for (const auto& issue : d.issues())
    if (issue.severity == fhir::Severity::Error) MESSAGE(issue.location << ": " << issue.message);
  CHECK_FALSE(d.has_errors());
  CHECK(Answer(r.body).list("714311000000108")->HasMember("emptyReason"));  // an empty List, valid too
  Answer a(r.body);
  for (const auto& e : a.doc["entry"].GetArray()) {
    std::string url = e["fullUrl"].GetString(), id = e["resource"]["id"].GetString();
    CHECK(url.substr(url.size() - id.size()) == id);  // each entry's fullUrl names its resource's id
  }
}

TEST_CASE_FIXTURE(Fixture, "allergies: active ones, and the ended ones only when asked") {
  Answer without = ask(include("includeAllergies", part("includeResolvedAllergies", R"("valueBoolean":false)")));
  CHECK(without.list_items("886921000000105") == std::vector<std::string>{"AllergyIntolerance/penicillin"});
  CHECK(without.list("1103671000000101") == nullptr);
  CHECK(without.ids("AllergyIntolerance") == std::vector<std::string>{"penicillin"});
  Answer with = ask(include("includeAllergies", part("includeResolvedAllergies", R"("valueBoolean":true)")));
  CHECK(with.list_items("1103671000000101") == std::vector<std::string>{"AllergyIntolerance/grass"});
  CHECK(with.ids("AllergyIntolerance").size() == 2);
  CHECK(with.ids("RelatedPerson") == std::vector<std::string>{"susan"});  // her daughter said so: the asserter comes with it
}

TEST_CASE_FIXTURE(Fixture, "medication: statements listed, authorisations and Medications with them, issues when asked, and the from-date") {
  Answer plain = ask(include("includeMedication"));
  auto listed = plain.list_items("933361000000108");
  CHECK(listed.size() == 4);
  CHECK(has(listed, "MedicationStatement/ms-furosemide"));
  auto requests = plain.ids("MedicationRequest");
  CHECK(requests.size() == 4);  // the four authorisations (intent plan), no issues
  CHECK_FALSE(has(requests, "issue-amlodipine-1"));
  CHECK(plain.ids("Medication").size() == 4);
  CHECK(has(plain.ids("Medication"), "med-furosemide"));

  Answer issues = ask(include("includeMedication", part("includePrescriptionIssues", R"("valueBoolean":true)")));
  CHECK(issues.ids("MedicationRequest").size() == 4 + 6);
  CHECK(has(issues.ids("MedicationRequest"), "issue-atenolol-1"));

  Answer recent = ask(include("includeMedication", part("includePrescriptionIssues", R"("valueBoolean":true)") + "," +
                                                       part("medicationSearchFromDate", R"("valueDate":")" + ago(10) + "\"")));
  auto since = recent.list_items("933361000000108");
  CHECK(since.size() == 3);
  CHECK_FALSE(has(since, "MedicationStatement/ms-atenolol"));  // stopped in 2018
  auto reqs = recent.ids("MedicationRequest");
  CHECK_FALSE(has(reqs, "plan-atenolol"));
  CHECK(has(reqs, "issue-furosemide-1"));
  CHECK(has(reqs, "issue-amlodipine-3"));
  CHECK_FALSE(has(reqs, "issue-amlodipine-1"));  // issued 60 days ago
  CHECK_FALSE(has(reqs, "issue-metformin-1"));
  CHECK_FALSE(has(recent.ids("Medication"), "med-atenolol"));
}

TEST_CASE_FIXTURE(Fixture, "problems: the problem list with its extensions, by status and by significance") {
  Answer all = ask(include("includeProblems"));
  auto listed = all.list_items("717711000000103");
  CHECK(listed.size() == 5);
  CHECK_FALSE(has(listed, "Condition/exacerbation"));  // an encounter diagnosis: it goes with its consultation
  bool related = false;
  for (const auto& e : all.doc["entry"].GetArray())
    if (std::string(e["resource"]["resourceType"].GetString()) == "Condition" && std::string(e["resource"]["id"].GetString()) == "copd")
      related = std::string(e["resource"]["extension"][1]["url"].GetString()).find("RelatedProblemHeader") != std::string::npos;
  CHECK(related);
  CHECK(all.ids("Observation") == std::vector<std::string>{"bp"});  // hypertension's actual problem, the reading it was coded from
  Answer active = ask(include("includeProblems", part("filterStatus", R"("valueCode":"active")")));
  CHECK(active.list_items("717711000000103").size() == 4);
  CHECK_FALSE(has(active.ids("Condition"), "nof"));
  Answer inactive = ask(include("includeProblems", part("filterStatus", R"("valueCode":"inactive")")));
  CHECK(inactive.list_items("717711000000103") == std::vector<std::string>{"Condition/nof"});
  Answer major = ask(include("includeProblems", part("filterSignificance", R"("valueCode":"major")")));
  CHECK(major.list_items("717711000000103") == std::vector<std::string>{"Condition/copd", "Condition/t2dm"});
}

TEST_CASE_FIXTURE(Fixture, "consultations: most recent first, each with its own List of what was recorded in it; by period or the last N") {
  Answer all = ask(include("includeConsultations"));
  CHECK(all.list_items("1149501000000101") == std::vector<std::string>{"Encounter/cons-recent", "Encounter/cons-2024", "Encounter/cons-2022"});
  const rapidjson::Value* recent = all.list("325851000000107");
  REQUIRE(recent != nullptr);
  CHECK(std::string((*recent)["encounter"]["reference"].GetString()) == "Encounter/cons-recent");
  auto in_it = all.list_items("325851000000107");
  CHECK(has(in_it, "Condition/exacerbation"));
  CHECK(has(in_it, "Observation/bp"));
  CHECK(has(in_it, "MedicationStatement/ms-furosemide"));
  CHECK(has(all.ids("Condition"), "exacerbation"));
  Answer last = ask(include("includeConsultations", part("includeNumberOfMostRecent", R"("valuePositiveInt":1)")));
  CHECK(last.list_items("1149501000000101") == std::vector<std::string>{"Encounter/cons-recent"});
  CHECK(last.ids("Encounter") == std::vector<std::string>{"cons-recent"});
  Answer y2024 = ask(include("includeConsultations", part("consultationSearchPeriod", period("2024-01-01", "2024-12-31"))));
  CHECK(y2024.list_items("1149501000000101") == std::vector<std::string>{"Encounter/cons-2024"});
  CHECK(has(y2024.ids("Observation"), "weight"));
}

TEST_CASE_FIXTURE(Fixture, "immunisations: given ones, not those entered in error") {
  Answer a = ask(include("includeImmunisations"));
  CHECK(a.list_items("1102181000000102") == std::vector<std::string>{"Immunization/flu", "Immunization/pneumo"});
  CHECK_FALSE(has(a.ids("Immunization"), "flu-error"));
}

TEST_CASE_FIXTURE(Fixture, "investigations: reports with their results, specimens and requests; by period") {
  Answer all = ask(include("includeInvestigations"));
  CHECK(all.list_items("887191000000108").size() == 2);
  auto obs = all.ids("Observation");
  CHECK(obs.size() == 3);
  CHECK(has(obs, "hba1c"));
  CHECK(has(obs, "potassium"));
  CHECK(all.ids("Specimen") == std::vector<std::string>{"blood-1"});
  CHECK(all.ids("ServiceRequest") == std::vector<std::string>{"hba1c-order"});
  Answer recent = ask(include("includeInvestigations", part("investigationSearchPeriod", period(ago(30), ago(0)))));
  CHECK(recent.list_items("887191000000108") == std::vector<std::string>{"DiagnosticReport/report-hba1c"});
  CHECK_FALSE(has(recent.ids("Observation"), "sodium"));
}

TEST_CASE_FIXTURE(Fixture, "uncategorised data: observations in no report; by period") {
  Answer all = ask(include("includeUncategorisedData"));
  auto listed = all.list_items("826501000000100");
  CHECK(listed.size() == 3);
  CHECK(has(listed, "Observation/smoking"));
  CHECK_FALSE(has(listed, "Observation/hba1c"));
  Answer y2024 = ask(include("includeUncategorisedData", part("uncategorisedDataSearchPeriod", period("2024-01-01", "2024-12-31"))));
  CHECK(y2024.list_items("826501000000100") == std::vector<std::string>{"Observation/weight"});
}

TEST_CASE_FIXTURE(Fixture, "referrals: outbound referrals, not test orders; by period; an empty List says why") {
  Answer all = ask(include("includeReferrals"));
  CHECK(all.list_items("792931000000107") == std::vector<std::string>{"ServiceRequest/referral-resp"});
  CHECK(has(all.ids("Organization"), "rxx"));  // the referral's recipient comes with it
  Answer before = ask(include("includeReferrals", part("referralSearchPeriod", period("2010-01-01", "2010-12-31"))));
  const rapidjson::Value* empty = before.list("792931000000107");
  REQUIRE(empty != nullptr);
  CHECK_FALSE(empty->HasMember("entry"));
  CHECK(std::string((*empty)["emptyReason"]["coding"][0]["code"].GetString()) == "unavailable");
  CHECK(before.ids("ServiceRequest").empty());
}

TEST_CASE_FIXTURE(Fixture, "diary entries: planned ones, up to the search date") {
  Answer all = ask(include("includeDiaryEntries"));
  CHECK(all.list_items("714311000000108").size() == 2);
  Answer soon = ask(include("includeDiaryEntries", part("diaryEntriesSearchDate", R"("valueDate":")" + day_offset(60) + "\"")));
  CHECK(soon.list_items("714311000000108") == std::vector<std::string>{"ServiceRequest/diary-review"});
}

TEST_CASE_FIXTURE(Fixture, "parameters this provider does not know: served, and named in one OperationOutcome") {
  Answer a = ask(include("includeImmunisations", part("includeNotGiven", R"("valueBoolean":true)")) + "," + include("includeAttachments"));
  const rapidjson::Value* oo = a.outcome();
  REQUIRE(oo != nullptr);
  REQUIRE((*oo)["issue"].Size() == 2);
  CHECK(std::string((*oo)["issue"][0]["details"]["coding"][0]["code"].GetString()) == "NOT_IMPLEMENTED");
  CHECK(std::string((*oo)["issue"][0]["diagnostics"].GetString()) == "includeImmunisations.includeNotGiven");
  CHECK(std::string((*oo)["issue"][1]["details"]["text"].GetString()) == "includeAttachments is an unrecognised parameter");
  CHECK(a.list_items("1102181000000102").size() == 2);
}

TEST_CASE_FIXTURE(Fixture, "GP Connect's own example requests") {
  http::Response r = node.post("gpc.getstructuredrecord", example("structured_allergies_request1.json"));
  REQUIRE(r.status == 200);
  CHECK(Answer(r.body).list_items("1103671000000101") == std::vector<std::string>{"AllergyIntolerance/grass"});
  r = node.post("gpc.getstructuredrecord", example("structured_consultations_forwards_request1.json"));
  REQUIRE(r.status == 200);
  Answer fwd(r.body);
  CHECK(fwd.list_items("1149501000000101").size() == 3);
  CHECK(fwd.list_items("717711000000103").size() == 5);  // 1.6.2's example says includeStatus: not a 1.6 part, so no filter
  REQUIRE(fwd.outcome() != nullptr);
  CHECK(std::string((*fwd.outcome())["issue"][0]["diagnostics"].GetString()) == "includeProblems.includeStatus");
  r = node.post("gpc.getstructuredrecord", example("structured_pathology_request1.json"));
  REQUIRE(r.status == 200);
  CHECK(Answer(r.body).list_items("887191000000108").empty());  // 2017: nothing then
  r = node.post("gpc.getstructuredrecord", example("structured_diaryentries_request1.json"));
  REQUIRE(r.status == 200);
  CHECK(Answer(r.body).list("714311000000108")->HasMember("emptyReason"));
}

TEST_CASE_FIXTURE(Fixture, "GP Connect Foundations: find a patient by NHS number, read them, the CapabilityStatement") {
  http::Response found = node.get("/Patient", "identifier", std::string("https://fhir.nhs.uk/Id/nhs-number|") + kEdithNhs);
  CHECK(found.status == 200);
  CHECK(found.headers["Cache-Control"] == "no-store");
  CHECK(Answer(found.body).ids("Patient") == std::vector<std::string>{"edith"});
  http::Response bad = node.get("/Patient", "identifier", "https://fhir.nhs.uk/Id/nhs-number|9731123457");
  CHECK(bad.status == 400);
  CHECK(bad.body.find("INVALID_NHS_NUMBER") != std::string::npos);
  CHECK(bad.headers["Cache-Control"] == "no-store");
  http::Response read = node.get("/Patient/edith");
  CHECK(read.status == 200);
  CHECK(read.headers["Cache-Control"] == "no-store");
  http::Response meta = node.get("/metadata");
  CHECK(meta.status == 200);
  CHECK(meta.headers["Cache-Control"] == "no-store");
  CHECK(meta.body.find(R"("name":"gpc.getstructuredrecord")") != std::string::npos);
  CHECK(meta.body.find(R"("name":"hidewire-holds-record")") != std::string::npos);
}
