#include <doctest/doctest.h>

#include "hl7v2/ack.hpp"
#include "tests/fhir/test_support.hpp"

using namespace hidewire::hl7v2;

namespace {
AckOptions opts(std::string text = {}) {
  AckOptions o;
  o.control_id = "ACK-1";
  o.timestamp = "20261124091503";
  o.text = std::move(text);
  return o;
}
}  // namespace

TEST_CASE("AA swaps sender and receiver and echoes MSH-10 in MSA-2") {
  ParseError err;
  auto m = parse(hw_test::read_file(hw_test::data_path("hl7v2/adt_a01_v251.hl7")), err);
  REQUIRE(m);
  std::string ack = build_ack(*m, AckCode::AA, {}, opts());
  auto a = parse(ack, err);
  REQUIRE_MESSAGE(a, err.message);
  CHECK(a->get("MSH-3") == "HIDEWIRE");
  CHECK(a->get("MSH-4") == "LTHT");
  CHECK(a->get("MSH-5") == "PAS");
  CHECK(a->get("MSH-6.1") == "RR8");
  CHECK(a->get("MSH-9") == "ACK^A01^ACK");
  CHECK(a->get("MSH-10") == "ACK-1");
  CHECK(a->get("MSH-12") == "2.5.1");
  CHECK(a->get("MSA-1") == "AA");
  CHECK(a->get("MSA-2") == "MSG00001");
  CHECK(a->all("ERR").empty());
}

TEST_CASE("AE carries one ERR segment per problem") {
  ParseError err;
  auto m = parse(hw_test::read_file(hw_test::data_path("hl7v2/adt_a01_bad_nhs.hl7")), err);
  REQUIRE(m);
  AckError e{"PID^1^3^1^1", kDataTypeError, 'E', "NHS number 9434765918 fails the Modulus 11 check | check digit"};
  std::string ack = build_ack(*m, AckCode::AE, {e}, opts("Content error"));
  auto a = parse(ack, err);
  REQUIRE(a);
  CHECK(a->get("MSA-1") == "AE");
  CHECK(a->get("MSA-2") == "MSG00099");
  CHECK(a->get("MSA-3") == "Content error");
  CHECK(a->get("ERR-2.1") == "PID");
  CHECK(a->get("ERR-2.3") == "3");
  CHECK(a->get("ERR-3.1") == "102");
  CHECK(a->get("ERR-3.3") == "HL70357");
  CHECK(a->get("ERR-4") == "E");
  CHECK(a->get("ERR-8") == "NHS number 9434765918 fails the Modulus 11 check | check digit");  // escaped \F\ on the wire
}

TEST_CASE("AR for unreadable frames still answers with what can be read") {
  ParseError err;
  std::string raw = "MSH|^~\\&|LAB|RR8|HIDEWIRE|LTHT|20261124||ORU^R01|LAB-1|P|2.4\rPID|1\rbad segment\r";
  REQUIRE_FALSE(parse(raw, err));
  std::string ack = build_reject(raw, err, opts());
  auto a = parse(ack, err);
  REQUIRE(a);
  CHECK(a->get("MSA-1") == "AR");
  CHECK(a->get("MSA-2") == "LAB-1");
  CHECK(a->get("MSH-9") == "ACK^R01^ACK");
  CHECK(a->get("ERR-3.1") == "100");
  CHECK(a->get("ERR-8").find("segment 3") != std::string::npos);

  ParseError err2;
  std::string garbage = "this is not HL7 at all";
  REQUIRE_FALSE(parse(garbage, err2));
  auto g = parse(build_reject(garbage, err2, opts()), err);
  REQUIRE(g);
  CHECK(g->get("MSA-1") == "AR");
  CHECK(g->get("MSA-2").empty());
}
