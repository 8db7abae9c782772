// The credentials part of the node's config: peers' credentials, systems[], identity_providers[],
// node.kind and node.audience, development.allow_anonymous; every problem with its JSON path.
#include <doctest/doctest.h>

#include <algorithm>

#include "auth/jwt.hpp"
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
bool has(const std::vector<std::string>& p, const std::string& line) { return std::find(p.begin(), p.end(), line) != p.end(); }

// A GP practice's node with the rest of the config minimal; `extra` is spliced in at the top level.
std::string practice(const std::string& extra, const std::string& node_extra = "") {
  return R"({"node": {"name": "beeston", "ods_code": "B86010", "kind": "gp-practice")" + node_extra + R"(},
    "sources": [{"name": "s", "type": "mllp-hl7v2", "listen": "127.0.0.1:2575"}],
    "destinations": [{"name": "store", "type": "fhir-store"}], "unmatched": {"destinations": ["store"]})" +
         (extra.empty() ? "" : ", " + extra) + "}";
}

const std::string kEmisHash = "5f1c7e0b6a9d4e2f8c3b1a0d9e8f7a6b5c4d3e2f1a0b9c8d7e6f5a4b3c2d1e0f";

}  // namespace

TEST_CASE("credentials read into NodeConfig::auth, with the node's defaults") {
  NodeConfig c = parse_config(practice(R"(
    "peers": [{"ods_code": "RX9", "url": "https://hidewire.rx9.nhs.example/fhir", "kind": "ambulance-service",
               "jwt_keys": ["/etc/hidewire/keys/rx9.pub"], "gpconnect_consumer": true, "roles": ["viewer"]},
              {"ods_code": "RXX", "kind": "acute-trust", "write_types": ["Encounter"]}],
    "systems": [{"name": "emis-web", "token_sha256": ")" + kEmisHash + R"(", "roles": ["clinical"], "write_types": ["*"],
                 "facilities": ["B86010-EMIS"]},
                {"name": "lab-feed", "ods_code": "RXX", "kind": "acute-trust", "cert_cn": "lab.rxx.nhs.example", "write_types": ["DiagnosticReport"]}],
    "identity_providers": [{"issuer": "https://auth.login.nhs.example", "keys": ["/etc/hidewire/keys/nhs-login.pub"], "audience": "patient-app"}],
    "development": {"allow_anonymous": true})"),
                              builtin());
  const AuthConfig& a = c.auth;
  CHECK(a.node_ods == "B86010");
  CHECK(a.node_kind == "gp-practice");
  CHECK(a.audience == "http://127.0.0.1:8080");  // the FHIR API's base URL by default
  CHECK(a.allow_anonymous);
  REQUIRE(a.peers.size() == 2);
  CHECK(c.peers.size() == 2);
  CHECK(a.peers[0].ods_code == "RX9");
  CHECK(a.peers[0].kind == "ambulance-service");
  CHECK(a.peers[0].gpconnect_consumer);
  CHECK(a.peers[0].jwt_keys == std::vector<std::string>{"/etc/hidewire/keys/rx9.pub"});
  CHECK(a.peers[0].roles == std::vector<std::string>{"viewer"});
  CHECK_FALSE(a.peers[1].gpconnect_consumer);
  CHECK(a.peers[1].write_types == std::vector<std::string>{"Encounter"});
  CHECK(c.peers[1].url.empty());  // a peer that only calls this node needs no URL
  REQUIRE(a.systems.size() == 2);
  CHECK(a.systems[0].ods_code == "B86010");
  CHECK(a.systems[0].kind == "gp-practice");
  CHECK(a.systems[0].token_sha256 == kEmisHash);
  CHECK(a.systems[0].facilities == std::vector<std::string>{"B86010-EMIS"});
  CHECK(a.systems[1].ods_code == "RXX");
  CHECK(a.systems[1].cert_cn == "lab.rxx.nhs.example");
  REQUIRE(a.identity_providers.size() == 1);
  CHECK(a.identity_providers[0].nhs_number_claim == "nhs_number");
  CHECK(a.identity_providers[0].audience == "patient-app");
}

TEST_CASE("the audience: node.audience, else the API's URL (https under TLS)") {
  CHECK(parse_config(practice("", R"(, "audience": "https://hidewire.b86010.nhs.example/fhir")"), builtin()).auth.audience ==
        "https://hidewire.b86010.nhs.example/fhir");
  NodeConfig tls = parse_config(practice(R"("api": {"listen": "0.0.0.0:8443", "tls": {"cert": "node.crt", "key": "node.key"}})"), builtin());
  CHECK(tls.auth.audience == "https://0.0.0.0:8443");
  NodeConfig plain = parse_config(practice(""), builtin());
  CHECK_FALSE(plain.auth.allow_anonymous);
  CHECK(plain.auth.systems.empty());
}

TEST_CASE("every credentials problem is reported with its JSON path") {
  auto p = problems_of(practice(R"(
    "peers": [{"ods_code": "RX9", "url": "https://a.example/fhir", "kind": "spaceship", "gpconnect_consumer": "yes"},
              {"ods_code": "RX9", "url": "https://b.example/fhir", "jwt_keys": "rx9.pub"}],
    "systems": [{"name": "emis-web", "token_sha256": "abc123"},
                {"name": "emis-web", "cert_cn": "emis.b86010.nhs.example", "colour": "blue"},
                {"name": "tpp"},
                {"name": "lab", "cert_cn": "emis.b86010.nhs.example"},
                {"cert_cn": "x"}],
    "identity_providers": [{"issuer": "lab", "keys": []}, {"keys": ["k.pub"]}],
    "development": {"allow_anonymous": 1, "debug": true})"));
  CAPTURE(p);
  CHECK(has(p, "$.peers[0].kind: 'spaceship' is not one of acute-trust, ambulance-service, care-home, community, gp-practice, nhs-111, social-care, voluntary"));
  CHECK(has(p, "$.peers[0].gpconnect_consumer: expected true or false"));
  CHECK(has(p, "$.peers[1].jwt_keys: expected an array of strings"));
  CHECK(has(p, "$.peers[1].ods_code: 'RX9' is used twice"));
  CHECK(has(p, "$.systems[0].token_sha256: expected the 64 hex digits of a SHA-256 (hidewire token secret prints one)"));
  CHECK(has(p, "$.systems[1].colour: unknown key"));
  CHECK(has(p, "$.systems[1].name: 'emis-web' is used twice"));
  CHECK(has(p, "$.systems[2]: a system needs a credential: token_sha256, cert_cn or jwt_keys"));
  CHECK(has(p, "$.systems[3].cert_cn: 'emis.b86010.nhs.example' is used twice"));
  CHECK(has(p, "$.systems[4].name: required"));
  CHECK(has(p, "$.identity_providers[0].keys: at least one PEM public key file"));
  CHECK(has(p, "$.identity_providers[0].issuer: 'lab' is also a system's name"));
  CHECK(has(p, "$.identity_providers[1].issuer: required"));
  CHECK(has(p, "$.development.allow_anonymous: expected true or false"));
  CHECK(has(p, "$.development.debug: unknown key"));
  std::string hospital = practice("");
  hospital.replace(hospital.find("gp-practice"), 11, "hospital");
  CHECK(has(problems_of(hospital), "$.node.kind: 'hospital' is not one of acute-trust, ambulance-service, care-home, community, gp-practice, nhs-111, social-care, voluntary"));
}

TEST_CASE("token hashes are kept lower-case, so the comparison does not depend on how they were pasted") {
  std::string upper = kEmisHash;
  std::transform(upper.begin(), upper.end(), upper.begin(), ::toupper);
  NodeConfig c = parse_config(practice(R"("systems": [{"name": "emis-web", "token_sha256": ")" + upper + R"("}])"), builtin());
  CHECK(c.auth.systems[0].token_sha256 == kEmisHash);
}

TEST_CASE("the example configs: real systems[] and peers with kinds; only local-demo allows anonymous callers") {
  struct Row {
    const char* name;
    const char* system;
    const char* example_token;  // documented in the system's _comment
  };
  for (Row r : {Row{"gp-practice", "practice-manager", "example-b86010-practice-manager-token"},
                Row{"acute-hospital", "integration-team", "example-rr8-integration-team-token"},
                Row{"ambulance-service", "epcr", "example-rx8-epcr-token"},
                Row{"social-care-provider", "case-system", "example-8jf33-case-system-token"}}) {
    CAPTURE(r.name);
    NodeConfig c = load_config(std::string(HIDEWIRE_SOURCE_DIR) + "/config/" + r.name + ".json", builtin());
    CHECK_FALSE(c.auth.allow_anonymous);
    CHECK_FALSE(c.auth.node_kind.empty());
    REQUIRE_FALSE(c.auth.peers.empty());
    for (const PeerAuth& p : c.auth.peers) CHECK_FALSE(p.kind.empty());
    auto s = std::find_if(c.auth.systems.begin(), c.auth.systems.end(), [&](const SystemAuth& x) { return x.name == r.system; });
    REQUIRE(s != c.auth.systems.end());
    CHECK(s->token_sha256 == hidewire::auth::sha256_hex(r.example_token));
  }
  CHECK(load_config(std::string(HIDEWIRE_SOURCE_DIR) + "/config/local-demo.json", builtin()).auth.allow_anonymous);
}
