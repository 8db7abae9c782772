// Real-world input: byte-order marks and blank lines, batch files, codes a table does not know,
// assigning authorities with spaces, PID-29 with PID-30.
#include <doctest/doctest.h>

#include <algorithm>

#include "hl7v2/batch.hpp"
#include "hl7v2/message.hpp"
#include "fhir/codec.hpp"
#include "fhir/validator.hpp"
#include "fhirpath/invariants.hpp"
#include "mapping/engine/converter.hpp"

using namespace hidewire;

namespace {

const std::string kMsh = "MSH|^~\\&|PAS|RCB|HIDEWIRE|RCB|20260314093000||ADT^A01^ADT_A01|";

mapping::Conversion convert_text(const std::string& text, const mapping::AuthorityTable* authorities = nullptr) {
  hl7v2::ParseError err;
  auto m = hl7v2::parse(text, err);
  REQUIRE_MESSAGE(m, err.message);
  mapping::ConvertOptions o;
  o.authorities = authorities;
  mapping::Conversion c = mapping::convert(*m, mapping::MapSet::builtin(), o);
  if (c.ok) {
    fhir::Node b;
    fhir::Diagnostics v;
    REQUIRE(fhir::parse_json(c.bundle_json, fhir::Schema::r4(), b, v));
    fhir::validate(b, fhir::Schema::r4(), v);
    fhirpath::check_invariants(b, fhir::Schema::r4(), v);
    CHECK_MESSAGE(v.error_count() == 0, c.bundle_json);
  }
  return c;
}

bool has_warning(const mapping::Conversion& c, const std::string& text) {
  for (const fhir::Issue& i : c.diagnostics.issues())
    if (i.severity == fhir::Severity::Warning && (i.location + ": " + i.message).find(text) != std::string::npos) return true;
  return false;
}

}  // namespace

TEST_CASE("a UTF-8 byte-order mark, leading whitespace and blank lines before MSH are skipped") {
  for (std::string lead : {"\xEF\xBB\xBF", "\xEF\xBB\xBF\r\n\r\n", "  \n\n\t", "\r\r\xEF\xBB\xBF  "}) {
    std::string text = lead + kMsh + "B1|P|2.4\nEVN|A01|20260314093000\n\nPID|1||9434765919^^^NHS^NH||SMITH^JANE||19410302|F\r\nPV1|1|I\n";
    hl7v2::ParseError err;
    auto m = hl7v2::parse(text, err);
    REQUIRE_MESSAGE(m, err.message);
    CHECK(m->segments.size() == 4);
    CHECK(m->control_id() == "B1");
    CHECK(m->segments[2].name == "PID");
  }
}

TEST_CASE("a batch file splits into its messages, and the ACK batch answers each") {
  std::string text = "\xEF\xBB\xBF" "FHS|^~\\&|WINPATH|RCB LAB|HIDEWIRE|RCB|20260314100000||||F77\r\n"
                     "BHS|^~\\&|WINPATH|RCB LAB|HIDEWIRE|RCB|20260314100000||||B77\r\n" +
                     kMsh + "M1|P|2.3\r\nPID|1||9434765919^^^NHS^NH\r\n\r\n" + kMsh + "M2|P|2.3\nPID|1||9449305552^^^NHS^NH\n" +
                     "BTS|2\r\nFTS|1\r\n";
  REQUIRE(hl7v2::is_batch(text));
  hl7v2::Batch b = hl7v2::split_batch(text);
  CHECK(b.enveloped);
  CHECK(b.file);
  CHECK(b.declared_count == 2);
  REQUIRE(b.messages.size() == 2);
  hl7v2::ParseError err;
  auto m2 = hl7v2::parse(b.messages[1], err);
  REQUIRE(m2);
  CHECK(m2->control_id() == "M2");
  CHECK(m2->segments.size() == 2);
  std::string answer = hl7v2::batch_answer(b, {"MSH|^~\\&|ACK1\rMSA|AA|M1\r", "MSH|^~\\&|ACK2\rMSA|AA|M2\r"}, "20260314100001");
  CHECK(answer.rfind("FHS|^~\\&|HIDEWIRE|RCB|WINPATH|RCB LAB|20260314100001", 0) == 0);
  CHECK(answer.find("BHS|^~\\&|HIDEWIRE|RCB|WINPATH|RCB LAB|20260314100001|||||B77\r") != std::string::npos);
  CHECK(answer.find("MSA|AA|M1\rMSH|^~\\&|ACK2\rMSA|AA|M2\rBTS|2\rFTS|1\r") != std::string::npos);
  CHECK_FALSE(hl7v2::is_batch(kMsh + "M1|P|2.3\rPID|1\r"));
  CHECK(hl7v2::is_batch(kMsh + "M1|P|2.3\r" + kMsh + "M2|P|2.3\r"));
}

TEST_CASE("codes a table does not know are kept with a warning, never a refused message") {
  std::string text = "MSH|^~\\&|WINPATH|RCB|HIDEWIRE|RCB|20260314100000||ORU^R01^ORU_R01|L9|P|2.4\r"
                     "PID|1||9434765919^^^NHS^NH||SMITH^JANE||19410302|Q\r"
                     "OBR|1|ORD1^ICE|LAB1^WINPATH|FBC^Full blood count^WINPATH|||20260314090000|||||||||||||||20260314095500||HM|Z\r"
                     "OBX|1|NM|HB^Haemoglobin^WINPATH||131|g/L|115-165|B|||Q\r";
  mapping::Conversion c = convert_text(text);
  REQUIRE(c.ok);
  CHECK(has_warning(c, "PID-8: code 'Q' is not in table administrative-sex"));
  CHECK(has_warning(c, "OBX-11: code 'Q' is not in table result-status"));
  CHECK(c.bundle_json.find("\"gender\":\"unknown\"") != std::string::npos);
  CHECK(c.bundle_json.find("\"code\":\"B\"") != std::string::npos);  // OBX-8 B: better
  std::string siu = "MSH|^~\\&|CAREFLOW|RCB|HIDEWIRE|RCB|20260314100000||SIU^S12^SIU_S12|S9|P|2.5.1\r"
                    "SCH|APT1^CAREFLOW||||||||30|MIN|^^30^20260320100000^20260320103000||||||||||||||Booked\r"
                    "PID|1||9434765919^^^NHS^NH\rRGS|1\r";
  mapping::Conversion s = convert_text(siu);
  REQUIRE(s.ok);
  CHECK(s.bundle_json.find("\"status\":\"booked\"") != std::string::npos);
  std::string siu2 = siu;
  siu2.replace(siu2.find("Booked"), 6, "Tentative");
  mapping::Conversion t = convert_text(siu2);
  REQUIRE(t.ok);
  CHECK(has_warning(t, "SCH-25: code 'Tentative' is not in table appointment-status: left at its default"));
}

TEST_CASE("identifier systems from assigning authorities are valid URIs: the table, HD-2 OIDs, percent-encoding") {
  std::string text = kMsh + "U1|P|2.5.1\rPID|1||9434765919^^^NHS^NH~RCB123456^^^GHH LAB^MR~X77^^^&2.16.840.1.113883.2.1.3.2&ISO^MR||SMITH^JANE\rPV1|1|I\r";
  mapping::Conversion c = convert_text(text);
  REQUIRE(c.ok);
  CHECK(c.bundle_json.find("urn:hidewire:identifier:GHH%20LAB") != std::string::npos);
  CHECK(c.bundle_json.find("\"system\":\"urn:oid:2.16.840.1.113883.2.1.3.2\"") != std::string::npos);
  CHECK(c.bundle_json.find("GHH LAB") == std::string::npos);
  mapping::AuthorityTable table{{"GHH LAB", "https://fhir.rcb.nhs.uk/Id/lab-number"}};
  mapping::Conversion t = convert_text(text, &table);
  REQUIRE(t.ok);
  CHECK(t.bundle_json.find("\"system\":\"https://fhir.rcb.nhs.uk/Id/lab-number\"") != std::string::npos);
  CHECK(convert_text(text).bundle_json == c.bundle_json);  // stable
}

TEST_CASE("PID-29 and PID-30 together give one deceasedDateTime") {
  std::string text = kMsh + "D1|P|2.4\rPID|1||9434765919^^^NHS^NH||SMITH^JANE||19410302|F|||||||||||||||||||||20260313221500|Y\rPV1|1|I\r";
  mapping::Conversion c = convert_text(text);
  REQUIRE(c.ok);
  CHECK(c.bundle_json.find("deceasedDateTime") != std::string::npos);
  CHECK(c.bundle_json.find("deceasedBoolean") == std::string::npos);
  std::string only30 = kMsh + "D2|P|2.4\rPID|1||9434765919^^^NHS^NH||SMITH^JANE||19410302|F||||||||||||||||||||||Y\rPV1|1|I\r";
  mapping::Conversion b = convert_text(only30);
  REQUIRE(b.ok);
  CHECK(b.bundle_json.find("\"deceasedBoolean\":true") != std::string::npos);
}

TEST_CASE("an unreadable MSH-7 refuses the message at MSH-7; a date alone is the start of that day") {
  std::string bad = "MSH|^~\\&|PAS|RCB|HIDEWIRE|RCB|20260314300100||ADT^A01^ADT_A01|T1|P|2.4\rPID|1||9434765919^^^NHS^NH\rPV1|1|I\r";
  mapping::Conversion c = convert_text(bad);
  CHECK_FALSE(c.ok);
  bool at_msh7 = false;
  for (const fhir::Issue& i : c.diagnostics.issues()) at_msh7 = at_msh7 || (i.location == "MSH-7" && i.severity == fhir::Severity::Error);
  CHECK(at_msh7);
  std::string day = "MSH|^~\\&|PAS|RCB|HIDEWIRE|RCB|20260714||ADT^A01^ADT_A01|T2|P|2.4\rPID|1||9434765919^^^NHS^NH\rPV1|1|I\r";
  mapping::Conversion d = convert_text(day);
  REQUIRE(d.ok);
  CHECK(d.bundle_json.find("\"recorded\":\"2026-07-14T00:00:00+01:00\"") != std::string::npos);
}

TEST_CASE("the trigger event's map wins over the shared v2.5 structure MSH-9.3 names") {
  // ADT^A41^ADT_A39 is an account merge (Account from PID-18), not A40's patient merge (MRG-1 NHS number)
  std::string a41 = "MSH|^~\\&|EPR|R0A|HIDEWIRE|R0A|20261201111200||ADT^A41^ADT_A39|E1|P|2.5.1\r"
                    "PID|1||9434765919^^^NHS^NH|||||||||||||||ACC-2\rMRG|||ACC-1\r";
  mapping::Conversion c = convert_text(a41);
  REQUIRE(c.ok);
  CHECK(c.bundle_json.find("\"resourceType\":\"Account\"") != std::string::npos);
  // ADT^A29^ADT_A21 deletes person information: no Encounter from A25's map
  std::string a29 = "MSH|^~\\&|EPR|R0A|HIDEWIRE|R0A|20261201111200||ADT^A29^ADT_A21|E2|P|2.5.1\r"
                    "EVN|A29\rPID|1||9434765919^^^NHS^NH\rPV1|1|I\r";
  mapping::Conversion d = convert_text(a29);
  REQUIRE(d.ok);
  CHECK(d.bundle_json.find("\"resourceType\":\"Encounter\"") == std::string::npos);
}

TEST_CASE("OBX-5 comparators: NM '<3' and SN '>^90' are quantities with a comparator; an SN ratio is text") {
  std::string text = "MSH|^~\\&|LIMS|RTD|EPR|RTD|20261202143012||ORU^R01^ORU_R01|C1|P|2.4\r"
                     "PID|1||9434765919^^^NHS^NH\rOBR|1|A^ICE|B^LIMS|UE^U and E^LIMS|||20261202091500||||||||||||||||||F\r"
                     "OBX|1|NM|BILI^Bilirubin^LIMS||<3|umol/L|0-21||||F\r"
                     "OBX|2|SN|EGFR^eGFR^LIMS||>^90|mL/min/{1.73_m2}|||||F\r"
                     "OBX|3|SN|TITRE^ASO titre^LIMS||^1^:^128||||||F\r";
  mapping::Conversion c = convert_text(text);
  REQUIRE(c.ok);
  CHECK(c.bundle_json.find(R"("valueQuantity":{"value":3,"comparator":"<")") != std::string::npos);
  CHECK(c.bundle_json.find(R"("valueQuantity":{"value":90,"comparator":">")") != std::string::npos);
  CHECK(c.bundle_json.find(R"("valueString":"1:128")") != std::string::npos);
  CHECK(has_warning(c, "OBX-5 is not a number: '^1^:^128'"));
}

TEST_CASE("a segment out of structure order is kept and the groups after it are still found") {
  // NTE after RXR is out of RDE_O11's order; the second ORDER must still give its MedicationRequest
  std::string text = "MSH|^~\\&|EPMA|RJ1|PHARMACY|RJ1|20261202090512||RDE^O11^RDE_O11|R1|P|2.5\r"
                     "PID|1||9434765919^^^NHS^NH\r"
                     "ORC|NW|RX1^EPMA\rRXE|^^^20261202|111^Drug one^DMD|1|||||\rRXR|PO\rNTE|1||stray note\r"
                     "ORC|NW|RX2^EPMA\rRXE|^^^20261202|222^Drug two^DMD|1\rRXR|PO\r";
  mapping::Conversion c = convert_text(text);
  REQUIRE(c.ok);
  CHECK(c.bundle_json.find("\"code\":\"222\"") != std::string::npos);
  CHECK(std::find(c.unmapped.begin(), c.unmapped.end(), "NTE (segment not used by this message type)") != c.unmapped.end());
}
