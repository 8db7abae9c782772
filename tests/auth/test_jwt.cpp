// The JWT layer: base64url (RFC 4648 section 5), splitting, key checks, signing and verifying
// with libjwt, and the replay cache's bound.
#include <doctest/doctest.h>
#include <jwt.h>
#include <openssl/evp.h>
#include <openssl/pem.h>

#include <filesystem>

#include "auth/claims.hpp"
#include "auth/jwt.hpp"
#include "auth/replay_cache.hpp"
#include "tests/auth/support.hpp"

using namespace hidewire::auth;

TEST_CASE("base64url: the RFC 4648 vectors, without padding, and refusals") {
  struct Row {
    const char* plain;
    const char* encoded;
  };
  for (Row r : {Row{"", ""}, Row{"f", "Zg"}, Row{"fo", "Zm8"}, Row{"foo", "Zm9v"}, Row{"foob", "Zm9vYg"}, Row{"fooba", "Zm9vYmE"},
                Row{"foobar", "Zm9vYmFy"}, Row{"\xfb\xff", "-_8"}}) {
    CAPTURE(r.plain);
    CHECK(base64url_encode(r.plain) == r.encoded);
    CHECK(base64url_decode(r.encoded) == std::string(r.plain));
  }
  CHECK_FALSE(base64url_decode("Zm9v="));  // padding is not base64url
  CHECK_FALSE(base64url_decode("+/8"));
  CHECK_FALSE(base64url_decode("Z"));
}

TEST_CASE("parse_jwt: three parts, a JSON header with alg, JSON claims") {
  std::string err;
  std::string h = base64url_encode(R"({"alg":"ES256","typ":"JWT"})"), c = base64url_encode(R"({"iss":"emis-web"})");
  auto j = parse_jwt(h + "." + c + ".c2ln", err);
  REQUIRE(j);
  CHECK(j->alg == "ES256");
  CHECK(j->claims_json == R"({"iss":"emis-web"})");
  CHECK_FALSE(j->empty_signature);
  CHECK(parse_jwt(h + "." + c + ".", err)->empty_signature);
  for (std::string bad : {h + "." + c, h + "." + c + ".x.y", base64url_encode("[1]") + "." + c + ".", base64url_encode(R"({"typ":"JWT"})") + "." + c + ".",
                          h + "." + base64url_encode("\"text\"") + "."}) {
    CAPTURE(bad);
    CHECK_FALSE(parse_jwt(bad, err));
    CHECK_FALSE(err.empty());
  }
}

TEST_CASE("sign and verify, ES256 and RS256; the key decides the algorithm") {
  for (const char* name : {"ambulance", "acute"}) {
    CAPTURE(name);
    Key k = hw_auth_test::priv(name);
    CHECK(k.is_private);
    std::string token = sign_jwt(R"({"iss":"https://ems.rx9.nhs.example","jti":"a1"})", &k);
    Key pk = load_key(hw_auth_test::pub(name));
    CHECK_FALSE(pk.is_private);
    CHECK(pk.alg == k.alg);
    CHECK(verify_jwt(token, pk));
    CHECK_FALSE(verify_jwt(token, load_key(hw_auth_test::pub("other"))));
    // One changed claim breaks the signature.
    std::string err;
    auto j = parse_jwt(token, err);
    std::size_t a = token.find('.'), b = token.rfind('.');
    std::string forged = token.substr(0, a + 1) + base64url_encode(R"({"iss":"https://ems.rx9.nhs.example","jti":"a2"})") + token.substr(b);
    CHECK_FALSE(verify_jwt(forged, pk));
  }
  Key es = hw_auth_test::priv("ambulance");
  CHECK(es.alg == "ES256");
  CHECK(hw_auth_test::priv("acute").alg == "RS256");
  // ES256 signatures are JWS's raw r || s (64 bytes), not DER.
  std::string t = sign_jwt(R"({"a":1})", &es);
  CHECK(base64url_decode(t.substr(t.rfind('.') + 1))->size() == 64);
  // Unsigned: alg none and an empty third part; it never verifies.
  std::string u = sign_jwt(R"({"a":1})", nullptr);
  CHECK(u.back() == '.');
  CHECK_FALSE(verify_jwt(u, load_key(hw_auth_test::pub("ambulance"))));
}

TEST_CASE("HS256 signed with the public key's PEM as the secret does not verify (algorithm confusion)") {
  Key pk = load_key(hw_auth_test::pub("acute"));
  jwt_t* j = nullptr;
  REQUIRE(jwt_new(&j) == 0);
  jwt_add_grant(j, "iss", "lab-feed");
  REQUIRE(jwt_set_alg(j, JWT_ALG_HS256, reinterpret_cast<const unsigned char*>(pk.pem.data()), static_cast<int>(pk.pem.size())) == 0);
  char* s = jwt_encode_str(j);
  std::string token(s);
  std::free(s);
  jwt_free(j);
  CHECK_FALSE(verify_jwt(token, pk));
}

TEST_CASE("keys: EC keys on P-256 and RSA keys of 2048 bits or more only") {
  auto pem_of = [](EVP_PKEY* k) {
    BIO* bio = BIO_new(BIO_s_mem());
    PEM_write_bio_PUBKEY(bio, k);
    char* data = nullptr;
    long n = BIO_get_mem_data(bio, &data);
    std::string out(data, static_cast<std::size_t>(n));
    BIO_free(bio);
    EVP_PKEY_free(k);
    return out;
  };
  CHECK_THROWS_WITH(key_from_pem(pem_of(EVP_PKEY_Q_keygen(nullptr, nullptr, "EC", "P-384")), "p384.pub"), doctest::Contains("P-256"));
  CHECK_THROWS_WITH(key_from_pem(pem_of(EVP_PKEY_Q_keygen(nullptr, nullptr, "RSA", static_cast<size_t>(1024))), "rsa1024.pub"),
                    doctest::Contains("2048"));
  CHECK_THROWS_WITH(key_from_pem(pem_of(EVP_PKEY_Q_keygen(nullptr, nullptr, "ED25519")), "ed.pub"), doctest::Contains("only EC P-256"));
  CHECK_THROWS_WITH(key_from_pem("not a key", "junk.pem"), doctest::Contains("junk.pem: not a PEM"));
  CHECK_THROWS_WITH(load_key("/nonexistent/key.pem"), doctest::Contains("/nonexistent/key.pem"));
}

TEST_CASE("keygen writes the private key 0600") {
  std::string prefix = hw_auth_test::key_dir() + "/mode-check";
  generate_key_pair("ES256", prefix);
  auto perms = std::filesystem::status(prefix + ".key").permissions();
  CHECK((perms & std::filesystem::perms::all) == (std::filesystem::perms::owner_read | std::filesystem::perms::owner_write));
  CHECK_THROWS(generate_key_pair("HS256", prefix));
}

TEST_CASE("sha256_hex and random values") {
  CHECK(sha256_hex("abc") == "ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad");
  CHECK(random_token(32).size() == 43);
  CHECK(random_token(32) != random_token(32));
  std::string u = random_uuid();
  CHECK(u.size() == 36);
  CHECK(u[14] == '4');
}

TEST_CASE("claims: GP Connect's audit JWT read into its parts") {
  hw_auth_test::Claims c("https://ems.rx9.nhs.example", "https://hidewire.b86010.nhs.example:8443", "RX9");
  Claims cl = read_claims(c.json());
  CHECK(cl.org_ods == "RX9");
  CHECK(cl.practitioner_id == "G1234567");
  CHECK(cl.practitioner_name == "Chidi Okafor");
  CHECK(cl.sds_role == "R8000");
  CHECK(cl.purpose == "direct-care");
  CHECK(cl.aud == std::vector<std::string>{"https://hidewire.b86010.nhs.example:8443"});
  CHECK_FALSE(cl.bad_types);
  CHECK(read_claims(R"({"aud": [1]})").bad_types);
  CHECK(read_claims(R"({"iat": 1796225485.5})").iat == 1796225485);
  for (auto [raw, norm] : {std::pair{"directcare", "direct-care"}, {"TREAT", "direct-care"}, {"ETREAT", "emergency"}, {"emergency", "emergency"},
                           {"secondary-use", "secondary-use"}, {"PATRQT", "patient-access"}, {"marketing", ""}})
    CHECK(normalise_purpose(raw) == norm);
}

TEST_CASE("replay cache: each (issuer, jti) once; expired entries swept, so it stays bounded") {
  ReplayCache r;
  CHECK(r.first_use("https://ems.rx9.nhs.example", "j1", 1000, 500));
  CHECK_FALSE(r.first_use("https://ems.rx9.nhs.example", "j1", 1000, 600));
  CHECK(r.first_use("https://a81001.example", "j1", 1000, 600));  // another issuer's j1
  CHECK(r.size() == 2);
  CHECK(r.first_use("https://ems.rx9.nhs.example", "j2", 2000, 1500));  // j1s expired: swept
  CHECK(r.size() == 1);
  r.remember("j9", 3000);
  CHECK_FALSE(r.first_use("anyone", "j9", 2500, 1600));
  CHECK(r.first_use("anyone", "j9", 4000, 3500));
}
