// The social-care map files: the built-in ones load, a wrong map is refused naming where it is
// wrong, dates in the senders' patterns, and the converters' settings.
#include <doctest/doctest.h>

#include "plugins/converters/delimited/social_maps.hpp"
#include "plugins/registry.hpp"

using namespace hidewire::plugins;
using social::MapError;

TEST_CASE("the built-in social-care maps load") {
  const auto& m = social::Maps::builtin();
  CHECK(m.maps.size() == 4);
  CHECK(m.codes.lookup("condition", "dementia")->code == "52448006");
  CHECK(m.codes.lookup("service", "text:Befriending") == nullptr);
}

TEST_CASE("a wrong map is refused with the JSON path of the problem") {
  auto refused = [](const std::string& json) {
    try {
      social::load_social_map(json, "m.json");
    } catch (const MapError& e) {
      return std::string(e.what());
    }
    return std::string();
  };
  std::string base = R"("name": "x", "format": "delimited", "council": {"ods": "X1", "name": "X"})";
  CHECK(refused("{" + base + R"(, "columns": [{"column": "Id", "key": "person.identity"}]})").find("columns[0].key") != std::string::npos);
  CHECK(refused("{" + base + R"(, "columns": [{"column": "Sex", "key": "person.gender", "values": "sex"}]})").find("no table 'sex'") != std::string::npos);
  CHECK(refused("{" + base + R"(, "columns": [{"column": "Name", "key": "person.family"}]})").find("person_key") != std::string::npos);
  CHECK(refused("{" + base + R"(, "header": false, "columns": [{"column": "Id", "key": "person.id"}]})").find("position") != std::string::npos);
  CHECK(refused(R"({"name": "x", "format": "csv"})").find("format") != std::string::npos);
  CHECK(refused("{" + base + R"(, "columns": [{"column": "Id", "key": "person.id"}]})").empty());
}

TEST_CASE("dates in the senders' patterns") {
  CHECK(social::social_date("04/09/1936", "dd/MM/yyyy") == "1936-09-04");
  CHECK(social::social_date("19410322", "yyyyMMdd") == "1941-03-22");
  CHECK(social::social_date("2026-06-02", "") == "2026-06-02");
  CHECK(social::social_date("2026-06-02T10:00:00Z", "") == "2026-06-02");
  CHECK(social::social_date("31/11/2026", "dd/MM/yyyy").empty());
  CHECK(social::social_date("29/02/2025", "dd/MM/yyyy").empty());
  CHECK(social::social_date("29/02/2024", "dd/MM/yyyy") == "2024-02-29");
  CHECK(social::social_date("4/9/1936", "dd/MM/yyyy").empty());
}

TEST_CASE("converter settings: an unknown map or a source naming none is a configuration problem") {
  CHECK_THROWS_WITH_AS(make_converter("delimited", R"({"maps": ["nobody"]})"), doctest::Contains("nobody"), std::runtime_error);
  CHECK_THROWS_WITH_AS(make_converter("delimited", R"({"source_maps": [{"source": "a", "map": "prsb-la-record"}]})"),
                       doctest::Contains("prsb-la-record"), std::runtime_error);
  CHECK_THROWS_WITH_AS(make_converter("prsb-xml", R"({"map_files": ["/nonexistent/map.json"]})"), doctest::Contains("cannot be read"),
                       std::runtime_error);
  CHECK(make_converter("delimited", R"({"maps": ["mosaic-kirklees"]})") != nullptr);
}
