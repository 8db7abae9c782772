// Every official R4 example validates with zero errors and survives JSON->XML->JSON and
// XML->JSON->XML without loss.
#include <doctest/doctest.h>

#include <algorithm>

#include "fhir/codec.hpp"
#include "fhir/validator.hpp"
#include "tests/fhir/canonical.hpp"
#include "tests/fhir/errata.hpp"
#include "tests/fhir/test_support.hpp"

using namespace hidewire::fhir;

namespace {
std::string describe(const Diagnostics& d) {
  std::string out;
  for (const Issue& i : d.issues())
    if (i.severity == Severity::Error || i.severity == Severity::Fatal) out += "  " + i.location + ": " + i.message + "\n";
  return out;
}

// One format and the other: how to read and write each, and how to compare documents.
struct Format {
  const char* ext;
  bool (*parse)(std::string_view, const Schema&, Node&, Diagnostics&, const ParseLimits&);
  std::string (*write)(const Node&, const WriteOptions&);
  std::string (*canonical)(std::string_view);
};
const Format kJson{".json", parse_json, write_json, hw_test::canonical_json};
const Format kXml{".xml", parse_xml, write_xml, hw_test::canonical_xml};

// Every example in `from` validates (but for known errata) and survives from -> to -> from.
void validate_and_round_trip(const Format& from, const Format& to, std::size_t at_least) {
  const Schema& schema = Schema::r4();
  auto files = hw_test::files_in("fhir-r4-examples", from.ext);
  REQUIRE(files.size() >= at_least);
  for (const std::string& f : files) {
    CAPTURE(f);
    std::string text = hw_test::read_file(f);
    Node root;
    Diagnostics d;
    REQUIRE_MESSAGE(from.parse(text, schema, root, d, {}), describe(d));
    validate(root, schema, d);
    Diagnostics unexpected = hw_test::unexpected_errors(f, d);
    CHECK_MESSAGE(unexpected.error_count() == 0, describe(unexpected));

    std::string other = to.write(root, {});
    Node back;
    Diagnostics d2;
    REQUIRE_MESSAGE(to.parse(other, schema, back, d2, {}), describe(d2));
    CHECK_MESSAGE(d2.error_count() == 0, describe(d2));
    CHECK(from.canonical(from.write(back, {})) == from.canonical(text));
  }
}
}  // namespace

TEST_CASE("official JSON examples validate and round-trip through XML") { validate_and_round_trip(kJson, kXml, 60); }

TEST_CASE("official XML examples validate and round-trip through JSON") { validate_and_round_trip(kXml, kJson, 10); }

TEST_CASE("XML and JSON renditions of the same example read to the same content") {
  const Schema& schema = Schema::r4();
  // observation-example and observation-decimal are left out: their official JSON and XML files
  // differ (an extra extension; decimals written as 1.0e0 in one and 1.0 in the other).
  for (std::string base : {"patient-example", "organization-1", "condition-example"}) {
    CAPTURE(base);
    Node from_json, from_xml;
    Diagnostics d;
    REQUIRE(parse_json(hw_test::read_file(hw_test::data_path("fhir-r4-examples/" + base + ".json")), schema, from_json, d));
    REQUIRE(parse_xml(hw_test::read_file(hw_test::data_path("fhir-r4-examples/" + base + ".xml")), schema, from_xml, d));
    // The narrative markup may differ in formatting between the two official files; compare the rest.
    auto strip_div = [](Node& n) {
      if (Node* text = n.child("text")) std::erase_if(text->children, [](const Node& c) { return c.is_xhtml; });
    };
    strip_div(from_json);
    strip_div(from_xml);
    CHECK(hw_test::canonical_json(write_json(from_json)) == hw_test::canonical_json(write_json(from_xml)));
  }
}

TEST_CASE("decimals keep their exact digits in both directions") {
  const Schema& schema = Schema::r4();
  std::string text = R"({"resourceType":"Observation","status":"final","code":{"text":"x"},)"
                     R"("valueQuantity":{"value":0.0000000000000000000000012300}})";
  Node root;
  Diagnostics d;
  REQUIRE(parse_json(text, schema, root, d));
  std::string xml = write_xml(root);
  CHECK(xml.find("value=\"0.0000000000000000000000012300\"") != std::string::npos);
  Node back;
  REQUIRE(parse_xml(xml, schema, back, d));
  CHECK(write_json(back).find("\"value\":0.0000000000000000000000012300") != std::string::npos);
  for (std::string v : {"1.0", "1.00", "1e3", "-0.5", "100"}) {
    std::string t = R"({"resourceType":"Observation","status":"final","code":{"text":"x"},"valueQuantity":{"value":)" + v + "}}";
    Node r;
    REQUIRE(parse_json(t, schema, r, d));
    CHECK(write_json(r).find("\"value\":" + v + "}") != std::string::npos);
  }
}

TEST_CASE("primitive extensions, ids and nulls in primitive arrays survive both formats") {
  const Schema& schema = Schema::r4();
  std::string text = R"({"resourceType":"Patient","name":[{"given":["Ann",null,"Lee"],)"
                     R"("_given":[null,{"extension":[{"url":"http://example.org/x","valueString":"hidden"}]},{"id":"g3"}]}],)"
                     R"("birthDate":"1941-03-02","_birthDate":{"id":"bd","extension":[{"url":"http://hl7.org/fhir/StructureDefinition/patient-birthTime","valueDateTime":"1941-03-02T14:35:45-05:00"}]}})";
  Node root;
  Diagnostics d;
  REQUIRE(parse_json(text, schema, root, d));
  CHECK(d.error_count() == 0);
  std::string xml = write_xml(root);
  CHECK(xml.find("<given><extension url=\"http://example.org/x\">") != std::string::npos);
  CHECK(xml.find("<given id=\"g3\" value=\"Lee\"/>") != std::string::npos);
  CHECK(xml.find("<birthDate id=\"bd\" value=\"1941-03-02\"><extension") != std::string::npos);
  Node back;
  REQUIRE(parse_xml(xml, schema, back, d));
  CHECK(hw_test::canonical_json(write_json(back)) == hw_test::canonical_json(text));
}

TEST_CASE("attribute values keep tabs and newlines") {
  const Schema& schema = Schema::r4();
  std::string text = "{\"resourceType\":\"Patient\",\"name\":[{\"text\":\"a\\tb\\nc \\\"q\\\" <&>\"}]}";
  Node root;
  Diagnostics d;
  REQUIRE(parse_json(text, schema, root, d));
  std::string xml = write_xml(root);
  CHECK(xml.find("value=\"a&#9;b&#10;c &quot;q&quot; &lt;&amp;&gt;\"") != std::string::npos);
  Node back;
  REQUIRE(parse_xml(xml, schema, back, d));
  CHECK(hw_test::canonical_json(write_json(back)) == hw_test::canonical_json(text));
}

TEST_CASE("a transaction Bundle with contained resources round-trips and is validated entry by entry") {
  const Schema& schema = Schema::r4();
  std::string text = hw_test::read_file(hw_test::data_path("hidewire/transaction-bundle-uk.json"));
  Node root;
  Diagnostics d;
  REQUIRE(parse_json(text, schema, root, d));
  validate(root, schema, d);
  CHECK_MESSAGE(d.error_count() == 0, describe(d));
  std::string xml = write_xml(root);
  CHECK(xml.find("<entry><fullUrl value=\"urn:uuid:2b0c4d1e-5c1a-4f6e-9b1a-0d3c2e4f5a61\"/><resource><Patient>") != std::string::npos);
  CHECK(xml.find("<contained><Location><id value=\"ward\"/>") != std::string::npos);
  CHECK(xml.find("<value value=\"61.50\"/>") != std::string::npos);
  Node back;
  REQUIRE(parse_xml(xml, schema, back, d));
  CHECK(hw_test::canonical_json(write_json(back)) == hw_test::canonical_json(text));
  CHECK(hw_test::canonical_xml(write_xml(back)) == hw_test::canonical_xml(xml));

  // The same Bundle with a bad entry: the location names the entry and the element.
  std::string bad = text;
  bad.replace(bad.find("\"status\": \"final\""), 17, "\"status\": \"done\"");
  bad.replace(bad.find("9434765919\"\n"), 10, "9434765918");
  Node broken;
  Diagnostics d2;
  REQUIRE(parse_json(bad, schema, broken, d2));
  validate(broken, schema, d2);
  std::string all = describe(d2);
  CHECK_MESSAGE(all.find("Bundle.entry[2].resource.status: the value 'done' is not in the required value set") != std::string::npos, all);
  CHECK_MESSAGE(all.find("Bundle.entry[0].resource.identifier[0].value: NHS number 9434765918 fails the Modulus 11 check") != std::string::npos, all);
}
