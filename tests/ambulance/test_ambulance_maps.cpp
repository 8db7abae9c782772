// The ambulance maps as data: the built-in ones load; a map that names what the report model
// does not have, or a table it does not define, is refused with its JSON path; vendor date
// patterns become FHIR dateTimes in UK local time.
#include <doctest/doctest.h>

#include "plugins/converters/ambulance/ambulance_converter.hpp"
#include "plugins/converters/ambulance/epr_map.hpp"

using namespace hidewire::plugins::ambulance;

namespace {

std::string load_error(const std::string& json) {
  try {
    load_vendor_map(json, "test.json");
  } catch (const MapError& e) {
    return e.what();
  }
  return {};
}

}  // namespace

TEST_CASE("the built-in maps load, one per vendor") {
  const Maps& m = Maps::builtin();
  REQUIRE(m.vendors.size() == 2);
  CHECK(m.vendors[0].name == "clinix");
  CHECK(m.vendors[1].name == "medaxis");
  CHECK(m.codes.observations.at("respiratory_rate").code.at(1).code == "9279-1");
  CHECK(m.codes.news2.at("pulse").score("131", false) == 3);
  CHECK(m.codes.news2.at("spo2_scale_2").score("95", true) == 2);
  CHECK(m.codes.news2.at("spo2_scale_2").score("95", false) == 0);
  CHECK(m.codes.news2.at("temperature").score("36.0", false) == 1);
  CHECK(m.codes.news2.at("temperature").score("36.1", false) == 0);
}

TEST_CASE("a wrong vendor map is refused with the JSON path of the problem") {
  CHECK(load_error(R"({"vendor": "x", "format": "json", "schema_key": "s", "schema_prefix": "p", "fields": {"patient.religion": "r"}})") ==
        "test.json: $.fields.patient.religion: not an item of the report model");
  CHECK(load_error(R"({"vendor": "x", "format": "xml", "root": "R", "fields": {"patient.gender": {"path": "G", "values": "sex"}}})") ==
        "test.json: $.fields.patient.gender.values: no value table 'sex'");
  CHECK(load_error(R"({"vendor": "x", "format": "csv", "fields": {}})") == "test.json: $.format: json or xml");
  CHECK(load_error(R"({"vendor": "x", "format": "xml", "fields": {}})") == "test.json: $.root: required");
  CHECK(load_error(R"({"vendor": "x", "format": "xml", "root": "R", "fields": {}, "lists": {"vitals": {"path": "V", "fields": {}}}})") ==
        "test.json: $.lists.vitals: not a list of the report model");
}

TEST_CASE("vendor dates: ISO 8601 or day-first patterns, UK local time when no zone is given") {
  CHECK(vendor_date("03/12/2026 09:14:05", "dd/MM/yyyy HH:mm:ss", false) == "2026-12-03T09:14:05+00:00");
  CHECK(vendor_date("03/07/2026 09:14", "dd/MM/yyyy HH:mm:ss", false) == "2026-07-03T09:14:00+01:00");  // BST, seconds left off
  CHECK(vendor_date("22/09/1959", "dd/MM/yyyy", true) == "1959-09-22");
  CHECK(vendor_date("31/13/2026 25:19", "dd/MM/yyyy HH:mm:ss", false).empty());
  CHECK(vendor_date("2026-12-03T08:41:12Z", "", false) == "2026-12-03T08:41:12Z");
  CHECK(vendor_date("2026-07-03T08:41:12", "", false) == "2026-07-03T08:41:12+01:00");
  CHECK(vendor_date("yesterday", "", false).empty());
}
