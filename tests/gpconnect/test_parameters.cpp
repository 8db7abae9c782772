// Every rule of the $gpc.getstructuredrecord Parameters (GP Connect 1.6): one table of request
// bodies -> the status, Spine code and the parameter the diagnostics must name.
#include <doctest/doctest.h>

#include <string>
#include <vector>

#include "gpconnect/parameters.hpp"

using namespace hidewire::gpconnect;

namespace {

const std::string kToday = "2026-12-02";
const std::string kNhs = R"({"name":"patientNHSNumber","valueIdentifier":{"system":"https://fhir.nhs.uk/Id/nhs-number","value":"9731123458"}})";

std::string params(const std::string& inner) { return R"({"resourceType":"Parameters","parameter":[)" + inner + "]}"; }
std::string with_nhs(const std::string& more) { return params(kNhs + (more.empty() ? "" : "," + more)); }
std::string include(const std::string& name, const std::string& parts) {
  return R"({"name":")" + name + "\"" + (parts.empty() ? "" : R"(,"part":[)" + parts + "]") + "}";
}
std::string part(const std::string& name, const std::string& value) { return R"({"name":")" + name + R"(",)" + value + "}"; }

struct Row {
  const char* what;
  std::string body;
  int status;          // 0: accepted
  const char* spine;   // expected Spine code
  const char* names;   // text the diagnostics must hold
};

}  // namespace

TEST_CASE("each Parameters rule: the status, the Spine code and the parameter named") {
  const std::string resolved = part("includeResolvedAllergies", R"("valueBoolean":true)");
  const std::vector<Row> rows{
      {"only the NHS number", with_nhs(""), 0, "", ""},
      {"every area with every filter",
       with_nhs(include("includeAllergies", resolved) + "," +
                include("includeMedication", part("includePrescriptionIssues", R"("valueBoolean":true)") + "," +
                                                 part("medicationSearchFromDate", R"("valueDate":"2025-12-02")")) +
                "," + include("includeProblems", part("filterStatus", R"("valueCode":"active")") + "," + part("filterSignificance", R"("valueCode":"major")")) +
                "," + include("includeConsultations", part("consultationSearchPeriod", R"("valuePeriod":{"start":"2026-01-01","end":"2026-12-02"})")) +
                "," + include("includeImmunisations", "") + "," +
                include("includeInvestigations", part("investigationSearchPeriod", R"("valuePeriod":{"start":"2025-01-01"})")) + "," +
                include("includeReferrals", part("referralSearchPeriod", R"("valuePeriod":{"end":"2026-11-30"})")) + "," +
                include("includeUncategorisedData", part("uncategorisedDataSearchPeriod", R"("valuePeriod":{"start":"2026-06-01","end":"2026-06-01"})")) +
                "," + include("includeDiaryEntries", part("diaryEntriesSearchDate", R"("valueDate":"2027-03-01")"))),
       0, "", ""},
      {"not JSON", "{\"resourceType\":", 422, "INVALID_RESOURCE", "JSON"},
      {"not a Parameters", R"({"resourceType":"Patient"})", 422, "INVALID_RESOURCE", "Parameters"},
      {"parameter not an array", R"({"resourceType":"Parameters","parameter":{}})", 422, "INVALID_RESOURCE", "parameter"},
      {"a parameter without a name", params(R"({"valueBoolean":true})"), 422, "INVALID_RESOURCE", "name"},
      {"no NHS number", params(include("includeImmunisations", "")), 422, "INVALID_PARAMETER", "patientNHSNumber"},
      {"the NHS number twice", with_nhs(kNhs), 422, "INVALID_PARAMETER", "patientNHSNumber"},
      {"the NHS number as a string", params(R"({"name":"patientNHSNumber","valueString":"9731123458"})"), 422, "INVALID_PARAMETER", "patientNHSNumber"},
      {"a wrong check digit", params(R"({"name":"patientNHSNumber","valueIdentifier":{"system":"https://fhir.nhs.uk/Id/nhs-number","value":"9731123457"}})"),
       400, "INVALID_NHS_NUMBER", "patientNHSNumber"},
      {"nine digits", params(R"({"name":"patientNHSNumber","valueIdentifier":{"system":"https://fhir.nhs.uk/Id/nhs-number","value":"973112345"}})"),
       400, "INVALID_NHS_NUMBER", "patientNHSNumber"},
      {"another identifier system", params(R"({"name":"patientNHSNumber","valueIdentifier":{"system":"https://fhir.nhs.uk/Id/local","value":"9731123458"}})"),
       400, "INVALID_IDENTIFIER_SYSTEM", "patientNHSNumber.system"},
      {"an area twice", with_nhs(include("includeImmunisations", "") + "," + include("includeImmunisations", "")), 422, "INVALID_PARAMETER",
       "includeImmunisations"},
      {"an area with a value", with_nhs(R"({"name":"includeImmunisations","valueBoolean":true})"), 422, "INVALID_PARAMETER", "includeImmunisations"},
      {"allergies without includeResolvedAllergies", with_nhs(include("includeAllergies", "")), 422, "INVALID_PARAMETER",
       "includeAllergies.includeResolvedAllergies"},
      {"includeResolvedAllergies not a boolean", with_nhs(include("includeAllergies", part("includeResolvedAllergies", R"("valueString":"yes")"))), 422,
       "INVALID_PARAMETER", "includeAllergies.includeResolvedAllergies"},
      {"a part twice", with_nhs(include("includeAllergies", resolved + "," + resolved)), 422, "INVALID_PARAMETER", "includeResolvedAllergies"},
      {"a partial medicationSearchFromDate", with_nhs(include("includeMedication", part("medicationSearchFromDate", R"("valueDate":"2026-06")"))), 422,
       "INVALID_PARAMETER", "includeMedication.medicationSearchFromDate"},
      {"a medicationSearchFromDate in the future", with_nhs(include("includeMedication", part("medicationSearchFromDate", R"("valueDate":"2026-12-03")"))),
       422, "INVALID_PARAMETER", "medicationSearchFromDate"},
      {"a medicationSearchFromDate as a dateTime",
       with_nhs(include("includeMedication", part("medicationSearchFromDate", R"("valueDate":"2026-06-01T10:00:00Z")"))), 422, "INVALID_PARAMETER",
       "medicationSearchFromDate"},
      {"an impossible date", with_nhs(include("includeMedication", part("medicationSearchFromDate", R"("valueDate":"2026-02-30")"))), 422,
       "INVALID_PARAMETER", "medicationSearchFromDate"},
      {"includePrescriptionIssues not a boolean", with_nhs(include("includeMedication", part("includePrescriptionIssues", R"("valueCode":"true")"))), 422,
       "INVALID_PARAMETER", "includePrescriptionIssues"},
      {"a problem status outside active|inactive", with_nhs(include("includeProblems", part("filterStatus", R"("valueCode":"resolved")"))), 422,
       "INVALID_PARAMETER", "includeProblems.filterStatus"},
      {"a problem significance outside major|minor", with_nhs(include("includeProblems", part("filterSignificance", R"("valueCode":"severe")"))), 422,
       "INVALID_PARAMETER", "includeProblems.filterSignificance"},
      {"consultations by period and by number",
       with_nhs(include("includeConsultations", part("consultationSearchPeriod", R"("valuePeriod":{"start":"2026-01-01"})") + "," +
                                                    part("includeNumberOfMostRecent", R"("valuePositiveInt":3)"))),
       422, "INVALID_PARAMETER", "consultationSearchPeriod and includeNumberOfMostRecent"},
      {"no consultations at all", with_nhs(include("includeConsultations", part("includeNumberOfMostRecent", R"("valuePositiveInt":0)"))), 422,
       "INVALID_PARAMETER", "includeNumberOfMostRecent"},
      {"a number of consultations as text", with_nhs(include("includeConsultations", part("includeNumberOfMostRecent", R"("valuePositiveInt":"3")"))), 422,
       "INVALID_PARAMETER", "includeNumberOfMostRecent"},
      {"a period starting after it ends",
       with_nhs(include("includeConsultations", part("consultationSearchPeriod", R"("valuePeriod":{"start":"2026-06-02","end":"2026-06-01"})"))), 422,
       "INVALID_PARAMETER", "consultationSearchPeriod: start is after end"},
      {"a period with a partial start", with_nhs(include("includeInvestigations", part("investigationSearchPeriod", R"("valuePeriod":{"start":"2026"})"))),
       422, "INVALID_PARAMETER", "investigationSearchPeriod.start"},
      {"a period ending in the future", with_nhs(include("includeReferrals", part("referralSearchPeriod", R"("valuePeriod":{"end":"2027-01-01"})"))), 422,
       "INVALID_PARAMETER", "referralSearchPeriod.end"},
      {"a period starting in the future",
       with_nhs(include("includeUncategorisedData", part("uncategorisedDataSearchPeriod", R"("valuePeriod":{"start":"2026-12-25"})"))), 422,
       "INVALID_PARAMETER", "uncategorisedDataSearchPeriod.start"},
      {"an empty period", with_nhs(include("includeUncategorisedData", part("uncategorisedDataSearchPeriod", R"("valuePeriod":{})"))), 422,
       "INVALID_PARAMETER", "uncategorisedDataSearchPeriod"},
      {"a period that is a date", with_nhs(include("includeReferrals", part("referralSearchPeriod", R"("valueDate":"2026-01-01")"))), 422,
       "INVALID_PARAMETER", "includeReferrals.referralSearchPeriod"},
      {"a partial diary date", with_nhs(include("includeDiaryEntries", part("diaryEntriesSearchDate", R"("valueDate":"2027")"))), 422,
       "INVALID_PARAMETER", "includeDiaryEntries.diaryEntriesSearchDate"},
  };
  for (const Row& row : rows) {
    CAPTURE(row.what);
    QueryResult r = parse_structured_query(row.body, kToday);
    if (row.status == 0) {
      CHECK_FALSE(r.error.has_value());
      if (r.error) MESSAGE(r.error->diagnostics);
      continue;
    }
    REQUIRE(r.error.has_value());
    CHECK(r.error->status == row.status);
    CHECK(r.error->spine_code == row.spine);
    CHECK(r.error->diagnostics.find(row.names) != std::string::npos);
    CHECK(outcome_json(*r.error).find("https://fhir.nhs.uk/R4/CodeSystem/Spine-ErrorOrWarningCode") != std::string::npos);
  }
}

TEST_CASE("the values are read as given, and unknown parameters and parts are reported, not refused") {
  std::string body = with_nhs(include("includeAllergies", part("includeResolvedAllergies", R"("valueBoolean":false)")) + "," +
                              include("includeMedication", part("includePrescriptionIssues", R"("valueBoolean":true)") + "," +
                                                               part("medicationSearchFromDate", R"("valueDate":"2026-11-01")") + "," +
                                                               part("filterPrescriptionType", R"("valueCode":"acute")")) +
                              "," + include("includeConsultations", part("includeNumberOfMostRecent", R"("valuePositiveInt":3)")) + "," +
                              include("includeImmunisations", part("includeNotGiven", R"("valueBoolean":true)")) + "," +
                              include("includeDiaryEntries", part("diaryEntriesSearchDate", R"("valueDate":"2027-01-31")")) + "," +
                              R"({"name":"includeFutureThing"})");
  QueryResult r = parse_structured_query(body, kToday);
  REQUIRE_FALSE(r.error.has_value());
  const StructuredQuery& q = r.query;
  CHECK(q.nhs_number == "9731123458");
  CHECK(q.allergies);
  CHECK_FALSE(q.resolved_allergies);
  CHECK(q.prescription_issues);
  CHECK(q.medication_from == "2026-11-01");
  CHECK(q.most_recent == 3);
  CHECK(q.immunisations);
  CHECK(q.diary_until == "2027-01-31");  // diary entries are planned: a future date is their point
  CHECK_FALSE(q.problems);
  CHECK(q.unsupported ==
        std::vector<std::string>{"includeMedication.filterPrescriptionType", "includeImmunisations.includeNotGiven", "includeFutureThing"});
  CHECK(q.summary() == "includeAllergies,includeMedication,includeConsultations,includeImmunisations,includeDiaryEntries");
}

TEST_CASE("the hidewire operations take the NHS number and nothing else") {
  CHECK_FALSE(parse_nhs_number_only(with_nhs(""), "hidewire-holds-record").error.has_value());
  CHECK(parse_nhs_number_only(with_nhs(""), "x").query.nhs_number == "9731123458");
  auto extra = parse_nhs_number_only(with_nhs(include("includeMedication", "")), "hidewire-patient-record");
  REQUIRE(extra.error.has_value());
  CHECK(extra.error->spine_code == "INVALID_PARAMETER");
  CHECK(extra.error->diagnostics.find("includeMedication") != std::string::npos);
  CHECK(parse_nhs_number_only(params(""), "x").error->spine_code == "INVALID_PARAMETER");
  CHECK(parse_nhs_number_only("[]", "x").error->spine_code == "INVALID_RESOURCE");
}
