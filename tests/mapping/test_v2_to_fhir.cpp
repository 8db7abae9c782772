// HL7 v2 messages of the UK corpus to FHIR R4 transaction Bundles: the resources produced, the
// NHS-number keys, the unmapped-field report, and that every Bundle passes the validator.
#include <doctest/doctest.h>

#include "hl7v2/message.hpp"
#include "fhir/codec.hpp"
#include "fhir/validator.hpp"
#include "fhirpath/fhirpath.hpp"
#include "fhirpath/invariants.hpp"
#include "mapping/engine/converter.hpp"
#include "mapping/engine/datatypes.hpp"
#include "tests/fhir/test_support.hpp"
#include "tests/mapping/eval_support.hpp"

using namespace hidewire;

namespace {

struct Converted {
  mapping::Conversion conv;
  fhir::Node bundle;
  fhir::Diagnostics validation;
};

Converted convert_file(const std::string& name) {
  Converted c;
  hl7v2::ParseError err;
  auto m = hl7v2::parse(hw_test::read_file(hw_test::data_path("hl7v2/" + name)), err);
  REQUIRE_MESSAGE(m, err.message);
  c.conv = mapping::convert(*m);
  if (!c.conv.ok) return c;
  REQUIRE(fhir::parse_json(c.conv.bundle_json, fhir::Schema::r4(), c.bundle, c.validation));
  fhir::validate(c.bundle, fhir::Schema::r4(), c.validation);
  fhirpath::check_invariants(c.bundle, fhir::Schema::r4(), c.validation);
  return c;
}

using hw_test::eval;
using hw_test::Strings;
std::string issues(const fhir::Diagnostics& d) { return hw_test::errors_text(d); }

}  // namespace

TEST_CASE("every convertible message of the corpus gives a valid transaction Bundle") {
  for (const std::string& f : hw_test::files_in("hl7v2", ".hl7")) {
    if (f.find("malformed") != std::string::npos || f.find("bad_nhs") != std::string::npos) continue;
    CAPTURE(f);
    Converted c = convert_file(f.substr(f.rfind('/') + 1));
    REQUIRE_MESSAGE(c.conv.ok, issues(c.conv.diagnostics));
    CHECK_MESSAGE(c.validation.error_count() == 0, issues(c.validation));
    CHECK(eval(c.bundle, "type") == Strings{"transaction"});
    CHECK(eval(c.bundle, "entry.resource.ofType(Provenance).entity.what.identifier.value").size() == 1);
  }
}

TEST_CASE("ADT^A01: patient keyed by NHS number with GP, encounter, carer, allergy, diagnoses") {
  Converted c = convert_file("adt_a01_v251.hl7");
  REQUIRE(c.conv.ok);
  CHECK(c.conv.nhs_number == "9434765919");
  const fhir::Node& b = c.bundle;
  CHECK(eval(b, "entry.where(resource is Patient).request.url") ==
        Strings{"Patient?identifier=https://fhir.nhs.uk/Id/nhs-number|9434765919"});
  CHECK(eval(b, "entry.where(resource is Patient).request.method") == Strings{"PUT"});
  CHECK(eval(b, "entry.resource.ofType(Patient).gender") == Strings{"female"});
  CHECK(eval(b, "entry.resource.ofType(Patient).birthDate") == Strings{"1941-03-02"});
  CHECK(eval(b, "entry.resource.ofType(Patient).address.postalCode") == Strings{"LS1 4AP"});
  CHECK(eval(b, "entry.resource.ofType(Patient).telecom.where(use = 'mobile').value") == Strings{"07700 900123"});
  CHECK(eval(b, "entry.resource.ofType(Patient).generalPractitioner.identifier.where(system = 'https://fhir.nhs.uk/Id/ods-organization-code').value") ==
        Strings{"B86010"});
  CHECK(eval(b, "entry.resource.ofType(Encounter).status") == Strings{"in-progress"});
  CHECK(eval(b, "entry.resource.ofType(Encounter).class.code") == Strings{"IMP"});
  CHECK(eval(b, "entry.resource.ofType(Encounter).period.start") == Strings{"2026-11-24T08:50:00+00:00"});
  CHECK(eval(b, "entry.resource.ofType(RelatedPerson).relationship.coding.code") == Strings{"SPO", "C"});
  CHECK(eval(b, "entry.resource.ofType(AllergyIntolerance).code.coding.code") == Strings{"372687004"});
  CHECK(eval(b, "entry.resource.ofType(AllergyIntolerance).reaction.severity") == Strings{"severe"});
  CHECK(eval(b, "entry.resource.ofType(Condition).verificationStatus.coding.code") == Strings{"provisional", "confirmed"});
  CHECK(eval(b, "entry.resource.ofType(Observation).value.value") == Strings{"61.5"});
  // every clinical resource points at the patient entry
  CHECK(eval(b, "entry.resource.ofType(Condition).subject.reference.distinct() = entry.where(resource is Patient).fullUrl") ==
        Strings{"true"});
  // the Z-segment is reported, not dropped silently
  CHECK(std::find(c.conv.unmapped.begin(), c.conv.unmapped.end(), "ZU1 (no map for this segment)") != c.conv.unmapped.end());
}

TEST_CASE("v2.3 and \\r\\n feeds convert the same way; dates without a zone are UK local time") {
  Converted a = convert_file("adt_a04_v23.hl7");
  REQUIRE(a.conv.ok);
  CHECK(eval(a.bundle, "entry.resource.ofType(Encounter).class.code") == Strings{"AMB"});
  CHECK(eval(a.bundle, "timestamp") == Strings{"2026-11-20T10:30:00+00:00"});
  Converted b = convert_file("adt_a08_crlf.hl7");
  REQUIRE(b.conv.ok);
  CHECK(eval(b.bundle, "entry.resource.ofType(Patient).telecom.value") == Strings{"0113 496 0001"});
  CHECK(mapping::v2_datetime("20260715093000", false) == "2026-07-15T09:30:00+01:00");  // BST
  CHECK(mapping::v2_datetime("20260115093000", false) == "2026-01-15T09:30:00+00:00");  // GMT
  CHECK(mapping::v2_datetime("202607150930-0500", false) == "2026-07-15T09:30:00-05:00");
  CHECK(mapping::v2_datetime("20260715", false) == "2026-07-15");
}

TEST_CASE("ORU^R01: a DiagnosticReport per order referencing its Observations") {
  Converted c = convert_file("oru_r01_v251.hl7");
  REQUIRE(c.conv.ok);
  const fhir::Node& b = c.bundle;
  CHECK(eval(b, "entry.resource.ofType(DiagnosticReport).count()") == Strings{"2"});
  CHECK(eval(b, "entry.resource.ofType(DiagnosticReport).first().result.count()") == Strings{"3"});
  CHECK(eval(b, "entry.resource.ofType(DiagnosticReport).last().result.count()") == Strings{"1"});
  CHECK(eval(b, "entry.resource.ofType(Observation).where(code.coding.code = '22664-7').value.value") == Strings{"5.9"});
  CHECK(eval(b, "entry.resource.ofType(Observation).where(code.coding.code = '22664-7').interpretation.coding.code") == Strings{"H"});
  CHECK(eval(b, "entry.resource.ofType(Observation).where(code.coding.code = '22664-7').note.text") ==
        Strings{"Sample slightly haemolysed & repeat advised"});
  // results do not overwrite demographics: the patient is created only if absent
  CHECK(eval(b, "entry.where(resource is Patient).request.method") == Strings{"POST"});
  CHECK(eval(b, "entry.where(resource is Patient).request.ifNoneExist") ==
        Strings{"identifier=https://fhir.nhs.uk/Id/nhs-number|9434765919"});
}

TEST_CASE("MDM^T02 discharge summary, SIU^S12 appointment, REF^I12 referral, ADT^A40 merge") {
  Converted d = convert_file("mdm_t02_discharge.hl7");
  REQUIRE(d.conv.ok);
  CHECK(eval(d.bundle, "entry.resource.ofType(DocumentReference).type.coding.code") == Strings{"DS"});
  CHECK(eval(d.bundle, "entry.resource.ofType(DocumentReference).content.attachment.data.decode('base64').contains('furosemide 40 mg')") ==
        Strings{"true"});
  Converted s = convert_file("siu_s12_appointment.hl7");
  REQUIRE(s.conv.ok);
  CHECK(eval(s.bundle, "entry.resource.ofType(Appointment).start") == Strings{"2026-12-02T10:30:00+00:00"});
  CHECK(eval(s.bundle, "entry.resource.ofType(Appointment).participant.count()") == Strings{"4"});
  CHECK(eval(s.bundle, "entry.resource.ofType(Appointment).status") == Strings{"booked"});
  Converted r = convert_file("ref_i12_referral.hl7");
  REQUIRE(r.conv.ok);
  CHECK(eval(r.bundle, "entry.resource.ofType(ServiceRequest).requester.display") == Strings{"Dr Helen Brown"});
  CHECK(eval(r.bundle, "entry.resource.ofType(ServiceRequest).identifier.value") == Strings{"REF-3001"});
  CHECK(eval(r.bundle, "entry.resource.ofType(ServiceRequest).reasonReference.reference = entry.where(resource is Condition).fullUrl") ==
        Strings{"true"});
  Converted m = convert_file("adt_a40_merge.hl7");
  REQUIRE(m.conv.ok);
  CHECK(eval(m.bundle, "entry.where(resource is Patient).request.url") ==
        Strings{"Patient?identifier=https://fhir.nhs.uk/Id/nhs-number|9434765919",
                "Patient?identifier=https://fhir.nhs.uk/Id/nhs-number|9000000009"});
  CHECK(eval(m.bundle, "entry.resource.ofType(Patient).link.type") == Strings{"replaces", "replaced-by"});
  CHECK(eval(m.bundle, "entry.resource.ofType(Patient).where(active = false).identifier.value") == Strings{"9000000009"});
}

TEST_CASE("content errors refuse the message with a located reason") {
  Converted c = convert_file("adt_a01_bad_nhs.hl7");
  CHECK_FALSE(c.conv.ok);
  REQUIRE(c.conv.diagnostics.error_count() == 1);
  const fhir::Issue& i = c.conv.diagnostics.issues().front();
  CHECK(i.location == "PID-3[1].1");
  CHECK(i.key == "nhs-number");
  CHECK(i.message.find("expected 9") != std::string::npos);

  hl7v2::ParseError err;
  auto orm = hl7v2::parse("MSH|^~\\&|A|B|C|D|20260101||QRY^A19^QRY_A19|X1|P|2.5.1\rQRD|20260101|R|I|Q1\r", err);
  REQUIRE(orm);
  mapping::Conversion u = mapping::convert(*orm);
  CHECK_FALSE(u.ok);
  CHECK(u.diagnostics.issues().front().key == "unsupported-message");

  auto bad_date = hl7v2::parse("MSH|^~\\&|A|B|C|D|20260101||ADT^A01^ADT_A01|X2|P|2.5.1\rPID|1||9434765919^^^NHS^NH||X^Y||1941133|Q\rPV1|1|I\r", err);
  REQUIRE(bad_date);
  mapping::Conversion bd = mapping::convert(*bad_date);
  CHECK_FALSE(bd.ok);
  std::string all = issues(bd.diagnostics);
  CHECK(all.find("PID-7: not a date") != std::string::npos);
  CHECK_MESSAGE(all.find("PID-8") == std::string::npos, all);  // an unknown sex is a warning, never a refusal
}

TEST_CASE("the maps are checked when loaded, with JSON paths in the errors") {
  std::string segs = R"({"PID": {"resource": "Patient", "fields": [{"field": 0, "path": "x", "type": "NOPE", "table": "missing"}], "colour": 1}})";
  std::string msgs = R"({"ADT_A01": {"resources": [{"merge": ["PD1"]}]}})";
  try {
    mapping::MapSet::load(segs, msgs, "{}");
    FAIL("expected a MapError");
  } catch (const mapping::MapError& e) {
    std::string what = e.what();
    CHECK(what.find("segments.PID.colour: unknown key") != std::string::npos);
    CHECK(what.find("segments.PID.fields[0].field: must be a positive field number") != std::string::npos);
    CHECK(what.find("segments.PID.fields[0].type: unknown converter 'NOPE'") != std::string::npos);
    CHECK(what.find("segments.PID.fields[0].table: no table 'missing'") != std::string::npos);
    CHECK(what.find("messages.ADT_A01.resources[0].from: required") != std::string::npos);
  }
}

TEST_CASE("every ADT event the maps name converts, with the encounter status of its event") {
  std::string a01 = hw_test::read_file(hw_test::data_path("hl7v2/adt_a01_v251.hl7"));
  struct Event {
    const char* trigger;
    const char* structure;
    const char* status;  // Encounter.status, or "" when the event makes no encounter
  };
  for (Event ev : {Event{"A01", "ADT_A01", "in-progress"}, Event{"A02", "ADT_A02", "in-progress"},
                   Event{"A03", "ADT_A03", "finished"}, Event{"A04", "ADT_A01", "in-progress"},
                   Event{"A05", "ADT_A05", "planned"}, Event{"A08", "ADT_A01", "in-progress"}, Event{"A11", "ADT_A09", "cancelled"},
                   Event{"A13", "ADT_A01", "in-progress"}, Event{"A28", "ADT_A05", ""}, Event{"A31", "ADT_A05", ""}}) {
    CAPTURE(ev.trigger);
    std::string text = a01;
    text.replace(text.find("ADT^A01^ADT_A01"), 15, std::string("ADT^") + ev.trigger + "^" + ev.structure);
    hl7v2::ParseError err;
    auto m = hl7v2::parse(text, err);
    REQUIRE(m);
    mapping::Conversion conv = mapping::convert(*m);
    REQUIRE_MESSAGE(conv.ok, issues(conv.diagnostics));
    fhir::Node b;
    fhir::Diagnostics d;
    REQUIRE(fhir::parse_json(conv.bundle_json, fhir::Schema::r4(), b, d));
    fhir::validate(b, fhir::Schema::r4(), d);
    CHECK_MESSAGE(d.error_count() == 0, issues(d));
    Strings status = eval(b, "entry.resource.ofType(Encounter).status");
    if (*ev.status) CHECK(status == Strings{ev.status});
    else CHECK(status.empty());
    CHECK(eval(b, "entry.where(resource is Patient).request.method") == Strings{"PUT"});
  }
}

TEST_CASE("MDM^T02: the document's unique number becomes its masterIdentifier; status from TXA-17") {
  Converted d = convert_file("mdm_t02_discharge.hl7");
  REQUIRE(d.conv.ok);
  CHECK(eval(d.bundle, "entry.resource.ofType(DocumentReference).masterIdentifier.value") == Strings{"DOC-4410-1"});
  CHECK(eval(d.bundle, "entry.resource.ofType(DocumentReference).docStatus") == Strings{"final"});
  CHECK(eval(d.bundle, "entry.where(resource is DocumentReference).request.method") == Strings{"PUT"});
}

TEST_CASE("PID-24/25: multipleBirthInteger with the birth order, multipleBirthBoolean without; a birth order too big is refused") {
  auto convert = [](const std::string& pid24_25) {
    hl7v2::ParseError err;
    auto m = hl7v2::parse("MSH|^~\\&|A|B|C|D|20260101||ADT^A01^ADT_A01|X3|P|2.5.1\rPID|1||9434765919^^^NHS^NH||X^Y||19410302|F" +
                              std::string(15, '|') + pid24_25 + "\rPV1|1|I\r",
                          err);
    REQUIRE(m);
    return mapping::convert(*m);
  };
  mapping::Conversion twin = convert("|Y|2");
  REQUIRE(twin.ok);
  CHECK(twin.bundle_json.find(R"("multipleBirthInteger":2)") != std::string::npos);
  CHECK(twin.bundle_json.find("multipleBirthBoolean") == std::string::npos);
  mapping::Conversion single = convert("|N");
  REQUIRE(single.ok);
  CHECK(single.bundle_json.find(R"("multipleBirthBoolean":false)") != std::string::npos);
  mapping::Conversion huge = convert("|Y|99999999999");
  CHECK_FALSE(huge.ok);
  std::string all = issues(huge.diagnostics);
  CHECK_MESSAGE(all.find("PID-25") != std::string::npos, all);
}
