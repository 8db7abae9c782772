#include <doctest/doctest.h>

#include <algorithm>
#include <filesystem>

#include "router/config.hpp"

using namespace hidewire::router;

namespace {
std::vector<std::string> problems_of(const std::string& json) {
  try {
    parse_config(json);
  } catch (const ConfigError& e) {
    return e.problems;
  }
  return {};
}
bool has(const std::vector<std::string>& p, const std::string& line) {
  return std::find(p.begin(), p.end(), line) != p.end();
}
const char* kMinimal = R"({"node": {"name": "n", "ods_code": "X1"}, "sources": [{"name": "s", "type": "mllp-hl7v2", "listen": "127.0.0.1:2575"}],
  "destinations": [{"name": "store", "type": "fhir-store"}], "unmatched": {"destinations": ["store"]}})";
}  // namespace

TEST_CASE("the example node configs load") {
  for (const char* name : {"gp-practice", "acute-hospital", "ambulance-service", "social-care-provider", "local-demo"}) {
    CAPTURE(name);
    NodeConfig c = load_config(std::string(HIDEWIRE_SOURCE_DIR) + "/config/" + name + ".json");
    CHECK_FALSE(c.ods_code.empty());
    CHECK_FALSE(c.sources.empty());
    CHECK_FALSE(c.unmatched_destinations.empty());
  }
  NodeConfig h = load_config(std::string(HIDEWIRE_SOURCE_DIR) + "/config/acute-hospital.json");
  CHECK(h.sources[1].listen.port == 2576);
  CHECK(h.sources[1].max_message_bytes == 4194304);
  CHECK(h.destination("gp-b86010")->retry.max_attempts == 20);
  CHECK(h.destination("gp-b86010")->tls.enabled());
  CHECK(h.routes[1].match.fhirpath.find("interpretation") == 0);
  CHECK(h.api.port == 8443);
}

TEST_CASE("a minimal config gets the defaults") {
  NodeConfig c = parse_config(kMinimal);
  CHECK(c.journal_path == "journal.db");
  CHECK(c.api.host == "127.0.0.1");
  CHECK(c.api.port == 8080);
  CHECK(c.sources[0].type == SourceType::MllpHl7v2);
  CHECK(c.destinations[0].retry.max_attempts == 8);
}

TEST_CASE("every problem is reported with its JSON path") {
  auto p = problems_of(R"({"node": {"name": "n", "ods_code": 7, "colour": "red"},
    "sources": [{"name": "s", "type": "mllp-hl7v2", "listen": "nowhere"}, {"name": "s", "type": "carrier-pigeon"}],
    "destinations": [{"name": "store", "type": "fhir-store", "timeout_ms": -5}, {"name": "web", "type": "http-fhir", "url": "ftp://x"}],
    "routes": [{"name": "r", "match": {"sources": ["nope"], "fhirpath": "status = "}, "destinations": ["store", "missing"]}],
    "unmatched": {"destinations": []}, "extra": true})");
  CHECK(has(p, "$.node.ods_code: expected a string"));
  CHECK(has(p, "$.node.colour: unknown key"));
  CHECK(has(p, "$.sources[0].listen: expected HOST:PORT, got 'nowhere'"));
  CHECK(has(p, "$.sources[1].type: 'carrier-pigeon' is not one of mllp-hl7v2, http-fhir, file-drop"));
  CHECK(has(p, "$.sources[1].name: 's' is used twice"));
  CHECK(has(p, "$.destinations[0].timeout_ms: expected a whole number from 100 to 600000"));
  CHECK(has(p, "$.destinations[1].url: expected an http:// or https:// URL"));
  CHECK(has(p, "$.routes[0].match.sources[0]: no source named 'nope'"));
  CHECK(has(p, "$.routes[0].destinations[1]: no destination named 'missing'"));
  CHECK(has(p, "$.extra: unknown key"));
  bool fhirpath_error = std::any_of(p.begin(), p.end(), [](const std::string& s) {
    return s.rfind("$.routes[0].match.fhirpath: expression ends unexpectedly", 0) == 0;
  });
  CHECK(fhirpath_error);
  CHECK(has(problems_of("{"), "$: invalid JSON: Missing a name for object member. at offset 1"));
  CHECK(has(problems_of("{}"), "$.node: required"));
  CHECK(has(problems_of("{}"), "$.sources: required"));
}
