#include <doctest/doctest.h>

#include <algorithm>
#include <filesystem>

#include "node/config.hpp"
#include "plugins/registry.hpp"

using namespace hidewire::node;
using hidewire::plugins::builtin;

namespace {
std::vector<std::string> problems_of(const std::string& json) {
  try {
    parse_config(json, builtin());
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
    NodeConfig c = load_config(std::string(HIDEWIRE_SOURCE_DIR) + "/config/" + name + ".json", builtin());
    CHECK_FALSE(c.ods_code.empty());
    CHECK_FALSE(c.sources.empty());
    CHECK_FALSE(c.unmatched_destinations.empty());
  }
  NodeConfig h = load_config(std::string(HIDEWIRE_SOURCE_DIR) + "/config/acute-hospital.json", builtin());
  CHECK(h.sources[1].type == "mllp-hl7v2");
  CHECK(h.destination("gp-b86010")->type == "http-fhir");
  CHECK(h.routes[1].match.fhirpath.find("interpretation") == 0);
  CHECK(h.api.listen.port == 8443);
  // Every TLS file named, with its JSON path, for the check before start.
  CHECK(std::any_of(h.tls_files.begin(), h.tls_files.end(), [](const std::string& f) { return f.rfind("$.api.tls.cert\t", 0) == 0; }));
}

TEST_CASE("a minimal config gets the defaults") {
  NodeConfig c = parse_config(kMinimal, builtin());
  CHECK(c.api.listen.host == "127.0.0.1");
  CHECK(c.api.listen.port == 8080);
  CHECK(c.sources[0].type == "mllp-hl7v2");
  CHECK(c.sources[0].build);
  CHECK(c.journal);  // sqlite, allow-all and every converter unless the config says otherwise
  CHECK(c.store);
  CHECK(c.access);
  CHECK(c.converters.count("hl7v2") == 1);
  CHECK(c.converters.count("fhir") == 1);
  CHECK(c.converters.count("ambulance") == 1);
}

TEST_CASE("converters.ambulance names only vendor maps it has") {
  auto p = problems_of(R"({"node": {"name": "n", "ods_code": "RX9"}, "sources": [{"name": "s", "type": "file-drop", "directory": "/tmp/x", "format": "ambulance"}],
    "converters": {"ambulance": {"vendors": ["clinix", "terrafix"], "colour": "red"}},
    "destinations": [{"name": "store", "type": "fhir-store"}], "unmatched": {"destinations": ["store"]}})");
  CHECK_MESSAGE(has(p, "$.converters.ambulance.vendors: no ePR vendor map named 'terrafix' (known: clinix, medaxis)"), p.size());
  CHECK(std::any_of(p.begin(), p.end(), [](const std::string& l) { return l.rfind("$.converters.ambulance.colour", 0) == 0; }));
}

TEST_CASE("a file drop's format names a registered converter") {
  auto p = problems_of(R"({"node": {"name": "n", "ods_code": "RX9"}, "sources": [{"name": "s", "type": "file-drop", "directory": "/tmp/x", "format": "csv"}],
    "destinations": [{"name": "store", "type": "fhir-store"}], "unmatched": {"destinations": ["store"]}})");
  CHECK_MESSAGE(has(p, "$.sources[0].format: 'csv' is not one of ambulance, cda, fhir, fhir-stu3, hl7v2"), p.size());
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
  CHECK(has(p, "$.sources[1].type: 'carrier-pigeon' is not one of file-drop, http-fhir, mllp-hl7v2"));
  CHECK(has(p, "$.sources[1].name: 's' is used twice"));
  CHECK(has(p, "$.destinations[0].timeout_ms: unknown key"));  // the store has no timeout: no plugin reads it
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

TEST_CASE("a setting no plugin reads stops start-up with its JSON path") {
  // An MLLP source has no url; a file destination has no tls; the store no retry.
  auto p = problems_of(R"({"node": {"name": "n", "ods_code": "X1"},
    "sources": [{"name": "s", "type": "mllp-hl7v2", "listen": "127.0.0.1:2575", "url": "http://x"}],
    "destinations": [{"name": "store", "type": "fhir-store", "retry": {"max_attempts": 3}},
                     {"name": "out", "type": "file", "directory": "out", "tls": {"cert": "c", "key": "k"}},
                     {"name": "peer", "type": "mllp", "target": "127.0.0.1:2600", "timeout_ms": 5}],
    "unmatched": {"destinations": ["store"]}})");
  CHECK(has(p, "$.sources[0].url: unknown key"));
  CHECK(has(p, "$.destinations[0].retry: unknown key"));
  CHECK(has(p, "$.destinations[1].tls: unknown key"));
  CHECK(has(p, "$.destinations[2].timeout_ms: expected a whole number from 100 to 600000"));
  CHECK(has(problems_of(R"({"node": {"name": "n", "ods_code": "X1"}, "journal": {"type": "tape"},
    "sources": [], "destinations": [], "unmatched": {"destinations": []}})"), "$.journal.type: 'tape' is not one of sqlite"));
  CHECK(has(problems_of(R"({"node": {"name": "n", "ods_code": "X1"}, "converters": {"hl7v2": {"maps": "x"}},
    "sources": [], "destinations": [], "unmatched": {"destinations": []}})"), "$.converters.hl7v2.maps: unknown key"));
}

TEST_CASE("log: level and format, info and text by default, other values and keys refused") {
  NodeConfig d = parse_config(kMinimal, builtin());
  CHECK(d.log_level == hidewire::log::Level::Info);
  CHECK(d.log_format == hidewire::log::Format::Text);
  std::string minimal = kMinimal;
  auto with_log = [&](const std::string& log) { return "{\"log\": " + log + "," + minimal.substr(1); };
  NodeConfig c = parse_config(with_log(R"({"level": "debug", "format": "json"})"), builtin());
  CHECK(c.log_level == hidewire::log::Level::Debug);
  CHECK(c.log_format == hidewire::log::Format::Json);
  auto p = problems_of(with_log(R"({"level": "verbose", "format": "xml", "file": "node.log"})"));
  CHECK(has(p, "$.log.level: 'verbose' is not one of debug, info, warn, error"));
  CHECK(has(p, "$.log.format: 'xml' is not one of text, json"));
  CHECK(has(p, "$.log.file: unknown key"));
}

TEST_CASE("listener limits are settings of each listener, checked with their JSON path") {
  auto ok = problems_of(R"({"node": {"name": "n", "ods_code": "X1"},
    "api": {"limits": {"max_connections": 64, "idle_timeout_ms": 60000}},
    "sources": [{"name": "s", "type": "mllp-hl7v2", "listen": "127.0.0.1:2575",
                 "limits": {"max_connections": 200, "handshake_timeout_ms": 5000, "read_timeout_ms": 10000}}],
    "destinations": [{"name": "store", "type": "fhir-store"}], "unmatched": {"destinations": ["store"]}})");
  CHECK(ok.empty());
  NodeConfig c = parse_config(R"({"node": {"name": "n", "ods_code": "X1"}, "admin": {"limits": {"max_connections": 8}},
    "sources": [], "destinations": [], "unmatched": {"destinations": []}})", builtin());
  CHECK(c.admin.limits.max_connections == 8);
  CHECK(c.api.limits.max_connections == 1024);  // the default
  auto p = problems_of(R"({"node": {"name": "n", "ods_code": "X1"},
    "sources": [{"name": "s", "type": "http-fhir", "listen": "127.0.0.1:2580", "limits": {"max_connections": 0, "idle": 5}}],
    "destinations": [], "unmatched": {"destinations": []}})");
  CHECK(has(p, "$.sources[0].limits.max_connections: expected a whole number from 1 to 1000000"));
  CHECK(has(p, "$.sources[0].limits.idle: unknown key"));
}

TEST_CASE("an MLLP source's system without client certificates listens on loopback only") {
  auto off_host = problems_of(R"({"node": {"name": "n", "ods_code": "RXX"}, "systems": [{"name": "pas", "token_sha256": "0000000000000000000000000000000000000000000000000000000000000000"}],
    "sources": [{"name": "pas", "type": "mllp-hl7v2", "listen": "0.0.0.0:2575", "system": "pas"}],
    "destinations": [{"name": "store", "type": "fhir-store"}], "unmatched": {"destinations": ["store"]}})");
  bool said = false;
  for (const auto& line : off_host)
    said = said || line.rfind("$.sources[0].system: a source's system without client certificates (tls.ca) must listen on loopback", 0) == 0;
  CHECK(said);
  auto on_loopback = problems_of(R"({"node": {"name": "n", "ods_code": "RXX"}, "systems": [{"name": "pas", "token_sha256": "0000000000000000000000000000000000000000000000000000000000000000"}],
    "sources": [{"name": "pas", "type": "mllp-hl7v2", "listen": "127.0.0.1:2575", "system": "pas"}],
    "destinations": [{"name": "store", "type": "fhir-store"}], "unmatched": {"destinations": ["store"]}})");
  CHECK(on_loopback.empty());
}
