// The prsb-xml converter over the PRSB local authority record documents in tests/data/social:
// each section's resources, free text as narrative and notes, unmapped elements reported, and
// malformed or wrong documents refused with their reason.
#include "tests/social/social_support.hpp"

using namespace hidewire;
using Status = node::Conversion::Status;
using hw_test::eval;
using hw_test::Strings;

namespace {

hw_test::SocialConverted convert_file(const std::string& name, bool trace = false) {
  static const auto conv = plugins::make_converter("prsb-xml");
  return hw_test::convert_social(*conv, hw_test::read_file(hw_test::data_path("social/" + name)), "bradford-la", trace);
}

Strings res(const fhir::Node& b, const std::string& type, const std::string& what) {
  return eval(b, "entry.resource.ofType(" + type + ")." + what);
}

}  // namespace

TEST_CASE("every PRSB document of the corpus converts to a valid Bundle declaring UK Core") {
  for (const char* f : {"prsb_bradford_whitehead.xml", "prsb_bradford_akhtar.xml", "prsb_bradford_clegg.xml"}) {
    CAPTURE(f);
    auto c = convert_file(f);
    REQUIRE_MESSAGE(c.conv.status == Status::Converted, hw_test::errors_of(c.conv.diagnostics));
    CHECK_MESSAGE(c.validation.error_count() == 0, hw_test::errors_of(c.validation));
    CHECK(c.conv.sender == "B2F6T");
    CHECK(res(c.bundle, "Organization", "identifier.value") == Strings{"B2F6T"});
    CHECK(res(c.bundle, "Patient", "meta.profile") == Strings{hw_test::kUkCore + "UKCore-Patient"});
    CHECK(eval(c.bundle, "entry.resource.ofType(Provenance).entity.what.identifier.value") == Strings{c.conv.control_id});
  }
}

TEST_CASE("PRSB: demographics, the plan with outcomes, needs, triggers and review, services, contacts, alerts") {
  auto c = convert_file("prsb_bradford_whitehead.xml");
  REQUIRE(c.conv.status == Status::Converted);
  const fhir::Node& b = c.bundle;
  CHECK(c.conv.nhs_number == "9998468329");
  CHECK(res(b, "Patient", "name.family") == Strings{"Whitehead"});
  CHECK(res(b, "Patient", "text.div").front().find("bus driver") != std::string::npos);
  CHECK(res(b, "Observation", "code.coding.code") == Strings{"105529008"});
  CHECK(res(b, "Observation", "where(code.text = 'Has a carer').value") == Strings{"false"});
  CHECK(res(b, "EpisodeOfCare", "type.text") == Strings{"Home care", "Telecare"});
  CHECK(res(b, "Goal", "description.text") == Strings{"To keep living in his own home", "To get out to the bowls club in the summer"});
  CHECK(res(b, "CarePlan", "activity.detail.where(code.text = 'Urgent care trigger').description").size() == 2);
  CHECK(res(b, "CarePlan", "activity.detail.where(code.text = 'Care and support plan review').scheduled") == Strings{"2027-04-14"});
  CHECK(res(b, "CarePlan", "note.text") == Strings{"Key worker to check the pendant battery at each review."});
  CHECK(res(b, "Practitioner", "name.text") == Strings{"Helen Murgatroyd"});
  CHECK(res(b, "Encounter", "type.coding.code") == Strings{"439708006"});
  CHECK(res(b, "Flag", "code.text") == Strings{"Key safe access"});
  CHECK(res(b, "Condition", "code.coding.code") == Strings{"13645005"});
  CHECK(res(b, "Condition", "code.text") == Strings{"COPD, on home oxygen overnight"});
  // Reported: what the map does not read (the primary support reason), not what it leaves out.
  CHECK(c.conv.unmapped == Strings{"PrimarySupportReason"});
}

TEST_CASE("PRSB: no NHS number, two carers, a volunteer coordinator, a referral, an uncoded condition kept as text") {
  auto c = convert_file("prsb_bradford_akhtar.xml");
  REQUIRE(c.conv.status == Status::Converted);
  CHECK(c.conv.nhs_number.empty());
  CHECK(res(c.bundle, "Patient", "identifier.value") == Strings{"BD-2214873"});
  CHECK(res(c.bundle, "RelatedPerson", "name.text") == Strings{"Imran Akhtar", "Sadia Akhtar", "Shabana Iqbal"});
  CHECK(res(c.bundle, "CareTeam", "participant.role.text") == Strings{"Volunteer care coordinator"});
  CHECK(res(c.bundle, "ServiceRequest", "code.text") == Strings{"Support for the carer"});
  CHECK(res(c.bundle, "ServiceRequest", "performer.display") == Strings{"Carers' Resource, Bradford"});
  CHECK(res(c.bundle, "Condition", "code.text") == Strings{"Type 2 diabetes, tablet controlled", "Poor eyesight (macular degeneration, not formally recorded)"});
  CHECK(res(c.bundle, "Condition", "code.coding.code") == Strings{"44054006"});
}

TEST_CASE("PRSB: alerts as Flags, an ended service, the carer who coordinates is one RelatedPerson") {
  auto c = convert_file("prsb_bradford_clegg.xml");
  REQUIRE(c.conv.status == Status::Converted);
  CHECK(res(c.bundle, "Flag", "code.text") == Strings{"Safeguarding concern", "Deprivation of Liberty Safeguards authorisation"});
  CHECK(res(c.bundle, "EpisodeOfCare", "status") == Strings{"finished", "active"});
  CHECK(res(c.bundle, "RelatedPerson", "name.text") == Strings{"Gillian Clegg"});
  CHECK(res(c.bundle, "Patient", "address.line") == Strings{"Moorview Care Home", "Otley Road"});
  CHECK(c.conv.unmapped == Strings{"FavouriteTelevision"});
}

TEST_CASE("PRSB: a bad NHS number is refused (or left out for tracing); malformed XML is unreadable") {
  auto bad = convert_file("prsb_bad_nhs_number.xml");
  CHECK(bad.conv.status == Status::Refused);
  auto traced = convert_file("prsb_bad_nhs_number.xml", true);
  CHECK(traced.conv.status == Status::Converted);
  CHECK(traced.conv.nhs_number.empty());
  auto broken = convert_file("prsb_truncated.xml");
  CHECK(broken.conv.status == Status::Unreadable);
  static const auto conv = plugins::make_converter("prsb-xml");
  auto other = hw_test::convert_social(*conv, "<ClinicalDocument/>", "bradford-la");
  CHECK(other.conv.status == Status::Refused);
}
