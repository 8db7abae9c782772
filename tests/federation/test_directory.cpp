// The directory: peers[] with their kind, endpoint and TLS; the federation section; and the
// registered GP found in this node's own store.
#include <doctest/doctest.h>
#include <unistd.h>

#include <filesystem>

#include "federation/directory.hpp"
#include "plugins/registry.hpp"
#include "plugins/stores/sqlite/fhir_store.hpp"
#include "tests/federation/gp_record.hpp"

using namespace hidewire;
using namespace hidewire::federation;

namespace {

std::string config(const std::string& peers, const std::string& federation = R"("federation": {"jwt_key": "/keys/rx9.key", "deadline_ms": 2500},)") {
  return R"({"node": {"name": "North West Ambulance Service", "ods_code": "RX9", "kind": "ambulance-service"}, )" + federation +
         R"("peers": [)" + peers + R"(], "sources": [], "destinations": [{"name": "store", "type": "fhir-store"}], "unmatched": {"destinations": ["store"]}})";
}

const char* kPeers =
    R"({"ods_code": "A81001", "kind": "gp-practice", "url": "https://gp.leeds-road.example:8443/", "tls": {"cert": "/pki/rx9.crt", "key": "/pki/rx9.key", "ca": "/pki/community-ca.crt"}},
       {"ods_code": "RXX", "kind": "acute-trust", "url": "https://fhir.northshire.example", "tls": {"cert": "/pki/rx9.crt", "key": "/pki/rx9.key", "ca": "/pki/northshire-ca.crt"}, "jwt_keys": []},
       {"ods_code": "X77", "kind": "community"})";

std::vector<std::string> problems_of(const std::string& text) {
  try {
    node::parse_config(text, plugins::builtin());
  } catch (const node::ConfigError& e) {
    return e.problems;
  }
  return {};
}

}  // namespace

TEST_CASE("directory: peers[] with a url, their kind from the credentials, the TLS to reach each") {
  node::NodeConfig cfg = node::parse_config(config(kPeers), plugins::builtin());
  CHECK(cfg.federation.enabled);
  CHECK(cfg.federation.jwt_key == "/keys/rx9.key");
  CHECK(cfg.federation.deadline_ms == 2500);
  CHECK(cfg.federation.keep == "none");
  Directory dir = Directory::from_config(cfg);
  REQUIRE(dir.peers().size() == 2);  // X77 only calls this node
  const Peer* gp = dir.find("A81001");
  REQUIRE(gp);
  CHECK(gp->kind == "gp-practice");
  CHECK(gp->url == "https://gp.leeds-road.example:8443");  // no trailing slash: fullUrls are url + "/Type/id"
  CHECK(gp->tls.cert_file == "/pki/rx9.crt");
  CHECK(gp->tls.ca_file == "/pki/community-ca.crt");
  CHECK(dir.find("RXX")->tls.ca_file == "/pki/northshire-ca.crt");
  CHECK(dir.find("X77") == nullptr);
  CHECK(gp->describe() == "A81001 (gp-practice)");
}

TEST_CASE("directory: without a federation section the default deadline and nothing served") {
  node::NodeConfig cfg = node::parse_config(config(kPeers, ""), plugins::builtin());
  CHECK_FALSE(cfg.federation.enabled);
  CHECK(cfg.federation.deadline_ms == 3000);
}

TEST_CASE("directory: federation only over mutual TLS with the peer's CA, to https URLs, each peer once") {
  auto p = problems_of(config(R"({"ods_code": "A81001", "url": "http://gp.example", "tls": {"cert": "a", "key": "b", "ca": "c"}},
                                  {"ods_code": "RXX", "url": "https://acute.example", "tls": {"cert": "a", "key": "b"}},
                                  {"ods_code": "RX8", "url": "https://acute.example/", "tls": {"cert": "a", "key": "b", "ca": "c"}})"));
  REQUIRE(p.size() == 3);
  CHECK(p[0] == "$.peers[0].url: federation asks peers over https:// only");
  CHECK(p[1].rfind("$.peers[1].tls: federation needs", 0) == 0);
  CHECK(p[2] == "$.peers[2].url: 'https://acute.example/' is another peer's too");
  auto q = problems_of(config(kPeers, R"("federation": {"deadline_ms": 50, "keep": "all", "colour": 1},)"));
  REQUIRE(q.size() == 4);
  CHECK(q[0] == "$.federation.jwt_key: required");
  CHECK(q[1].rfind("$.federation.deadline_ms", 0) == 0);
  CHECK(q[2].rfind("$.federation.keep", 0) == 0);
  CHECK(q[3].rfind("$.federation.colour", 0) == 0);
}

TEST_CASE("directory: a GP Connect provider (ASID, token kind), this node's ASID and the patients it follows") {
  const std::string provider =
      R"({"ods_code": "B82099", "kind": "gp-practice", "url": "https://gpc.example/B82099", "tls": {"cert": "/pki/rx9.crt", "key": "/pki/rx9.key", "ca": "/pki/spine-ca.crt"},
          "gpconnect_provider": {"asid": "918999198993", "token": "unsigned"}})";
  node::NodeConfig cfg = node::parse_config(
      config(provider, R"("federation": {"jwt_key": "/k.key", "asid": "200000001115", "follow": {"interval_s": 60, "nhs_numbers": ["9733001007"]}},)"),
      plugins::builtin());
  Directory dir = Directory::from_config(cfg);
  REQUIRE(dir.peers().size() == 1);
  CHECK(dir.peers()[0].gpconnect());
  CHECK(dir.peers()[0].gpc_asid == "918999198993");
  CHECK(dir.peers()[0].gpc_unsigned);
  CHECK(cfg.federation.asid == "200000001115");
  CHECK(cfg.federation.follow_interval_s == 60);
  CHECK(cfg.federation.follow == std::vector<std::string>{"9733001007"});
  // A provider needs this node's ASID; the token kind is signed or unsigned; followed NHS numbers are valid ones.
  auto p = problems_of(config(provider, R"("federation": {"jwt_key": "/k.key"},)"));
  REQUIRE(p.size() == 1);
  CHECK(p[0].find("federation.asid") != std::string::npos);
  auto q = problems_of(config(R"({"ods_code": "B82099", "url": "https://gpc.example", "tls": {"cert": "a", "key": "b", "ca": "c"}, "gpconnect_provider": {"token": "none"}})",
                              R"("federation": {"jwt_key": "/k.key", "asid": "1", "follow": {"nhs_numbers": ["1234567890"]}},)"));
  std::string all;
  for (const auto& s : q) all += s + "\n";
  CHECK(all.find("asid") != std::string::npos);
  CHECK(all.find("token") != std::string::npos);
  CHECK(all.find("Modulus 11") != std::string::npos);
}

TEST_CASE("directory: the registered GP from this node's own store, by ODS identifier or Organization") {
  auto dir = std::filesystem::temp_directory_path() / ("hw-fed-dir-" + std::to_string(::getpid()));
  std::filesystem::create_directories(dir);
  {
    plugins::SqliteFhirStore store((dir / "fhir.db").string());
    // From an HL7 v2 ADT's PD1-3: the practice by its ODS code.
    store.create(R"({"resourceType":"Patient",)" + hw_fed_test::patient_body("9449306613", "A81001") + "}");
    // From a FHIR sender: the practice as an Organization resource.
    auto org = store.create(R"({"resourceType":"Organization","identifier":[{"system":"https://fhir.nhs.uk/Id/ods-organization-code","value":"B82005"}],"name":"Moorside Medical Practice"})");
    store.create(R"({"resourceType":"Patient","identifier":[{"system":"https://fhir.nhs.uk/Id/nhs-number","value":"9434765919"}],"generalPractitioner":[{"reference":"Organization/)" +
                 org.id + R"("}]})");
    store.create(R"({"resourceType":"Patient","identifier":[{"system":"https://fhir.nhs.uk/Id/nhs-number","value":"9691914948"}]})");
    CHECK(registered_gp_in_store(store, "9449306613") == "A81001");
    CHECK(registered_gp_in_store(store, "9434765919") == "B82005");
    CHECK(registered_gp_in_store(store, "9691914948").empty());  // no practice named: found by asking the peers
    CHECK(registered_gp_in_store(store, "9449310394").empty());  // not known here
  }
  std::filesystem::remove_all(dir);
}
