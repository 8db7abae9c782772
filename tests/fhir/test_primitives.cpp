#include <doctest/doctest.h>

#include "fhir/primitives.hpp"

using namespace hidewire::fhir;

namespace {
struct Case {
  const char* type;
  const char* value;
  bool valid;
};

// Valid and invalid values per R4 type, boundaries included.
constexpr Case kCases[] = {
    {"boolean", "true", true}, {"boolean", "false", true}, {"boolean", "True", false}, {"boolean", "1", false},
    {"integer", "0", true}, {"integer", "-7", true}, {"integer", "2147483647", true}, {"integer", "-2147483648", true},
    {"integer", "2147483648", false}, {"integer", "-2147483649", false}, {"integer", "007", false},
    {"integer", "1.0", false}, {"integer", "-0", false}, {"integer", "+5", false},
    {"positiveInt", "1", true}, {"positiveInt", "+1", true}, {"positiveInt", "0", false}, {"positiveInt", "-1", false},
    {"unsignedInt", "0", true}, {"unsignedInt", "2147483647", true}, {"unsignedInt", "2147483648", false},
    {"unsignedInt", "-1", false},
    {"decimal", "0", true}, {"decimal", "-0.5", true}, {"decimal", "1.50", true}, {"decimal", "1e3", true},
    {"decimal", "1.0E-245", true}, {"decimal", "01", false}, {"decimal", ".5", false}, {"decimal", "1.", false},
    {"decimal", "1e", false}, {"decimal", "NaN", false}, {"decimal", "1,5", false},
    {"date", "2024", true}, {"date", "2024-02", true}, {"date", "2024-02-29", true}, {"date", "2023-02-29", false},
    {"date", "1900-02-29", false}, {"date", "2000-02-29", true}, {"date", "2024-13", false}, {"date", "2024-00", false},
    {"date", "2024-04-31", false}, {"date", "0000", false}, {"date", "24-01-01", false}, {"date", "2024-01-01T10:00:00Z", false},
    {"dateTime", "2024", true}, {"dateTime", "2024-05-06", true}, {"dateTime", "2024-05-06T10:30:00Z", true},
    {"dateTime", "2024-05-06T10:30:00.123+01:00", true}, {"dateTime", "2024-05-06T10:30:00-14:00", true},
    {"dateTime", "2024-05-06T10:30:00+14:01", false}, {"dateTime", "2024-05-06T10:30:00", false},
    {"dateTime", "2024-05-06T10:30Z", false}, {"dateTime", "2024-05-06T24:00:00Z", false},
    {"dateTime", "2024-05-06T23:59:60Z", true}, {"dateTime", "2024-05T10:30:00Z", false},
    {"dateTime", "2024-05-06 10:30:00Z", false}, {"dateTime", "2024-05-06T10:30:00.Z", false},
    {"instant", "2015-02-07T13:28:17.239+02:00", true}, {"instant", "2015-02-07T13:28:17Z", true},
    {"instant", "2015-02-07", false}, {"instant", "2015-02-07T13:28:17", false},
    {"time", "13:28:17", true}, {"time", "13:28:17.5", true}, {"time", "13:28", false}, {"time", "25:00:00", false},
    {"time", "13:28:17Z", false},
    {"id", "a-b.C9", true}, {"id", "a b", false}, {"id", "a_b", false},
    {"id", "1234567890123456789012345678901234567890123456789012345678901234", true},
    {"id", "12345678901234567890123456789012345678901234567890123456789012345", false},
    {"code", "final", true}, {"code", "entered in-error", true}, {"code", " final", false}, {"code", "final ", false},
    {"code", "a  b", false}, {"code", "a\tb", false},
    {"uri", "http://example.org/fhir", true}, {"uri", "urn:oid:1.2.3", true}, {"uri", "http://x y", false},
    {"canonical", "http://hl7.org/fhir/ValueSet/x|4.0.1", true}, {"url", "http://a b", false},
    {"oid", "urn:oid:1.2.840.10008", true}, {"oid", "urn:oid:3.1", false}, {"oid", "urn:oid:1.02", false},
    {"oid", "1.2.3", false}, {"oid", "urn:oid:1.2.", false},
    {"uuid", "urn:uuid:c757873d-ec9a-4326-a141-556f43239520", true},
    {"uuid", "urn:uuid:C757873D-EC9A-4326-A141-556F43239520", false}, {"uuid", "c757873d-ec9a-4326-a141-556f43239520", false},
    {"uuid", "urn:uuid:c757873d-ec9a-4326-a141-556f4323952", false},
    {"base64Binary", "aGVsbG8=", true}, {"base64Binary", "aGVs bG8=", true}, {"base64Binary", "aGVsbG8", false},
    {"base64Binary", "aG=sbG8=", false}, {"base64Binary", "aGVs*G8=", false},
    {"string", "hello", true}, {"string", "  ", true}, {"string", "line\nbreak", true}, {"string", "bell\x07", false},
    {"markdown", "# title", true},
};
}  // namespace

TEST_CASE("R4 primitive lexical rules") {
  for (const Case& c : kCases) {
    CAPTURE(c.type);
    CAPTURE(c.value);
    Primitive p = primitive_kind(c.type);
    REQUIRE(p != Primitive::NotPrimitive);
    std::string problem = check_primitive(p, c.value);
    CHECK_MESSAGE(problem.empty() == c.valid, problem);
  }
}

TEST_CASE("every type: empty values are errors") {
  for (const char* t : {"string", "code", "date", "boolean", "decimal", "uri", "id"})
    CHECK(check_primitive(primitive_kind(t), "").find("empty") != std::string::npos);
}

TEST_CASE("messages say what is wrong") {
  CHECK(check_primitive(Primitive::Date, "2023-02-29") == "not a valid date: '2023-02-29' (day 29 does not exist in 2023-02)");
  CHECK(check_primitive(Primitive::PositiveInt, "0") == "not a valid positiveInt: '0' (must be at least 1)");
  CHECK(check_primitive(Primitive::DateTime, "2024-05-06T10:30:00").find("needs a timezone") != std::string::npos);
}

TEST_CASE("type names and JSON kinds") {
  CHECK(primitive_kind("dateTime") == Primitive::DateTime);
  CHECK(primitive_kind("Quantity") == Primitive::NotPrimitive);
  CHECK(primitive_name(Primitive::UnsignedInt) == "unsignedInt");
  CHECK(is_json_number(Primitive::Decimal));
  CHECK(is_json_number(Primitive::PositiveInt));
  CHECK_FALSE(is_json_number(Primitive::String));
  CHECK(is_json_bool(Primitive::Boolean));
  CHECK_FALSE(is_json_bool(Primitive::Code));
}
