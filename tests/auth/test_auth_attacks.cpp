// A hostile caller's tokens against the Authenticator: a JWT naming itself into a node role
// through its SDS job role, NumericDates at the edge of long long (the lifetime check wrapped),
// and X-Request-IDs carrying newlines, quotes or a megabyte into logs and AuditEvents.
#include <doctest/doctest.h>

#include <cstdint>
#include <limits>

#include "auth/authenticator.hpp"
#include "auth/request_id.hpp"
#include "tests/auth/support.hpp"

using hidewire::auth::Authenticator;
using hidewire::node::AuthConfig;
using hidewire::node::AuthOutcome;
using hidewire::node::Credentials;
using hw_auth_test::Claims;
using hw_auth_test::pub;

namespace {

const std::string kAud = "https://hidewire.rxx.nhs.example";

Authenticator& trust() {
  static Authenticator a([] {
    AuthConfig c;
    c.node_ods = "RXX";
    c.node_kind = "acute-trust";
    c.audience = kAud;
    hidewire::node::PeerAuth amb;
    amb.ods_code = "RX9";
    amb.kind = "ambulance-service";
    amb.jwt_keys = {pub("ambulance")};
    c.peers = {amb};
    hidewire::node::SystemAuth epr;
    epr.name = "epr";
    epr.jwt_keys = {pub("emis")};
    epr.roles = {"clinical"};
    epr.cert_cn = "epr.rxx.nhs.example";
    c.systems = {epr};
    return c;
  }());
  return a;
}

Credentials peer(const std::string& token, const std::string& request_id = "") {
  Credentials c;
  c.listener = "FHIR API";
  c.address = "10.0.0.9:40000";
  c.client_cert = true;
  c.cert_ods = "RX9";
  c.authorization = "Bearer " + token;
  c.request_id = request_id;
  return c;
}

Claims with_role(const char* iss, const char* ods, const std::string& role) {
  Claims cl(iss, kAud, ods);
  cl.d["requesting_practitioner"]["identifier"][2]["value"].SetString(role.c_str(), cl.d.GetAllocator());
  return cl;
}

}  // namespace

TEST_CASE("a JWT's SDS job role joins the roles only as an SDS code: never admin, viewer or clinical") {
  for (const char* role : {"admin", "viewer", "clinical", "Admin"}) {
    CAPTURE(role);
    AuthOutcome o = trust().authenticate(peer(with_role("https://rx9.example", "RX9", role).signed_with("ambulance")));
    REQUIRE_MESSAGE(o.ok, o.message);
    CHECK_FALSE(o.caller.has_role(role));
    CHECK(o.caller.person.sds_role == role);  // still said in the audit
    Credentials sys;
    sys.authorization = "Bearer " + with_role("epr", "RXX", role).signed_with("emis");
    AuthOutcome s = trust().authenticate(sys);
    REQUIRE_MESSAGE(s.ok, s.message);
    CHECK(s.caller.roles == std::vector<std::string>{"clinical"});
  }
  AuthOutcome o = trust().authenticate(peer(with_role("https://rx9.example", "RX9", "R8000").signed_with("ambulance")));
  REQUIRE(o.ok);
  CHECK(o.caller.has_role("R8000"));
}

TEST_CASE("NumericDates at the edge of long long are refused: no lifetime check wrapped round") {
  constexpr long long kMax = std::numeric_limits<long long>::max();
  struct Row {
    long long iat, exp;
  };
  for (Row r : {Row{-1000, kMax - 100}, Row{-1, hw_auth_test::now() + 60}, Row{hw_auth_test::now(), kMax}}) {
    CAPTURE(r.iat);
    CAPTURE(r.exp);
    Claims cl("https://rx9.example", kAud, "RX9");
    cl.set_int("iat", r.iat).set_int("exp", r.exp);
    AuthOutcome o = trust().authenticate(peer(cl.signed_with("ambulance")));
    CHECK_FALSE(o.ok);
    CHECK(o.status == 401);
  }
  Claims huge("https://rx9.example", kAud, "RX9");
  huge.set_json("exp", "1e300");
  CHECK_FALSE(trust().authenticate(peer(huge.signed_with("ambulance"))).ok);
  Claims frac("https://rx9.example", kAud, "RX9");  // a fraction is still a NumericDate
  frac.set_json("exp", std::to_string(hw_auth_test::now() + 100.5).c_str());
  CHECK(trust().authenticate(peer(frac.signed_with("ambulance"))).ok);
}

TEST_CASE("an X-Request-ID that is not a plain token is replaced by the node's own") {
  for (std::string bad : {std::string("a\nlevel=error msg=forged"), std::string("x\",\"agent\":\"RX9"), std::string(70, 'a'), std::string("a b"),
                          std::string("a\r\nSet-Cookie: x=1")}) {
    CAPTURE(bad);
    CHECK(hidewire::auth::safe_request_id(bad).empty());
    AuthOutcome o = trust().authenticate(peer(Claims("https://rx9.example", kAud, "RX9").signed_with("ambulance"), bad));
    REQUIRE(o.ok);
    CHECK(o.caller.request_id != bad);
    CHECK(o.caller.request_id.size() == 36);
  }
  AuthOutcome o = trust().authenticate(peer(Claims("https://rx9.example", kAud, "RX9").signed_with("ambulance"), "amb-0001:req.7_x"));
  REQUIRE(o.ok);
  CHECK(o.caller.request_id == "amb-0001:req.7_x");
}

TEST_CASE("a system's certificate CN on a certificate naming another organisation is not that system") {
  Credentials c;
  c.client_cert = true;
  c.cert_cn = "epr.rxx.nhs.example";
  c.cert_ods = "X55";  // a member of the same community CA, not in peers[]
  AuthOutcome o = trust().authenticate(c);
  CHECK_FALSE(o.ok);
  CHECK(o.status == 403);
  c.cert_ods = "RXX";  // the node's own organisation: the system
  o = trust().authenticate(c);
  REQUIRE_MESSAGE(o.ok, o.message);
  CHECK(o.caller.id == "epr");
  c.cert_ods.clear();  // no ODS code at all: the CN decides
  CHECK(trust().authenticate(c).ok);
}
