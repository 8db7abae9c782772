#include <doctest/doctest.h>

#include "hl7v2/message.hpp"
#include "tests/fhir/test_support.hpp"

using namespace hidewire::hl7v2;

namespace {
Message load(const std::string& name) {
  ParseError err;
  auto m = parse(hw_test::read_file(hw_test::data_path("hl7v2/" + name)), err);
  REQUIRE_MESSAGE(m, err.message);
  return std::move(*m);
}
std::vector<std::string> names(const Message& m, const Group& g) {
  std::vector<std::string> out;
  for (std::size_t i : g.segments) out.emplace_back(m.segments[i].name);
  return out;
}
}  // namespace

TEST_CASE("MSH fields are numbered as the standard numbers them") {
  Message m = load("adt_a01_v251.hl7");
  CHECK(m.get("MSH-1") == "|");
  CHECK(m.get("MSH-2") == "^~\\&");
  CHECK(m.get("MSH-3") == "PAS");
  CHECK(m.get("MSH-4.2") == "St James University Hospital");
  CHECK(m.message_code() == "ADT");
  CHECK(m.trigger_event() == "A01");
  CHECK(m.structure() == "ADT_A01");
  CHECK(m.control_id() == "MSG00001");
  CHECK(m.version() == "2.5.1");
  CHECK(m.sending_facility() == "RR8");
}

TEST_CASE("repetitions, components and subcomponents") {
  Message m = load("adt_a01_v251.hl7");
  CHECK(m.get("PID-3(1).1") == "9434765919");
  CHECK(m.get("PID-3(1).4") == "NHS");
  CHECK(m.get("PID-3(1).5") == "NH");
  CHECK(m.get("PID-3(2).1") == "RR8-0012345");
  CHECK(m.get("PID-3(3).1").empty());
  CHECK(m.repetitions(m.first("PID")->field(3)) == 2);
  CHECK(m.get("PID-5.1") == "SMITH");
  CHECK(m.get("PID-5.2") == "MARGARET");
  CHECK(m.get("PID-13(2).1") == "07700 900123");
  CHECK(m.get("DG1(2)-3.2") == "Type 2 diabetes mellitus");
  CHECK(m.get("PD1-3.3") == "B86010");
  CHECK(m.get("ZU1-2") == "COPD-BUNDLE");  // Z-segments are kept
  CHECK(m.get("PV1-99").empty());
}

TEST_CASE("escapes are decoded, and encoded back") {
  Message m = load("oru_r01_v251.hl7");
  CHECK(m.get("NTE-3") == "Sample slightly haemolysed & repeat advised");
  Message d = load("mdm_t02_discharge.hl7");
  CHECK(d.get("OBX-5") ==
        "Admitted with infective exacerbation of COPD.\nStarted furosemide 40 mg OD by GP on 20/11 & continued.\nFollow-up: GP review in 7 days.");
  Delimiters del;
  CHECK(unescape("a\\F\\b\\S\\c\\R\\d\\E\\e\\T\\f", del) == "a|b^c~d\\e&f");
  CHECK(unescape("caf\\XC3A9\\ \\H\\bold\\N\\", del) == "caf\xC3\xA9 bold");
  CHECK(unescape("keep \\Cxxyy\\ and \\Zunknown\\", del) == "keep \\Cxxyy\\ and \\Zunknown\\");
  CHECK(unescape("lone \\ escape", del) == "lone \\ escape");
  CHECK(escape("a|b^c~d\\e&f\ng", del) == "a\\F\\b\\S\\c\\R\\d\\E\\e\\T\\f\\.br\\g");
  CHECK(unescape(escape("|^~\\&\n\r odd", del), del) == "|^~\\&\n\r odd");
}

TEST_CASE("custom delimiters come from MSH-1 and MSH-2") {
  Message m = load("adt_a01_custom_delims.hl7");
  CHECK(m.delims.field == '*');
  CHECK(m.delims.component == ':');
  CHECK(m.delims.repetition == '+');
  CHECK(m.delims.escape == '?');
  CHECK(m.delims.subcomponent == '!');
  CHECK(m.get("PID-3.1") == "9434765919");
  CHECK(m.get("PID-5.1") == "O:BRIEN");  // ?S? is the (custom) component separator, escaped
  CHECK(m.get("PID-11.2") == "Flat 2:front!door");
  CHECK(m.get("PID-11.2.2") == "door");
}

TEST_CASE("segment endings: \\r, \\n and \\r\\n, with blank lines") {
  Message a = load("adt_a04_v23.hl7");
  CHECK(a.segments.size() == 4);
  CHECK(a.structure() == "ADT_A04");  // v2.3 leaves MSH-9.3 out
  Message b = load("adt_a08_crlf.hl7");
  CHECK(b.segments.size() == 4);
  CHECK(b.get("PID-13.1") == "0113 496 0001");
  ParseError err;
  auto c = parse("MSH|^~\\&|A|B|C|D|20260101||ADT^A08|1|P|2.5.1\r\n\r\n\nPID|1||x\n\n", err);
  REQUIRE(c);
  CHECK(c->segments.size() == 2);
}

TEST_CASE("groups follow the message structure") {
  Message m = load("oru_r01_v251.hl7");
  REQUIRE(m.root.groups.size() == 1);
  const Group& result = m.root.groups[0];
  CHECK(result.name == "PATIENT_RESULT");
  REQUIRE(result.groups.size() == 3);  // PATIENT, ORDER_OBSERVATION x2
  CHECK(result.groups[0].name == "PATIENT");
  const Group& order1 = result.groups[1];
  CHECK(order1.name == "ORDER_OBSERVATION");
  CHECK(names(m, order1) == std::vector<std::string>{"ORC", "OBR"});
  REQUIRE(order1.groups.size() == 3);
  CHECK(order1.groups[0].name == "OBSERVATION");
  CHECK(names(m, order1.groups[0]) == std::vector<std::string>{"OBX", "NTE"});
  CHECK(result.groups[2].groups.size() == 1);

  Message adt = load("adt_a01_v251.hl7");
  CHECK(names(m, m.root).front() == "MSH");
  std::vector<std::string> top = names(adt, adt.root);
  CHECK(std::find(top.begin(), top.end(), "ZU1") != top.end());  // Z-segment kept where it appeared

  Message siu = load("siu_s12_appointment.hl7");
  REQUIRE(siu.root.groups.size() == 2);
  CHECK(siu.root.groups[0].name == "PATIENT");
  CHECK(siu.root.groups[1].name == "RESOURCES");
  CHECK(siu.root.groups[1].groups.size() == 3);
}

TEST_CASE("bad input gives a clear error, never an exception") {
  ParseError err;
  CHECK_FALSE(parse(hw_test::read_file(hw_test::data_path("hl7v2/malformed_no_msh.hl7")), err));
  CHECK(err.message == "message does not start with an MSH segment");
  CHECK_FALSE(parse(hw_test::read_file(hw_test::data_path("hl7v2/malformed_bad_encoding.hl7")), err));
  CHECK(err.message.find("MSH-2 must hold 4 or 5 encoding characters") != std::string::npos);
  CHECK_FALSE(parse("", err));
  CHECK(err.message == "message is empty");
  CHECK_FALSE(parse("MSH|^~\\&|A\rPID|1\rpid|2\r", err));
  CHECK(err.message.find("segment 3 does not start with a segment name") != std::string::npos);
  CHECK(err.segment == 3);
  CHECK_FALSE(parse("MSH|^~\\&|A\rMSH|^~\\&|B\r", err));
  CHECK(err.message.find("one message per frame") != std::string::npos);
  CHECK_FALSE(parse("MSH|^^\\&|A\r", err));
  CHECK(err.message.find("used twice") != std::string::npos);
  // Found by the fuzzer: control characters as delimiters, and MSH-2 running into the segment end.
  CHECK_FALSE(parse(std::string("MSH\0^~\\&\0A\r", 12), err));
  CHECK(err.message.find("is not allowed") != std::string::npos);
  auto bare = parse("MSH|^~\\&", err);
  REQUIRE(bare);
  CHECK(parse(encode(*bare), err));
  ParseLimits small;
  small.max_segments = 3;
  CHECK_FALSE(parse(hw_test::read_file(hw_test::data_path("hl7v2/oru_r01_v251.hl7")), err, small));
  CHECK(err.message == "message has more than 3 segments");
  small = {};
  small.max_bytes = 100;
  CHECK_FALSE(parse(hw_test::read_file(hw_test::data_path("hl7v2/oru_r01_v251.hl7")), err, small));
  CHECK(err.message.find("over the limit of 100") != std::string::npos);
  small = {};
  small.max_fields = 10;
  CHECK_FALSE(parse(hw_test::read_file(hw_test::data_path("hl7v2/adt_a01_v251.hl7")), err, small));
  CHECK(err.message.find("more than 10 fields") != std::string::npos);
}

TEST_CASE("encode writes back what was read, for every message of the corpus") {
  for (const std::string& f : hw_test::files_in("hl7v2", ".hl7")) {
    if (f.find("malformed") != std::string::npos) continue;
    CAPTURE(f);
    ParseError err;
    auto m = parse(hw_test::read_file(f), err);
    REQUIRE(m);
    std::string once = encode(*m);
    auto again = parse(once, err);
    REQUIRE(again);
    CHECK(encode(*again) == once);
    REQUIRE(again->segments.size() == m->segments.size());
    for (std::size_t i = 0; i < m->segments.size(); ++i) CHECK(again->segments[i].fields == m->segments[i].fields);
  }
}
