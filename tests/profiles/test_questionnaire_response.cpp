// QuestionnaireResponses against the Questionnaire they answer (profiles/questionnaire_response.cpp).
#include <doctest/doctest.h>

#include "tests/profiles/uk_core_support.hpp"

using namespace hw_test;
using namespace hidewire;

namespace {

// A GP surgery's smoking questionnaire: smokes (required), then cigarettes a day, enabled when
// the answer is yes, and a group for the quit date, enabled when the count is over 10.
const char* kQuestionnaire = R"j({"resourceType":"Questionnaire","url":"https://fhir.limes-surgery.nhs.uk/Questionnaire/smoking",
  "status":"active","item":[
  {"linkId":"smokes","text":"Do you smoke?","type":"boolean","required":true},
  {"linkId":"per-day","text":"Cigarettes a day","type":"integer","required":true,
   "enableWhen":[{"question":"smokes","operator":"=","answerBoolean":true}]},
  {"linkId":"quit","text":"Stopping","type":"group","enableWhen":[{"question":"per-day","operator":">","answerInteger":10}],
   "item":[{"linkId":"quit-date","text":"Planned quit date","type":"date"}]}]})j";

profiles::ProfileSet& set() {
  static profiles::ProfileSet s;
  static bool loaded = false;
  if (!loaded) {
    fhir::Diagnostics d;
    REQUIRE(s.add(kQuestionnaire, "smoking.json", d));
    s.compile(d);
    loaded = true;
  }
  return s;
}

fhir::Diagnostics check(const std::string& items, const std::string& status = "completed") {
  std::string qr = R"j({"resourceType":"QuestionnaireResponse","questionnaire":"https://fhir.limes-surgery.nhs.uk/Questionnaire/smoking|1",
    "status":")j" + status + R"j(","subject":{"identifier":{"system":"https://fhir.nhs.uk/Id/nhs-number","value":"9434765919"}},
    "item":[)j" + items + "]}";
  fhir::Diagnostics d;
  fhir::Node root;
  REQUIRE(fhir::parse_json(qr, fhir::Schema::r4(), root, d));
  profiles::validate_profiles(root, {}, set(), d);
  return d;
}

const std::string kSmokesYes = R"j({"linkId":"smokes","answer":[{"valueBoolean":true}]})j";
const std::string kSmokesNo = R"j({"linkId":"smokes","answer":[{"valueBoolean":false}]})j";
std::string per_day(int n) { return R"j({"linkId":"per-day","answer":[{"valueInteger":)j" + std::to_string(n) + "}]}"; }
const std::string kQuit = R"j({"linkId":"quit","item":[{"linkId":"quit-date","answer":[{"valueDate":"2027-01-01"}]}]})j";

}  // namespace

TEST_CASE("a response that follows its questionnaire is valid") {
  auto d = check(kSmokesYes + "," + per_day(20) + "," + kQuit);
  CHECK_MESSAGE(!d.has_errors(), errors_of(d));
  CHECK(!check(kSmokesNo).has_errors());
}

TEST_CASE("linkIds must be the questionnaire's, at their place") {
  CHECK(has_error(check(kSmokesNo + R"j(,{"linkId":"alcohol","answer":[{"valueBoolean":true}]})j"),
                  {"linkId 'alcohol' is not an item of the questionnaire", "QuestionnaireResponse.item[1]"}));
  CHECK(has_error(check(kSmokesYes + "," + per_day(20) + R"j(,{"linkId":"quit","item":[{"linkId":"smokes"}]})j"),
                  {"linkId 'smokes' is not an item", "QuestionnaireResponse.item[2].item[0]"}));
}

TEST_CASE("an item enableWhen disables has no answer") {
  CHECK(has_error(check(kSmokesNo + "," + per_day(5)), {"item 'per-day' has an answer, but enableWhen disables it"}));
  CHECK(has_error(check(kSmokesYes + "," + per_day(5) + "," + kQuit), {"item 'quit' has an answer, but enableWhen disables it", "QuestionnaireResponse.item[2]"}));
}

TEST_CASE("a completed response answers every enabled required item") {
  CHECK(has_error(check(kSmokesYes), {"no answer for the required item 'per-day'"}));
  CHECK(has_error(check(""), {"no answer for the required item 'smokes'"}));
  CHECK(!check(kSmokesYes, "in-progress").has_errors());
}
