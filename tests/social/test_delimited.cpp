// The delimited converter over the three vendors' exports in tests/data/social: a file split into
// one message per person, the resources each makes, coded where the map translates a council's
// code and text otherwise, unmapped columns reported, and a bad row refused on its own.
#include <algorithm>

#include "tests/social/social_support.hpp"

using namespace hidewire;
using Status = node::Conversion::Status;
using hw_test::eval;
using hw_test::Strings;

namespace {

const node::Converter& converter() {
  static const auto c = plugins::make_converter(
      "delimited", R"({"source_maps": [{"source": "leeds", "map": "liquidlogic-leeds"}, {"source": "kirklees", "map": "mosaic-kirklees"},
                                        {"source": "calderdale", "map": "caredirector-calderdale"}]})");
  return *c;
}

std::vector<std::string> parts_of(const std::string& file, const std::string& channel) {
  return converter().split(hw_test::read_file(hw_test::data_path("social/" + file)), node::MessageInfo{channel, "delimited", "", "", nullptr});
}

// The converted message of the person with this council id.
hw_test::SocialConverted person(const std::string& file, const std::string& channel, const std::string& id, bool trace = false) {
  for (const std::string& p : parts_of(file, channel))
    if (p.find(id) != std::string::npos) return hw_test::convert_social(converter(), p, channel, trace);
  FAIL("no rows for " << id);
  return {};
}

Strings res(const fhir::Node& b, const std::string& type, const std::string& what) {
  return eval(b, "entry.resource.ofType(" + type + ")." + what);
}

void check_valid(const hw_test::SocialConverted& c) {
  REQUIRE_MESSAGE(c.conv.status == Status::Converted, hw_test::errors_of(c.conv.diagnostics));
  CHECK_MESSAGE(c.validation.error_count() == 0, hw_test::errors_of(c.validation));
}

}  // namespace

TEST_CASE("a Liquidlogic-style CSV splits into one message per person, several rows grouped") {
  std::vector<std::string> parts = parts_of("liquidlogic_leeds_adults.csv", "leeds");
  REQUIRE(parts.size() == 5);  // six rows, Margaret Whitaker's two together
  for (const std::string& p : parts) CHECK(p.rfind("LAS Person ID,", 0) == 0);  // each with the header row
  CHECK(std::count(parts[0].begin(), parts[0].end(), '\n') == 3);
}

TEST_CASE("Liquidlogic: a person with a carer, a named social worker, plan, referral, visits and a coded condition") {
  auto c = person("liquidlogic_leeds_adults.csv", "leeds", "LAS-100231");
  check_valid(c);
  const fhir::Node& b = c.bundle;
  CHECK(c.conv.nhs_number == "9993080233");
  CHECK(c.conv.sender == "L8A2K");
  CHECK(res(b, "Patient", "identifier.value") == Strings{"9993080233", "LAS-100231"});
  CHECK(res(b, "Patient", "birthDate") == Strings{"1938-03-14"});
  CHECK(res(b, "Patient", "address.postalCode") == Strings{"LS8 4HQ"});
  CHECK(res(b, "Patient", "meta.profile") == Strings{hw_test::kUkCore + "UKCore-Patient"});
  CHECK(res(b, "RelatedPerson", "name.text") == Strings{"Susan Whitaker"});
  CHECK(res(b, "RelatedPerson", "relationship.coding.code") == Strings{"DAU"});
  CHECK(res(b, "Observation", "where(code.text = 'Has a carer').value") == Strings{"true"});
  CHECK(res(b, "Practitioner", "name.text") == Strings{"Priya Sandhu"});
  CHECK(res(b, "CareTeam", "participant.role.text") == Strings{"Social worker"});
  CHECK(res(b, "EpisodeOfCare", "status") == Strings{"active"});
  CHECK(res(b, "EpisodeOfCare", "type.text") == Strings{"Home care"});
  CHECK(res(b, "EpisodeOfCare", "period.start") == Strings{"2026-06-02"});
  CHECK(res(b, "Goal", "description.text") == Strings{"Stay living at home", "Get to the luncheon club on Thursdays"});
  CHECK(res(b, "CarePlan", "activity.detail.where(code.text = 'Assessed need').description") ==
        Strings{"Help with washing and dressing twice daily", "Prompts to take her tablets"});
  CHECK(res(b, "CarePlan", "activity.detail.where(code.text = 'Urgent care trigger').description").size() == 2);
  CHECK(res(b, "CarePlan", "activity.detail.where(code.text = 'Care and support plan review').scheduled") == Strings{"2026-12-15"});
  CHECK(res(b, "CarePlan", "goal.count()") == Strings{"2"});
  CHECK(res(b, "ServiceRequest", "code.coding.code") == Strings{"84478008"});
  CHECK(res(b, "ServiceRequest", "note.text").front().find("\"frightened of falling\"") != std::string::npos);
  CHECK(res(b, "Encounter", "class.code") == Strings{"HH", "VR"});
  CHECK(res(b, "Encounter", "type.coding.code") == Strings{"439708006", "185317003"});
  CHECK(res(b, "Encounter", "text.div").front().find("nights are unsettled") != std::string::npos);
  CHECK(res(b, "Condition", "code.coding.code") == Strings{"52448006"});
  // Reported: the column the map does not read; not the one it leaves out on purpose.
  CHECK(c.conv.unmapped == Strings{"column 'Worker Team'"});
  CHECK(hw_test::has_warning(c.conv.diagnostics, "Worker Team"));
}

TEST_CASE("Liquidlogic: a volunteer coordinator is a RelatedPerson; an unknown service code is text, never coded") {
  auto c = person("liquidlogic_leeds_adults.csv", "leeds", "LAS-100388");
  check_valid(c);
  CHECK(res(c.bundle, "RelatedPerson", "name.text") == Strings{"Eileen Brook"});
  CHECK(res(c.bundle, "RelatedPerson", "relationship.text") == Strings{"Volunteer"});
  CHECK(res(c.bundle, "Practitioner", "id").empty());
  CHECK(res(c.bundle, "CareTeam", "participant.role.text") == Strings{"Volunteer care coordinator"});
  CHECK(res(c.bundle, "Observation", "where(code.text = 'Has a carer').value") == Strings{"false"});
  CHECK(res(c.bundle, "ServiceRequest", "code.text") == Strings{"BEFRIEND"});
  CHECK(res(c.bundle, "ServiceRequest", "code.coding").empty());
  CHECK(hw_test::has_warning(c.conv.diagnostics, "BEFRIEND"));
}

TEST_CASE("Liquidlogic: no NHS number: keyed by the council's person id, a family member coordinating") {
  auto c = person("liquidlogic_leeds_adults.csv", "leeds", "LAS-100402");
  check_valid(c);
  CHECK(c.conv.nhs_number.empty());
  CHECK(res(c.bundle, "Patient", "identifier.system") == Strings{"urn:hidewire:identifier:social-care-person:L8A2K"});
  // Frank Kaye is her carer and her care coordinator: one RelatedPerson, in the care team.
  CHECK(res(c.bundle, "RelatedPerson", "relationship.coding.code") == Strings{"HUSB"});
  CHECK(res(c.bundle, "CareTeam", "participant.member.reference") == eval(c.bundle, "entry.where(resource is RelatedPerson).fullUrl"));
  CHECK(res(c.bundle, "CareTeam", "participant.role.text") == Strings{"Family member care coordinator"});
  CHECK(res(c.bundle, "Condition", "code.coding.code") == Strings{"110359009"});
}

TEST_CASE("Liquidlogic: an NHS number failing Modulus 11 refuses that person alone, or is left out for tracing") {
  auto refused = person("liquidlogic_leeds_adults.csv", "leeds", "LAS-100517");
  CHECK(refused.conv.status == Status::Refused);
  CHECK(hw_test::errors_of(refused.conv.diagnostics).find("Modulus 11") != std::string::npos);
  CHECK(hw_test::errors_of(refused.conv.diagnostics).find("9990025313") == std::string::npos);  // never the number itself
  auto traced = person("liquidlogic_leeds_adults.csv", "leeds", "LAS-100517", true);
  check_valid(traced);
  CHECK(traced.conv.nhs_number.empty());
  CHECK(res(traced.bundle, "Patient", "identifier.value") == Strings{"LAS-100517"});
  CHECK(res(traced.bundle, "EpisodeOfCare", "status") == Strings{"finished"});
  // The other people of the same file convert whatever this one does.
  check_valid(person("liquidlogic_leeds_adults.csv", "leeds", "LAS-100523"));
}

TEST_CASE("Liquidlogic: an impossible date is left out with a warning, the rest kept") {
  auto c = person("liquidlogic_leeds_adults.csv", "leeds", "LAS-100523");
  check_valid(c);
  CHECK(hw_test::has_warning(c.conv.diagnostics, "31/11/2026"));
  CHECK(res(c.bundle, "Encounter", "period").empty());
  CHECK(res(c.bundle, "Condition", "code.coding.code") == Strings{"24700007"});
}

TEST_CASE("a Mosaic-style pipe file: positional columns, dd/MM/yyyy dates, the council's numeric codes, alerts") {
  std::vector<std::string> parts = parts_of("mosaic_kirklees_visits.txt", "kirklees");
  REQUIRE(parts.size() == 4);
  auto c = person("mosaic_kirklees_visits.txt", "kirklees", "40012877");
  check_valid(c);
  CHECK(res(c.bundle, "Patient", "birthDate") == Strings{"1936-09-04"});
  CHECK(res(c.bundle, "Patient", "gender") == Strings{"male"});
  CHECK(res(c.bundle, "RelatedPerson", "relationship.coding.code") == Strings{"DAU"});
  CHECK(res(c.bundle, "Encounter", "period.start") == Strings{"2026-11-05", "2026-11-19"});
  CHECK(res(c.bundle, "Flag", "code.text") == Strings{"Key safe access", "Risk to visiting staff"});
  CHECK(res(c.bundle, "Flag", "text.div").size() == 2);
  CHECK(res(c.bundle, "ServiceRequest", "code.coding.code") == Strings{"84478008"});
  CHECK(c.conv.unmapped == Strings{"column 29"});
  auto betty = person("mosaic_kirklees_visits.txt", "kirklees", "40013502");
  check_valid(betty);
  CHECK(res(betty.bundle, "Observation", "code.coding.code") == Strings{"105529008"});
  CHECK(res(betty.bundle, "RelatedPerson", "name.text") == Strings{"Raj Mistry"});
  auto derek = person("mosaic_kirklees_visits.txt", "kirklees", "40014119");
  check_valid(derek);
  CHECK(res(derek.bundle, "Patient", "gender").empty());
  CHECK(hw_test::has_warning(derek.conv.diagnostics, "sex '7'"));
}

TEST_CASE("Mosaic: a row without a person id is refused on its own") {
  std::vector<std::string> parts = parts_of("mosaic_kirklees_visits.txt", "kirklees");
  auto c = hw_test::convert_social(converter(), parts.back(), "kirklees");
  CHECK(c.conv.status == Status::Refused);
  CHECK(hw_test::errors_of(c.conv.diagnostics).find("no person id") != std::string::npos);
}

TEST_CASE("a Care-Director-style tab export: multi-valued cells, carers over several rows, council condition codes") {
  auto c = person("caredirector_calderdale_plans.tsv", "calderdale", "CD-70211");
  check_valid(c);
  const fhir::Node& b = c.bundle;
  CHECK(res(b, "Patient", "name.given") == Strings{"Joan", "Mary"});
  CHECK(res(b, "Patient", "address.line") == Strings{"Flat 2", "18 Hopwood Lane", "Halifax"});
  CHECK(res(b, "Patient", "birthDate") == Strings{"1941-03-22"});
  CHECK(res(b, "Patient", "text.div").front().find("Joanie") != std::string::npos);
  CHECK(res(b, "RelatedPerson", "name.text") == Strings{"Michael Sutcliffe", "Lisa Sutcliffe", "Anne Greenwood"});
  CHECK(res(b, "CareTeam", "participant.role.text") == Strings{"Volunteer care coordinator"});
  CHECK(res(b, "Condition", "code.coding.code") == Strings{"52448006", "44054006"});
  CHECK(res(b, "Goal", "description.text").size() == 2);
  CHECK(res(b, "CarePlan", "activity.detail.where(code.text = 'Assessed need').description").size() == 3);
  CHECK(res(b, "CarePlan", "note.text") == Strings{"Volunteer coordinator from Calderdale Carers Project."});
  CHECK(res(b, "Flag", "code.text") == Strings{"Key safe access"});
  CHECK(c.conv.unmapped == Strings{"column 'PreferredLanguage'"});
  auto stan = person("caredirector_calderdale_plans.tsv", "calderdale", "CD-70388");
  check_valid(stan);
  CHECK(res(stan.bundle, "Condition", "code.coding.code") == Strings{"49049000"});
  CHECK(res(stan.bundle, "Condition", "code.text") == Strings{"Parkinson's disease", "CD-XYZ"});  // the unknown code as text
  CHECK(res(stan.bundle, "Flag", "code.text") == Strings{"Lasting power of attorney for health and welfare", "Safeguarding concern"});
  CHECK(res(stan.bundle, "CareTeam", "participant.role.text") == Strings{"Family member care coordinator"});
  auto rb = person("caredirector_calderdale_plans.tsv", "calderdale", "CD-70419");
  check_valid(rb);
  CHECK(hw_test::has_warning(rb.conv.diagnostics, "19/05/2027"));
  CHECK(res(rb.bundle, "Practitioner", "name.text") == Strings{"Tariq Hussain"});
}

TEST_CASE("a file of several people given whole is refused: it must be split") {
  std::string text = hw_test::read_file(hw_test::data_path("social/liquidlogic_leeds_adults.csv"));
  auto c = hw_test::convert_social(converter(), text, "leeds");
  CHECK(c.conv.status == Status::Refused);
  CHECK(hw_test::errors_of(c.conv.diagnostics).find("more than one person") != std::string::npos);
}

TEST_CASE("a file no map is chosen for is refused, not guessed") {
  auto c = hw_test::convert_social(converter(), "Ref|Name\n1|Ann\n", "elsewhere");
  CHECK(c.conv.status == Status::Refused);
  CHECK(converter().split("Ref|Name\n1|Ann\n", node::MessageInfo{"elsewhere", "delimited", "", "", nullptr}).empty());
}
