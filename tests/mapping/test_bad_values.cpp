// Field values that overflow or are not what their type says: each becomes a diagnostic at its v2
// location (an error, or a warning when the value can be kept as text), never an exception that
// ends the process, and never an invalid Bundle.
#include <doctest/doctest.h>

#include "hl7v2/message.hpp"
#include "conformance/gate.hpp"
#include "fhir/codec.hpp"
#include "fhirpath/fhirpath.hpp"
#include "mapping/engine/converter.hpp"

using namespace hidewire;

namespace {

// A Leeds-shaped SIU^S12 (Careflow booking a respiratory follow-up), with SCH-9 (duration) and
// SCH-11.4 (start) as given.
std::string siu(const std::string& duration, const std::string& start = "20261202103000") {
  return "MSH|^~\\&|CAREFLOW|RR8|HIDEWIRE|LTHT|20261125090000||SIU^S12^SIU_S12|APT-1201|P|2.5.1\r"
         "SCH|APT-1201|APT-1201|||||ROUTINE^Routine|FOLLOWUP^Follow-up|" + duration + "|MIN|^^20^" + start +
         "^20261202105000|||||C1234567^Patel^Anita^^^Dr||||||||||BOOKED\r"
         "PID|1||9434765919^^^NHS^NH||SMITH^MARGARET^ANN||19410302|F\r"
         "RGS|1\r"
         "AIS|1||RESP-FU^Respiratory follow-up clinic^LOCAL|20261202103000|||20|MIN\r"
         "AIL|1||RR8CL3^^^RR8^^^^Respiratory Clinic 3\r"
         "AIP|1||C1234567^Patel^Anita^^^Dr|CONS^Consultant\r";
}

// A WinPath-shaped ORU^R01 with one OBX of value type `type` and value `value`.
std::string oru(const std::string& type, const std::string& value, const std::string& pid7 = "19410302",
                const std::string& obx14 = "20261124100000") {
  return "MSH|^~\\&|WINPATH|RR8|HIDEWIRE|LTHT|20261124141500||ORU^R01^ORU_R01|LAB-77731|P|2.5.1\r"
         "PID|1||9434765919^^^NHS^NH||SMITH^MARGARET^ANN||" + pid7 + "|F\r"
         "PV1|1|I|RR8W07^Bed 12^Ward 7^RR8\r"
         "ORC|RE|ORD-5551|LAB-5551\r"
         "OBR|1|ORD-5551|LAB-5551|U&E^Urea and electrolytes^LOCAL|||20261124100000|||||||||C1234567^Patel^Anita^^^Dr||||||20261124141000|||F\r"
         "OBX|1|" + type + "|22664-7^Potassium^LN||" + value + "|mmol/L|3.5-5.3|H|||F|||" + obx14 + "\r";
}

mapping::Conversion convert(const std::string& text) {
  hl7v2::ParseError err;
  auto m = hl7v2::parse(text, err);
  REQUIRE_MESSAGE(m, err.message);
  mapping::Conversion c;
  CHECK_NOTHROW(c = mapping::convert(*m));
  return c;
}

const fhir::Issue* issue_at(const fhir::Diagnostics& d, const std::string& location, fhir::Severity s) {
  for (const fhir::Issue& i : d.issues())
    if (i.location == location && i.severity == s) return &i;
  return nullptr;
}

std::string all(const fhir::Diagnostics& d) {
  std::string out;
  for (const fhir::Issue& i : d.issues()) out += std::string(fhir::severity_name(i.severity)) + " " + i.location + ": " + i.message + "\n";
  return out;
}

// The gate the node runs, and one expression on the Bundle.
std::string gate_and_eval(const mapping::Conversion& c, const std::string& expr) {
  fhir::Diagnostics gate = conformance::check(c.bundle_json);
  CHECK_MESSAGE(!gate.has_errors(), all(gate));
  fhir::Node bundle;
  fhir::Diagnostics d;
  REQUIRE(fhir::parse_json(c.bundle_json, fhir::Schema::r4(), bundle, d));
  fhirpath::EvalContext ctx;
  ctx.resource = &bundle;
  std::string out;
  for (const fhirpath::Value& v : fhirpath::Expression::compile(expr).evaluate(ctx)) {
    auto s = fhirpath::to_system(v);
    out += (out.empty() ? "" : ",") + (s ? fhirpath::to_display(*s) : fhirpath::type_name(v));
  }
  return out;
}

}  // namespace

TEST_CASE("SIU^S12 with SCH-9 = 99999999999: an error at SCH-9, not an exception") {
  mapping::Conversion c = convert(siu("99999999999"));
  CHECK_FALSE(c.ok);
  const fhir::Issue* i = issue_at(c.diagnostics, "SCH-9", fhir::Severity::Error);
  REQUIRE_MESSAGE(i, all(c.diagnostics));
  CHECK(i->message.find("out of range") != std::string::npos);
  CHECK(i->message.find("99999999999") != std::string::npos);
}

TEST_CASE("SCH-9 at and just past the 32-bit limit, and garbage") {
  mapping::Conversion ok = convert(siu("2147483647"));
  REQUIRE_MESSAGE(ok.ok, all(ok.diagnostics));
  CHECK(gate_and_eval(ok, "entry.resource.ofType(Appointment).minutesDuration") == "2147483647");
  for (std::string bad : {"2147483648", "18446744073709551616", "999999999999999999999999999999", "20MIN", "-5", "1.5"}) {
    CAPTURE(bad);
    mapping::Conversion c = convert(siu(bad));
    CHECK_FALSE(c.ok);
    CHECK_MESSAGE(issue_at(c.diagnostics, "SCH-9", fhir::Severity::Error), all(c.diagnostics));
  }
}

TEST_CASE("an unreadable appointment start is an error at SCH-11") {
  // A booked appointment without its start would break app-3 in the gate: refused here, located.
  for (std::string bad : {"2026120299", "20261302103000", "202612021030+2X00", "99999999999999999999"}) {
    CAPTURE(bad);
    mapping::Conversion c = convert(siu("20", bad));
    CHECK_FALSE(c.ok);
    CHECK_MESSAGE(issue_at(c.diagnostics, "SCH-11", fhir::Severity::Error), all(c.diagnostics));
  }
}

TEST_CASE("OBX-5 NM values: numbers as sent are normalised, others kept as text with a warning") {
  struct Case {
    const char* v2;
    const char* json;  // how Observation.value is written in the Bundle
    bool warned;
  };
  const Case cases[] = {
      {"5.9", R"("valueQuantity":{"value":5.9,)", false},
      {"+5", R"("valueQuantity":{"value":5,)", false},
      {"007", R"("valueQuantity":{"value":7,)", false},
      {".5", R"("valueQuantity":{"value":0.5,)", false},
      {"-0.25", R"("valueQuantity":{"value":-0.25,)", false},
      {"5.", R"("valueQuantity":{"value":5,)", false},
      {"99999999999999999999999", R"("valueQuantity":{"value":99999999999999999999999,)", false},
      {"POSITIVE", R"("valueString":"POSITIVE")", true},
      {"inf", R"("valueString":"inf")", true},
      {"nan", R"("valueString":"nan")", true},
      {"0x1A", R"("valueString":"0x1A")", true},
      {"1e999", R"("valueString":"1e999")", true},
      {"1.2.3", R"("valueString":"1.2.3")", true},
  };
  for (const Case& k : cases) {
    CAPTURE(k.v2);
    mapping::Conversion c = convert(oru("NM", k.v2));
    REQUIRE_MESSAGE(c.ok, all(c.diagnostics));
    CHECK(bool(issue_at(c.diagnostics, "OBX-5", fhir::Severity::Warning)) == k.warned);
    CHECK_MESSAGE(c.bundle_json.find(k.json) != std::string::npos, c.bundle_json);
    CHECK(gate_and_eval(c, "entry.resource.ofType(Observation).value.exists()") == "true");
  }
}

TEST_CASE("dates and timestamps out of range are errors at their field") {
  mapping::Conversion birth = convert(oru("NM", "5.9", "19411332"));
  CHECK_FALSE(birth.ok);
  CHECK_MESSAGE(issue_at(birth.diagnostics, "PID-7", fhir::Severity::Error), all(birth.diagnostics));
  mapping::Conversion feb = convert(oru("NM", "5.9", "20230229"));
  CHECK_FALSE(feb.ok);
  CHECK_MESSAGE(issue_at(feb.diagnostics, "PID-7", fhir::Severity::Error), all(feb.diagnostics));
  mapping::Conversion hour = convert(oru("NM", "5.9", "19410302", "20261124250000"));
  CHECK_FALSE(hour.ok);
  CHECK_MESSAGE(issue_at(hour.diagnostics, "OBX-14", fhir::Severity::Error), all(hour.diagnostics));
  // A result of type TS that is no timestamp is still a result: kept as text.
  mapping::Conversion ts = convert(oru("TS", "20261399"));
  REQUIRE_MESSAGE(ts.ok, all(ts.diagnostics));
  CHECK(issue_at(ts.diagnostics, "OBX-5", fhir::Severity::Warning));
  CHECK(gate_and_eval(ts, "entry.resource.ofType(Observation).value") == "20261399");
}

TEST_CASE("convert never throws: an unexpected failure refuses the message with a fatal issue") {
  // Maps whose paths contradict each other (PID-5 makes `name` a string, PID-8 goes through it).
  std::string segs = R"({"PID": {"resource": "Patient", "fields": [{"field": 5, "path": "name", "type": "ST"},
                                                               {"field": 8, "path": "name.family", "type": "ST"}]}})";
  mapping::MapSet maps = mapping::MapSet::load(segs, R"({"ADT_A01": {"resources": [{"from": "PID"}]}})", "{}");
  hl7v2::ParseError err;
  auto m = hl7v2::parse("MSH|^~\\&|PAS|RR8|HIDEWIRE|LTHT|20261125090000||ADT^A01^ADT_A01|X1|P|2.5.1\r"
                        "PID|1||9434765919^^^NHS^NH||SMITH^MARGARET||19410302|F\r",
                        err);
  REQUIRE(m);
  mapping::Conversion c;
  REQUIRE_NOTHROW(c = mapping::convert(*m, maps));
  CHECK_FALSE(c.ok);
  CHECK(c.bundle_json.empty());
  REQUIRE(c.diagnostics.has_errors());
  const fhir::Issue& i = c.diagnostics.issues().back();
  CHECK(i.severity == fhir::Severity::Fatal);
  CHECK(i.key == "conversion-failed");
  CHECK(i.location == "PID-8");
  CHECK_MESSAGE(i.message.find("name") != std::string::npos, i.message);
}
