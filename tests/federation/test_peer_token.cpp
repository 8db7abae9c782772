// The JWT this node signs for each peer, checked by the holder's own Authenticator exactly as a
// peer's node checks it: mutual TLS names this node, the token is signed with the key the peer
// lists for it, and the person's claims arrive as the caller's own token had them.
#include <doctest/doctest.h>
#include <rapidjson/document.h>
#include <unistd.h>

#include <filesystem>

#include "auth/authenticator.hpp"
#include "auth/jwt.hpp"
#include "federation/peer_token.hpp"
#include "tests/federation/requester.hpp"

using namespace hidewire;
using namespace hidewire::federation;

namespace {

struct Keys {
  std::filesystem::path dir = std::filesystem::temp_directory_path() / ("hw-fed-token-" + std::to_string(::getpid()));
  Keys() {
    std::filesystem::create_directories(dir);
    auth::generate_key_pair("ES256", (dir / "rx9").string());
    auth::generate_key_pair("RS256", (dir / "rx9-rsa").string());
    auth::generate_key_pair("ES256", (dir / "other").string());
  }
  ~Keys() { std::filesystem::remove_all(dir); }
  std::string file(const char* name) const { return (dir / name).string(); }
};

const Keys& keys() {
  static Keys k;
  return k;
}

// The ambulance service's clinician, as this node authenticated them from the ePR's own JWT.
node::Caller paramedic() { return hw_fed_test::paramedic("9b1f0c2e-6a4b-4c8e-9d1a-7e2f3b4c5d6e"); }

// The GP practice's node: it knows RX9 by its certificate and the key RX9 signs with.
node::AuthConfig holder(const std::string& pub, const std::string& audience = "https://gp.leeds-road.example:8443") {
  node::AuthConfig a;
  a.node_ods = "A81001";
  a.node_kind = "gp-practice";
  a.audience = audience;
  a.peers.push_back({"RX9", "ambulance-service", {pub}, false, {}, {}});
  return a;
}

node::Credentials over_mtls(const std::string& token) {
  node::Credentials c;
  c.listener = "FHIR API";
  c.address = "10.2.3.4:51234";
  c.client_cert = true;
  c.cert_cn = "rx9-node";
  c.cert_ods = "RX9";
  c.authorization = "Bearer " + token;
  c.request_id = "9b1f0c2e-6a4b-4c8e-9d1a-7e2f3b4c5d6e";
  return c;
}

}  // namespace

TEST_CASE("peer token: the holder's Authenticator takes it and sees the person, their role, purpose and scope") {
  for (const char* name : {"rx9", "rx9-rsa"}) {
    auth::Key key = auth::load_key(keys().file((std::string(name) + ".key").c_str()));
    TokenIssuer is{&key, "https://rx9.nwas.example:8443", "RX9", "North West Ambulance Service", 300};
    node::Caller c = paramedic();
    c.break_glass_reason = "unconscious patient, no carer present";
    std::string token = mint_peer_token(is, c, "https://gp.leeds-road.example:8443");
    auth::Authenticator holder_auth(holder(keys().file((std::string(name) + ".pub").c_str())));
    node::AuthOutcome o = holder_auth.authenticate(over_mtls(token));
    REQUIRE_MESSAGE(o.ok, o.message);
    CHECK(o.caller.kind == node::Caller::Kind::Peer);
    CHECK(o.caller.ods_code == "RX9");
    CHECK(o.caller.org_kind == "ambulance-service");
    CHECK(o.caller.person_present);
    CHECK(o.caller.person.id == "G1234567");
    CHECK(o.caller.person.name == "Chidi Okafor");
    CHECK(o.caller.person.sds_role == "R8000");
    CHECK(o.caller.has_role("R8000"));
    CHECK(o.caller.purpose == "emergency");
    CHECK(o.caller.scope == "patient/*.read");
    CHECK(o.caller.break_glass_reason == "unconscious patient, no carer present");
    CHECK(o.caller.request_id == "9b1f0c2e-6a4b-4c8e-9d1a-7e2f3b4c5d6e");
    CHECK_FALSE(o.caller.token_id.empty());
    // The same token again is a replay.
    CHECK_FALSE(holder_auth.authenticate(over_mtls(token)).ok);
  }
}

TEST_CASE("peer token: claims as GP Connect's audit JWT, a fresh jti each, at most 300 s") {
  auth::Key key = auth::load_key(keys().file("rx9.key"));
  TokenIssuer is{&key, "https://rx9.nwas.example:8443", "RX9", "North West Ambulance Service", 600};
  node::Caller c = paramedic();
  c.purpose = "direct-care";
  std::string a = mint_peer_token(is, c, "https://acute.example"), b = mint_peer_token(is, c, "https://acute.example");
  std::string err;
  auto ja = auth::parse_jwt(a, err), jb = auth::parse_jwt(b, err);
  REQUIRE(ja);
  REQUIRE(jb);
  rapidjson::Document da, db;
  da.Parse(ja->claims_json.c_str());
  db.Parse(jb->claims_json.c_str());
  CHECK(ja->alg == "ES256");
  CHECK(std::string(da["jti"].GetString()) != db["jti"].GetString());
  CHECK(da["exp"].GetInt64() - da["iat"].GetInt64() == 300);  // capped whatever the issuer asks
  CHECK(std::string(da["aud"].GetString()) == "https://acute.example");
  CHECK(std::string(da["iss"].GetString()) == "https://rx9.nwas.example:8443");
  CHECK(std::string(da["sub"].GetString()) == "G1234567");
  CHECK(std::string(da["reason_for_request"].GetString()) == "directcare");
  CHECK(std::string(da["requesting_organization"]["identifier"][0]["value"].GetString()) == "RX9");
  CHECK(std::string(da["requesting_practitioner"]["name"][0]["family"].GetString()) == "Okafor");
  CHECK(std::string(da["requesting_practitioner"]["name"][0]["given"][0].GetString()) == "Chidi");
  CHECK_FALSE(da.HasMember("break_glass_reason"));
}

TEST_CASE("peer token: the holder refuses one meant for another node, or signed with a key it does not list") {
  auth::Key key = auth::load_key(keys().file("rx9.key"));
  TokenIssuer is{&key, "https://rx9.nwas.example:8443", "RX9", "North West Ambulance Service", 300};
  auth::Authenticator gp(holder(keys().file("rx9.pub")));
  node::AuthOutcome wrong_aud = gp.authenticate(over_mtls(mint_peer_token(is, paramedic(), "https://acute.example")));
  CHECK_FALSE(wrong_aud.ok);
  CHECK(wrong_aud.message.find("audience") != std::string::npos);
  auth::Authenticator other(holder(keys().file("other.pub")));
  node::AuthOutcome wrong_key = other.authenticate(over_mtls(mint_peer_token(is, paramedic(), "https://gp.leeds-road.example:8443")));
  CHECK_FALSE(wrong_key.ok);
  CHECK(wrong_key.message.find("signature") != std::string::npos);
}
