// The Authenticator as a GP practice's node (B86010) runs it: an ambulance service (RX9, a GP
// Connect consumer) and an acute trust (RXX) as peers over mutual TLS, the practice's own EMIS
// system by certificate, bearer token or JWT, and patients with NHS login-style tokens.
#include <doctest/doctest.h>

#include <algorithm>
#include <functional>
#include <thread>

#include "auth/authenticator.hpp"
#include "auth/jwt.hpp"
#include "tests/auth/support.hpp"

using hidewire::auth::Authenticator;
using hidewire::node::AuthConfig;
using hidewire::node::AuthOutcome;
using hidewire::node::Caller;
using hidewire::node::Credentials;
using hw_auth_test::Claims;
using hw_auth_test::pub;

namespace {

const std::string kAud = "https://hidewire.b86010.nhs.example:8443";
const std::string kLogin = "https://auth.login.nhs.example";
const std::string kEmisToken = "emis-bearer-7Qw9xZ2kLm4Np8Rt";
const std::string kLabToken = "lab-bearer-Hc5Vb1Df6Gj3Kl0P";

AuthConfig practice_config() {
  AuthConfig c;
  c.node_ods = "B86010";
  c.node_kind = "gp-practice";
  c.audience = kAud;
  hidewire::node::PeerAuth amb;
  amb.ods_code = "RX9";
  amb.kind = "ambulance-service";
  amb.jwt_keys = {pub("ambulance")};
  amb.gpconnect_consumer = true;
  amb.roles = {"viewer"};
  hidewire::node::PeerAuth acute;
  acute.ods_code = "RXX";
  acute.kind = "acute-trust";
  acute.jwt_keys = {pub("acute")};
  acute.write_types = {"Encounter", "DiagnosticReport"};
  c.peers = {amb, acute};
  hidewire::node::SystemAuth emis;
  emis.name = "emis-web";
  emis.token_sha256 = hidewire::auth::sha256_hex(kEmisToken);
  emis.cert_cn = "emis.b86010.nhs.example";
  emis.jwt_keys = {pub("emis")};
  emis.roles = {"clinical"};
  emis.write_types = {"*"};
  emis.facilities = {"B86010-EMIS"};
  hidewire::node::SystemAuth lab;
  lab.name = "lab-feed";
  lab.ods_code = "RXX";
  lab.kind = "acute-trust";
  lab.token_sha256 = hidewire::auth::sha256_hex(kLabToken);
  lab.write_types = {"DiagnosticReport", "Observation"};
  c.systems = {emis, lab};
  hidewire::node::IdentityProvider idp;
  idp.issuer = kLogin;
  idp.keys = {pub("login")};
  idp.audience = "hidewire-patient-app";
  c.identity_providers = {idp};
  return c;
}

Authenticator& practice() {
  static Authenticator a(practice_config());
  return a;
}

Credentials peer_cert(const std::string& ods, const std::string& bearer = "") {
  Credentials c;
  c.listener = "FHIR API";
  c.address = "10.20.30.40:51234";
  c.client_cert = true;
  c.cert_cn = "hidewire." + ods + ".nhs.example";
  c.cert_ods = ods;
  if (!bearer.empty()) c.authorization = "Bearer " + bearer;
  return c;
}

Credentials bearer(const std::string& token) {
  Credentials c;
  c.listener = "FHIR API";
  c.address = "127.0.0.1:40000";
  c.authorization = "Bearer " + token;
  return c;
}

void refused(const AuthOutcome& o, int status, const std::string& code, const std::string& says) {
  CHECK_FALSE(o.ok);
  CHECK(o.status == status);
  CHECK(o.code == code);
  CHECK_MESSAGE(o.message.find(says) != std::string::npos, o.message);
}

}  // namespace

TEST_CASE("a peer by mutual TLS: its ODS code from the certificate, its kind and roles from peers[]") {
  AuthOutcome o = practice().authenticate(peer_cert("RX9"));
  REQUIRE(o.ok);
  CHECK(o.caller.kind == Caller::Kind::Peer);
  CHECK(o.caller.id == "RX9");
  CHECK(o.caller.ods_code == "RX9");
  CHECK(o.caller.org_kind == "ambulance-service");
  CHECK(o.caller.roles == std::vector<std::string>{"viewer"});
  CHECK(o.caller.write_types.empty());
  CHECK(o.caller.address == "10.20.30.40:51234");
  CHECK(o.caller.request_id.size() == 36);  // made up: none was sent
  CHECK_FALSE(o.caller.person_present);
}

TEST_CASE("a certificate of an organisation not in peers[] is refused 403") {
  refused(practice().authenticate(peer_cert("RR8")), 403, "forbidden", "not in peers[]");
  Credentials no_ods = peer_cert("");
  refused(practice().authenticate(no_ods), 403, "forbidden", "not in peers[]");
}

TEST_CASE("a local system by client certificate CN or by its bearer token") {
  Credentials cert;
  cert.client_cert = true;
  cert.cert_cn = "emis.b86010.nhs.example";
  cert.request_id = "3f2b8c1e-5d4a-4f6b-9c7d-1e2f3a4b5c6d";
  AuthOutcome by_cert = practice().authenticate(cert);
  REQUIRE(by_cert.ok);
  CHECK(by_cert.caller.kind == Caller::Kind::System);
  CHECK(by_cert.caller.id == "emis-web");
  CHECK(by_cert.caller.ods_code == "B86010");      // the node's, by default
  CHECK(by_cert.caller.org_kind == "gp-practice");
  CHECK(by_cert.caller.facilities == std::vector<std::string>{"B86010-EMIS"});
  CHECK(by_cert.caller.request_id == "3f2b8c1e-5d4a-4f6b-9c7d-1e2f3a4b5c6d");

  AuthOutcome lab = practice().authenticate(bearer(kLabToken));
  REQUIRE(lab.ok);
  CHECK(lab.caller.id == "lab-feed");
  CHECK(lab.caller.ods_code == "RXX");
  CHECK(lab.caller.may_write("DiagnosticReport"));
  CHECK_FALSE(lab.caller.may_write("Patient"));

  refused(practice().authenticate(bearer("emis-bearer-7Qw9xZ2kLm4Np8Rx")), 401, "security", "not the token of any system");
  Credentials basic = bearer("x");
  basic.authorization = "Basic ZW1pczpwYXNzd29yZA==";
  refused(practice().authenticate(basic), 401, "security", "only Bearer");
  // The token never appears in the message.
  CHECK(practice().authenticate(bearer("emis-bearer-7Qw9xZ2kLm4Np8Rx")).message.find("emis-bearer") == std::string::npos);
}

TEST_CASE("a bearer token and a certificate must name the same credential") {
  Credentials cert;
  cert.client_cert = true;
  cert.cert_cn = "emis.b86010.nhs.example";
  cert.authorization = "Bearer " + kEmisToken;
  CHECK(practice().authenticate(cert).ok);
  cert.authorization = "Bearer " + kLabToken;
  refused(practice().authenticate(cert), 403, "forbidden", "different credentials");
  refused(practice().authenticate(peer_cert("RX9", kEmisToken)), 403, "forbidden", "different credentials");
}

TEST_CASE("a person through a peer: ES256 and RS256 JWTs with the audit claims") {
  struct Row {
    const char* peer;
    const char* key;
  };
  for (Row r : {Row{"RX9", "ambulance"}, Row{"RXX", "acute"}}) {
    CAPTURE(r.peer);
    Claims cl("https://ems.rx9.nhs.example", kAud, r.peer);
    std::string jti = cl.d["jti"].GetString();
    AuthOutcome o = practice().authenticate(peer_cert(r.peer, cl.signed_with(r.key)));
    REQUIRE_MESSAGE(o.ok, o.message);
    CHECK(o.caller.kind == Caller::Kind::Peer);
    CHECK(o.caller.ods_code == r.peer);
    CHECK(o.caller.person_present);
    CHECK(o.caller.person.id == "G1234567");
    CHECK(o.caller.person.name == "Chidi Okafor");
    CHECK(o.caller.person.sds_role == "R8000");
    CHECK(o.caller.has_role("R8000"));
    CHECK(o.caller.purpose == "direct-care");
    CHECK(o.caller.scope == "patient/*.read");
    CHECK(o.caller.token_id == jti);
    CHECK_FALSE(o.caller.unsigned_token);
  }
}

TEST_CASE("a person through a local system without a certificate: the JWT's iss names the system") {
  Claims cl("emis-web", kAud, "B86010");
  AuthOutcome o = practice().authenticate(bearer(cl.signed_with("emis")));
  REQUIRE_MESSAGE(o.ok, o.message);
  CHECK(o.caller.kind == Caller::Kind::System);
  CHECK(o.caller.id == "emis-web");
  CHECK(o.caller.person.name == "Chidi Okafor");
  CHECK(o.caller.has_role("clinical"));
  CHECK(o.caller.has_role("R8000"));
  refused(practice().authenticate(bearer(Claims("cerner-millennium", kAud, "B86010").signed_with("emis"))), 401, "security",
          "neither a system");
}

TEST_CASE("purpose of use: reason_for_request, purposeOfUse as a string or coding, and break-glass") {
  struct Row {
    const char* claim;
    const char* json;
    const char* purpose;
  };
  for (Row r : {Row{"reason_for_request", R"("directcare")", "direct-care"}, Row{"purposeOfUse", R"("ETREAT")", "emergency"},
                Row{"purposeOfUse", R"({"system": "http://terminology.hl7.org/CodeSystem/v3-ActReason", "code": "TREAT"})", "direct-care"},
                Row{"purposeOfUse", R"([{"coding": [{"code": "ETREAT"}]}])", "emergency"},
                Row{"reason_for_request", R"("secondaryuse")", "secondary-use"}}) {
    CAPTURE(r.json);
    Claims cl("https://ems.rx9.nhs.example", kAud, "RX9");
    cl.drop("reason_for_request").set_json(r.claim, r.json).set("break_glass_reason", "unconscious patient, no history available");
    AuthOutcome o = practice().authenticate(peer_cert("RX9", cl.signed_with("ambulance")));
    REQUIRE_MESSAGE(o.ok, o.message);
    CHECK(o.caller.purpose == r.purpose);
    CHECK(o.caller.break_glass_reason == "unconscious patient, no history available");
  }
  Claims odd("https://ems.rx9.nhs.example", kAud, "RX9");
  odd.set("reason_for_request", "curiosity");
  refused(practice().authenticate(peer_cert("RX9", odd.signed_with("ambulance"))), 401, "security", "unknown purpose");
}

TEST_CASE("every refusal of a peer's JWT, with its status and code") {
  struct Row {
    const char* what;
    std::function<void(Claims&)> edit;
    const char* key;  // signed with; "" unsigned
    const char* peer;
    int status;
    const char* code;
    const char* says;
  };
  long long t = hw_auth_test::now();
  std::vector<Row> rows = {
      {"expired", [&](Claims& c) { c.set_int("iat", t - 1000).set_int("exp", t - 700); }, "ambulance", "RX9", 401, "expired", "expired at"},
      {"wrong audience", [](Claims& c) { c.set("aud", "https://hidewire.a81001.nhs.example:8443"); }, "ambulance", "RX9", 401, "security", "audience"},
      {"audience array without ours", [](Claims& c) { c.set_json("aud", R"(["https://a.example", "https://b.example"])"); }, "ambulance", "RX9", 401, "security", "audience"},
      {"lifetime over 300 s", [&](Claims& c) { c.set_int("iat", t).set_int("exp", t + 301); }, "ambulance", "RX9", 401, "security", "lifetime 301 s"},
      {"issued in the future", [&](Claims& c) { c.set_int("iat", t + 600).set_int("exp", t + 700); }, "ambulance", "RX9", 401, "security", "future"},
      {"exp before iat", [&](Claims& c) { c.set_int("iat", t).set_int("exp", t - 10); }, "ambulance", "RX9", 401, "security", "exp before iat"},
      {"no exp", [](Claims& c) { c.drop("exp"); }, "ambulance", "RX9", 401, "security", "no exp"},
      {"no iat", [](Claims& c) { c.drop("iat"); }, "ambulance", "RX9", 401, "security", "no iat"},
      {"no aud", [](Claims& c) { c.drop("aud"); }, "ambulance", "RX9", 401, "security", "no aud"},
      {"no iss", [](Claims& c) { c.drop("iss"); }, "ambulance", "RX9", 401, "security", "no iss"},
      {"no jti", [](Claims& c) { c.drop("jti"); }, "ambulance", "RX9", 401, "security", "no jti"},
      {"exp as a string", [](Claims& c) { c.set("exp", "tomorrow"); }, "ambulance", "RX9", 401, "security", "wrong JSON type"},
      {"signed with another key", [](Claims&) {}, "other", "RX9", 401, "security", "signature does not verify"},
      {"signed with the other peer's key", [](Claims& c) { c.set("x", "y"); }, "acute", "RX9", 401, "security", "signature does not verify"},
      {"unsigned from a peer that is not a GP Connect consumer", [](Claims& c) { c.d["requesting_organization"]["identifier"][0]["value"] = "RXX"; }, "", "RXX", 401, "security", "unsigned"},
      {"another organisation than the certificate's", [](Claims& c) { c.d["requesting_organization"]["identifier"][0]["value"] = "RXX"; }, "ambulance", "RX9", 403, "forbidden", "requesting_organization RXX"},
      {"no requesting_organization (it could speak for anyone)", [](Claims& c) { c.drop("requesting_organization"); }, "ambulance", "RX9", 403, "forbidden", "no requesting_organization"},
  };
  for (Row& r : rows) {
    CAPTURE(r.what);
    Claims cl("https://ems.rx9.nhs.example", kAud, "RX9");
    r.edit(cl);
    std::string token = *r.key ? cl.signed_with(r.key) : cl.unsigned_token();
    refused(practice().authenticate(peer_cert(r.peer, token)), r.status, r.code, r.says);
  }
}

TEST_CASE("a jti is accepted once; the audience may be an array holding ours") {
  Claims cl("https://ems.rx9.nhs.example", kAud, "RX9");
  cl.set_json("aud", (R"(["https://spine.example", ")" + kAud + R"("])").c_str());
  std::string token = cl.signed_with("ambulance");
  CHECK(practice().authenticate(peer_cert("RX9", token)).ok);
  refused(practice().authenticate(peer_cert("RX9", token)), 401, "security", "already used");
  // A refused token does not use up its jti: the same jti, now valid, is taken once.
  Claims bad("https://ems.rx9.nhs.example", "https://elsewhere.example", "RX9");
  Claims good("https://ems.rx9.nhs.example", kAud, "RX9");
  good.set("jti", bad.d["jti"].GetString());
  CHECK_FALSE(practice().authenticate(peer_cert("RX9", bad.signed_with("ambulance"))).ok);
  CHECK(practice().authenticate(peer_cert("RX9", good.signed_with("ambulance"))).ok);
}

TEST_CASE("token ids remembered from the audit are refused after a restart") {
  Authenticator fresh(practice_config());
  Claims cl("https://ems.rx9.nhs.example", kAud, "RX9");
  fresh.remember_token_ids({cl.d["jti"].GetString()});
  refused(fresh.authenticate(peer_cert("RX9", cl.signed_with("ambulance"))), 401, "security", "already used");
}

TEST_CASE("GP Connect's unsigned JWT: only from a configured consumer over mutual TLS, and marked") {
  Claims cl("https://ems.rx9.nhs.example", kAud, "RX9");
  AuthOutcome o = practice().authenticate(peer_cert("RX9", cl.unsigned_token()));
  REQUIRE_MESSAGE(o.ok, o.message);
  CHECK(o.caller.unsigned_token);
  CHECK(o.caller.person_present);
  // The same without a certificate (alg none, iss naming a system) is refused.
  Claims sys("emis-web", kAud, "B86010");
  refused(practice().authenticate(bearer(sys.unsigned_token())), 401, "security", "unsigned");
  // An unsigned token still has to be valid otherwise.
  Claims stale("https://ems.rx9.nhs.example", kAud, "RX9");
  stale.set_int("exp", hw_auth_test::now() - 3600).set_int("iat", hw_auth_test::now() - 3700);
  refused(practice().authenticate(peer_cert("RX9", stale.unsigned_token())), 401, "expired", "expired");
}

TEST_CASE("algorithms other than ES256 and RS256 are refused, HS256 with the public key included") {
  Claims cl("emis-web", kAud, "B86010");
  std::string body = hidewire::auth::base64url_encode(cl.json());
  for (const char* header : {R"({"alg":"HS256","typ":"JWT"})", R"({"alg":"ES384","typ":"JWT"})", R"({"alg":"none"})", R"({"alg":"PS256"})"}) {
    CAPTURE(header);
    std::string token = hidewire::auth::base64url_encode(header) + "." + body + "." + hidewire::auth::base64url_encode("signature-bytes");
    AuthOutcome o = practice().authenticate(bearer(token));
    CHECK_FALSE(o.ok);
    CHECK(o.status == 401);
  }
  refused(practice().authenticate(bearer("not.a-jwt.!!")), 401, "security", "base64url");
}

TEST_CASE("a patient by an identity provider's token: the NHS number validated, nothing else granted") {
  struct Row {
    const char* nhs;
    bool ok;
  };
  for (Row r : {Row{"9434765919", true}, Row{"9449306613", true}, Row{"9434765918", false}, Row{"", false}}) {
    CAPTURE(r.nhs);
    Claims cl(kLogin, "hidewire-patient-app", "");
    cl.drop("requesting_practitioner").drop("requesting_organization").drop("reason_for_request");
    if (*r.nhs) cl.set("nhs_number", r.nhs);
    AuthOutcome o = practice().authenticate(bearer(cl.signed_with("login")));
    CHECK(o.ok == r.ok);
    if (r.ok) {
      CHECK(o.caller.kind == Caller::Kind::Patient);
      CHECK(o.caller.nhs_number == r.nhs);
      CHECK(o.caller.purpose == "patient-access");
      CHECK(o.caller.roles.empty());
      CHECK(o.caller.write_types.empty());
    } else {
      refused(o, 401, "security", "not a valid NHS number");
      CHECK(o.message.find("943476591") == std::string::npos);
    }
  }
  Claims node_aud(kLogin, kAud, "");
  node_aud.set("nhs_number", "9000000009");
  CHECK(practice().authenticate(bearer(node_aud.signed_with("login"))).ok);
  Claims wrong_key(kLogin, kAud, "");
  wrong_key.set("nhs_number", "9000000009");
  refused(practice().authenticate(bearer(wrong_key.signed_with("acute"))), 401, "security", "signature");
}

TEST_CASE("no credential: 401 login, unless the development setting allows anonymous callers") {
  Credentials none;
  none.listener = "FHIR API";
  none.address = "127.0.0.1:5555";
  refused(practice().authenticate(none), 401, "login", "authentication required");
  AuthConfig dev = practice_config();
  dev.allow_anonymous = true;
  Authenticator a(dev);
  AuthOutcome o = a.authenticate(none);
  REQUIRE(o.ok);
  CHECK(o.caller.kind == Caller::Kind::Anonymous);
  CHECK(o.caller.roles == std::vector<std::string>{"admin", "viewer", "clinical"});
  CHECK(o.caller.may_write("Patient"));
  CHECK(o.caller.address == "127.0.0.1:5555");
  // A credential still counts when one is given.
  CHECK(a.authenticate(peer_cert("RX9")).caller.kind == Caller::Kind::Peer);
  refused(a.authenticate(bearer("wrong")), 401, "security", "not the token");
}

TEST_CASE("system(NAME): a source's configured system, or refused") {
  AuthOutcome o = practice().system("lab-feed", "file-drop");
  REQUIRE(o.ok);
  CHECK(o.caller.kind == Caller::Kind::System);
  CHECK(o.caller.ods_code == "RXX");
  CHECK(o.caller.address == "file-drop");
  CHECK_FALSE(o.caller.request_id.empty());
  refused(practice().system("tpp-systmone", "127.0.0.1:2575"), 403, "forbidden", "tpp-systmone");
}

TEST_CASE("a key file that cannot be read stops construction, naming it") {
  AuthConfig c = practice_config();
  c.peers[0].jwt_keys = {"/nonexistent/rx9-signing.pub"};
  CHECK_THROWS_WITH_AS(Authenticator{c}, doctest::Contains("/nonexistent/rx9-signing.pub"), std::runtime_error);
  c = practice_config();
  c.identity_providers[0].keys = {hw_auth_test::key_dir() + "/login.key"};
  CHECK_THROWS_WITH_AS(Authenticator{c}, doctest::Contains("private key"), std::runtime_error);
}

TEST_CASE("thread-safe: one token presented from many threads is accepted exactly once") {
  Claims cl("https://ems.rx9.nhs.example", kAud, "RX9");
  std::string token = cl.signed_with("ambulance");
  std::atomic<int> accepted{0};
  std::vector<std::thread> threads;
  for (int i = 0; i < 8; ++i)
    threads.emplace_back([&] {
      if (practice().authenticate(peer_cert("RX9", token)).ok) ++accepted;
    });
  for (auto& t : threads) t.join();
  CHECK(accepted == 1);
}
