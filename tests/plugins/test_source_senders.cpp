// Who sends, on the write side, through the real sources: MLLP over mutual TLS (the caller
// from the certificate), MLLP as its configured system, MLLP refused (AR, then closed), the HTTP
// FHIR source with a bearer token (accepted, refused 401, a type not granted 403, a forged
// Provenance 422), and the file drop as its system or refused. Each journals the caller it
// accepted, and nothing of a refused sender.
#include <doctest/doctest.h>

#include <curl/curl.h>

#include <chrono>
#include <fstream>

#include "hl7v2/message.hpp"
#include "net/mllp/client.hpp"
#include "node/caller_json.hpp"
#include "tests/listener_test_support.hpp"
#include "tests/plugins/sender_test_support.hpp"

using namespace hidewire;
using namespace std::chrono_literals;

namespace {

std::string adt(const std::string& facility, const std::string& control_id) {
  return "MSH|^~\\&|PAS|" + facility + "|HIDEWIRE|RXX|20261202101500||ADT^A01^ADT_A01|" + control_id +
         "|P|2.5.1\rEVN|A01|20261202101500\rPID|1||9434765919^^^NHS^NH||SMITH^JANE||19800101|F\rPV1|1|I|WARD1^^^RXX\r";
}

std::uint16_t port_of(const node::Source& s) {
  std::string d = s.describe();
  return static_cast<std::uint16_t>(std::stoi(d.substr(d.rfind(':') + 1)));
}

std::string msa_code(const std::string& ack) {
  hl7v2::ParseError err;
  auto m = hl7v2::parse(ack, err);
  REQUIRE_MESSAGE(m, err.message);
  for (const auto& s : m->segments)
    if (s.name == "MSA") return std::string(s.field(1));
  return "";
}

bool has_err(const std::string& ack, const std::string& text) { return ack.find("\rERR|") != std::string::npos && ack.find(text) != std::string::npos; }

struct Certs {
  std::filesystem::path dir = hw_test::temp_dir("sender-tls");
  hw_test::TestCert server{dir, "node", "IP:127.0.0.1"};
  hw_test::TestCert gp{dir, "gp-system", "URI:urn:nhs:ods:A81001"};
  hw_test::TestCert stranger{dir, "stranger", "URI:urn:nhs:ods:Y99999"};
  std::string clients_ca = (dir / "clients.pem").string();
  Certs() {
    std::ofstream out(clients_ca);
    for (const std::string* f : {&gp.crt, &stranger.crt}) out << std::ifstream(*f).rdbuf();
  }
  ~Certs() { std::filesystem::remove_all(dir); }
  mllp::ClientOptions client(const hw_test::TestCert& c) const {
    mllp::ClientOptions o;
    o.timeout = 10s;
    o.tls = true;
    o.tls_ca_file = server.crt;
    o.tls_cert_file = c.crt;
    o.tls_key_file = c.key;
    return o;
  }
};

}  // namespace

TEST_CASE("MLLP over mutual TLS: the caller is the certificate's organisation; MSH-4 naming another is AE with ERR, journalled as rejected") {
  Certs certs;
  hw_test::Node n;
  node::Source& src = n.source("mllp-hl7v2", "gp-mllp",
                               R"({"listen": "127.0.0.1:0", "tls": {"cert": ")" + certs.server.crt + R"(", "key": ")" + certs.server.key +
                                   R"(", "ca": ")" + certs.clients_ca + R"("}})");
  mllp::Client c("127.0.0.1", port_of(src), certs.client(certs.gp));
  CHECK(msa_code(c.send(adt("A81001", "GP-1"))) == "AA");
  std::string ae = c.send(adt("RXX", "GP-2"));  // the GP's certificate, the trust's facility
  CHECK(msa_code(ae) == "AE");
  CHECK_MESSAGE(has_err(ae, "MSH-4"), ae);
  CHECK_MESSAGE(ae.find("RXX") != std::string::npos, ae);
  CHECK_MESSAGE(ae.find("A81001") != std::string::npos, ae);

  auto first = n.journal->list("", 10);
  REQUIRE(first.size() == 2);
  node::Caller who = node::caller_from_json(first[0].caller);
  CHECK(who.kind == node::Caller::Kind::Peer);
  CHECK(who.ods_code == "A81001");
  CHECK(who.id == "gp-system");
  CHECK(who.address.rfind("127.0.0.1:", 0) == 0);
  CHECK(first[0].status == "accepted");
  CHECK(first[1].status == "rejected");
  CHECK(first[1].reason.find("MSH-4") != std::string::npos);
  // Replay converts it as the journalled sender: still refused, whoever replays it.
  CHECK(n.intake->reconvert(first[1]).status == node::Conversion::Status::Refused);
  CHECK(n.auth.calls.load() == 1);  // once per connection, not per message
}

TEST_CASE("MLLP over mutual TLS: a certificate the authentication refuses gets AR with ERR, the connection is closed, nothing journalled") {
  Certs certs;
  hw_test::Node n;
  node::Source& src = n.source("mllp-hl7v2", "gp-mllp",
                               R"({"listen": "127.0.0.1:0", "tls": {"cert": ")" + certs.server.crt + R"(", "key": ")" + certs.server.key +
                                   R"(", "ca": ")" + certs.clients_ca + R"("}})");
  mllp::Client c("127.0.0.1", port_of(src), certs.client(certs.stranger));
  std::string ar = c.send(adt("Y99999", "X-1"));
  CHECK(msa_code(ar) == "AR");
  CHECK_MESSAGE(has_err(ar, "not a configured peer"), ar);
  CHECK_THROWS(c.send(adt("Y99999", "X-2")));  // closed after the AR
  CHECK(n.journal->count() == 0);
}

TEST_CASE("MLLP without TLS: the configured system is the caller; its facilities name its organisation; refused without one") {
  hw_test::Node n;
  node::Source& pas = n.source("mllp-hl7v2", "pas-mllp", R"({"listen": "127.0.0.1:0", "system": "pas"})");
  {
    mllp::Client c("127.0.0.1", port_of(pas));
    CHECK(msa_code(c.send(adt("ROYAL_INFIRMARY^RXX^L", "PAS-1"))) == "AA");  // a facility, any case
    CHECK(msa_code(c.send(adt("", "PAS-2"))) == "AA");                       // empty MSH-4 is fine
    CHECK(msa_code(c.send(adt("A81001", "PAS-3"))) == "AE");                 // another organisation
  }
  auto entries = n.journal->list("", 10);
  REQUIRE(entries.size() == 3);
  node::Caller who = node::caller_from_json(entries[0].caller);
  CHECK(who.kind == node::Caller::Kind::System);
  CHECK(who.id == "pas");
  CHECK(who.ods_code == "RXX");
  REQUIRE(who.facilities.size() == 1);  // kept, so a replay reads MSH-4 as the first time
  CHECK(n.intake->reconvert(entries[0]).status == node::Conversion::Status::Converted);

  node::Source& open = n.source("mllp-hl7v2", "open-mllp", R"({"listen": "127.0.0.1:0"})");
  mllp::Client c("127.0.0.1", port_of(open));
  std::string ar = c.send(adt("RXX", "OPEN-1"));
  CHECK(msa_code(ar) == "AR");
  CHECK_MESSAGE(has_err(ar, "no credential presented"), ar);
  CHECK_THROWS(c.send(adt("RXX", "OPEN-2")));
  CHECK(n.journal->count() == 3);

  n.auth.allow_anonymous = true;  // development: the authentication lets an anonymous caller through
  mllp::Client dev("127.0.0.1", port_of(open));
  CHECK(msa_code(dev.send(adt("A81001", "DEV-1"))) == "AA");  // anonymous: no organisation to check MSH-4 against
  CHECK(node::caller_from_json(n.journal->list("", 10).back().caller).kind == node::Caller::Kind::Anonymous);
}

namespace {

struct Http {
  long status = 0;
  std::string body, www_authenticate;
};

std::size_t collect(char* p, std::size_t s, std::size_t n, void* out) {
  static_cast<std::string*>(out)->append(p, s * n);
  return s * n;
}
std::size_t header(char* p, std::size_t s, std::size_t n, void* out) {
  std::string line(p, s * n);
  for (char& ch : line) ch = static_cast<char>(std::tolower(static_cast<unsigned char>(ch)));
  if (line.rfind("www-authenticate:", 0) == 0) *static_cast<std::string*>(out) = std::string(p + 18, s * n - 18 - 2);
  return s * n;
}

Http post(std::uint16_t port, const std::string& body, const std::string& token) {
  Http r;
  CURL* c = curl_easy_init();
  std::string url = "http://127.0.0.1:" + std::to_string(port) + "/";
  curl_slist* headers = curl_slist_append(nullptr, "Content-Type: application/fhir+json");
  headers = curl_slist_append(headers, "X-Request-ID: 5b0f7c1e-2d7c-4c59-9d43-1f7e8a2b9c10");
  std::string auth = "Authorization: Bearer " + token;
  if (!token.empty()) headers = curl_slist_append(headers, auth.c_str());
  curl_easy_setopt(c, CURLOPT_URL, url.c_str());
  curl_easy_setopt(c, CURLOPT_HTTPHEADER, headers);
  curl_easy_setopt(c, CURLOPT_POSTFIELDS, body.c_str());
  curl_easy_setopt(c, CURLOPT_POSTFIELDSIZE, static_cast<long>(body.size()));
  curl_easy_setopt(c, CURLOPT_WRITEFUNCTION, collect);
  curl_easy_setopt(c, CURLOPT_WRITEDATA, &r.body);
  curl_easy_setopt(c, CURLOPT_HEADERFUNCTION, header);
  curl_easy_setopt(c, CURLOPT_HEADERDATA, &r.www_authenticate);
  curl_easy_setopt(c, CURLOPT_TIMEOUT, 20L);
  REQUIRE(curl_easy_perform(c) == CURLE_OK);
  curl_easy_getinfo(c, CURLINFO_RESPONSE_CODE, &r.status);
  curl_slist_free_all(headers);
  curl_easy_cleanup(c);
  return r;
}

const char* kPatient = R"({"resourceType":"Patient","identifier":[{"system":"https://fhir.nhs.uk/Id/nhs-number","value":"9449306613"}],)"
                       R"("name":[{"family":"JONES","given":["OWEN"]}],"birthDate":"1975-06-30"})";

std::string bundle_with(const std::string& second_entry) {
  return R"({"resourceType":"Bundle","type":"transaction","entry":[{"fullUrl":"urn:uuid:8a1d2c3e-0b4f-4e5a-9c6d-7e8f9a0b1c2d","resource":)" +
         std::string(kPatient) + R"(,"request":{"method":"PUT","url":"Patient?identifier=https://fhir.nhs.uk/Id/nhs-number|9449306613"}},)" +
         second_entry + "]}";
}

}  // namespace

TEST_CASE("HTTP FHIR source: a bearer token accepted, journalled with its caller; a refused one 401 with an OperationOutcome, nothing journalled") {
  hw_test::Node n;
  std::uint16_t port = port_of(n.source("http-fhir", "epr-http", R"({"listen": "127.0.0.1:0"})"));

  Http ok = post(port, kPatient, hw_test::kPasToken);
  CHECK_MESSAGE(ok.status == 202, ok.body);
  auto entries = n.journal->list("", 10);
  REQUIRE(entries.size() == 1);
  node::Caller who = node::caller_from_json(entries[0].caller);
  CHECK(who.kind == node::Caller::Kind::System);
  CHECK(who.ods_code == "RXX");
  CHECK(who.request_id == "5b0f7c1e-2d7c-4c59-9d43-1f7e8a2b9c10");
  // The Provenance the converter wrote names the sender's organisation from its credential.
  CHECK(entries[0].output.find(R"("onBehalfOf":{"type":"Organization","identifier":{"system":"https://fhir.nhs.uk/Id/ods-organization-code","value":"RXX"}})") !=
        std::string::npos);

  Http bad = post(port, kPatient, "stolen-or-mistyped");
  CHECK(bad.status == 401);
  CHECK(bad.www_authenticate.rfind("Bearer", 0) == 0);
  CHECK(bad.body.find(R"("resourceType":"OperationOutcome")") != std::string::npos);
  CHECK(bad.body.find("not recognised") != std::string::npos);
  CHECK(bad.body.find("stolen-or-mistyped") == std::string::npos);  // never the token
  Http none = post(port, kPatient, "");
  CHECK(none.status == 401);
  CHECK(n.journal->count() == 1);
}

TEST_CASE("HTTP FHIR source: every entry's type must be one the caller may write (403, nothing journalled); a forged Provenance is 422") {
  hw_test::Node n;
  std::uint16_t port = port_of(n.source("http-fhir", "epr-http", R"({"listen": "127.0.0.1:0"})"));
  std::string condition = R"({"fullUrl":"urn:uuid:1b2c3d4e-5f60-4a7b-8c9d-0e1f2a3b4c5d","resource":{"resourceType":"Condition",)"
                          R"("subject":{"reference":"urn:uuid:8a1d2c3e-0b4f-4e5a-9c6d-7e8f9a0b1c2d"}},"request":{"method":"POST","url":"Condition"}})";
  Http no = post(port, bundle_with(condition), hw_test::kPasToken);
  CHECK(no.status == 403);
  CHECK_MESSAGE(no.body.find("Bundle.entry[1].resource") != std::string::npos, no.body);
  CHECK(no.body.find("Condition") != std::string::npos);
  CHECK(n.journal->count() == 0);

  // A Provenance claiming the GP practice A81001 sent what the trust's PAS (RXX) sent.
  std::string forged = R"({"fullUrl":"urn:uuid:2c3d4e5f-6071-4b8c-9d0e-1f2a3b4c5d6e","resource":{"resourceType":"Provenance",)"
                       R"("target":[{"reference":"urn:uuid:8a1d2c3e-0b4f-4e5a-9c6d-7e8f9a0b1c2d"}],"recorded":"2026-12-02T10:15:00Z",)"
                       R"("agent":[{"who":{"identifier":{"system":"https://fhir.nhs.uk/Id/ods-organization-code","value":"A81001"}}}]},)"
                       R"("request":{"method":"POST","url":"Provenance"}})";
  Http fake = post(port, bundle_with(forged), hw_test::kPasToken);
  CHECK(fake.status == 422);
  CHECK_MESSAGE(fake.body.find("Bundle.entry[1].resource.agent[0].who") != std::string::npos, fake.body);
  CHECK(fake.body.find("A81001") != std::string::npos);
  auto entries = n.journal->list("", 10);
  REQUIRE(entries.size() == 1);  // refused for its content: kept, with the reason, for replay
  CHECK(entries[0].status == "rejected");
}

namespace {

// Waits (bounded) for the file drop's poll to move `name` into `sub`.
bool moved_to(const std::filesystem::path& root, const std::string& sub, const std::string& name) {
  for (int i = 0; i < 400; ++i) {
    if (std::filesystem::exists(root / sub / name)) return true;
    std::this_thread::sleep_for(50ms);
  }
  return false;
}

}  // namespace

TEST_CASE("file drop: files are sent by its configured system; without one the authentication refuses them, moved to rejected/ with a reason") {
  hw_test::Node n;
  std::filesystem::path pas = n.dir / "pas-drop", open = n.dir / "open-drop";
  n.source("file-drop", "pas-files", R"({"directory": ")" + pas.string() + R"(", "poll_ms": 20, "system": "pas"})");
  n.source("file-drop", "open-files", R"({"directory": ")" + open.string() + R"(", "poll_ms": 20})");
  std::ofstream(pas / "a01.hl7") << adt("RXX", "FILE-1");
  std::ofstream(open / "a01.hl7") << adt("RXX", "FILE-2");
  REQUIRE(moved_to(pas, "done", "a01.hl7"));
  REQUIRE(moved_to(open, "rejected", "a01.hl7"));
  std::ifstream reason(open / "rejected" / "a01.hl7.reason");
  std::string why((std::istreambuf_iterator<char>(reason)), std::istreambuf_iterator<char>());
  CHECK_MESSAGE(why.find("no credential presented") != std::string::npos, why);
  auto entries = n.journal->list("", 10);
  REQUIRE(entries.size() == 1);  // the refused sender's file was not taken in
  node::Caller who = node::caller_from_json(entries[0].caller);
  CHECK(who.id == "pas");
  CHECK(who.address == pas.string());
}
