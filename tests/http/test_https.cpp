// The HTTP server over TLS, spoken to with libcurl: HTTPS for the FHIR API and the HTTP FHIR
// source, and mutual TLS (a client certificate from a trusted CA required), as between nodes.
#include <doctest/doctest.h>

#include <curl/curl.h>
#include <unistd.h>

#include <boost/asio/io_context.hpp>

#include <cstdlib>
#include <filesystem>
#include <thread>

#include "net/http/server.hpp"

using namespace hidewire;

namespace {

struct Certs {
  std::filesystem::path dir = std::filesystem::temp_directory_path() / ("hw-https-" + std::to_string(::getpid()));
  Certs() {
    std::filesystem::create_directories(dir);
    // Self-signed: each certificate is its own CA. "server" for the node, "client" and
    // "stranger" for two callers, only the first of which the node trusts.
    for (const char* name : {"server", "client", "stranger"}) {
      std::string cmd = "openssl req -x509 -newkey rsa:2048 -nodes -subj /CN=" + std::string(name) +
                        " -addext subjectAltName=DNS:localhost,IP:127.0.0.1 -days 1 -keyout " + pem(name, "key") + " -out " +
                        pem(name, "crt") + " >/dev/null 2>&1";
      REQUIRE_MESSAGE(std::system(cmd.c_str()) == 0, "openssl could not make a test certificate");
    }
  }
  ~Certs() { std::filesystem::remove_all(dir); }
  std::string pem(const std::string& name, const char* kind) const { return (dir / (name + "." + kind)).string(); }
};

struct Serving {
  boost::asio::io_context io;
  std::unique_ptr<http::Server> server;
  std::thread thread;
  explicit Serving(const http::TlsOptions& tls) {
    server = std::make_unique<http::Server>(
        io, boost::asio::ip::tcp::endpoint(boost::asio::ip::make_address("127.0.0.1"), 0),
        [](const http::Request& r) {
          http::Response out;
          out.body = R"({"resourceType":"OperationOutcome","issue":[{"severity":"information","code":"informational","diagnostics":")" +
                     r.base_url + "\"}]}";
          return out;
        },
        1 << 20, tls);
    thread = std::thread([this] { io.run(); });
  }
  ~Serving() {
    server->stop();
    io.stop();
    thread.join();
  }
  std::string url(const char* scheme) const { return std::string(scheme) + "://127.0.0.1:" + std::to_string(server->port()) + "/metadata"; }
};

std::size_t collect(char* p, std::size_t s, std::size_t n, void* out) {
  static_cast<std::string*>(out)->append(p, s * n);
  return s * n;
}

struct Got {
  CURLcode code = CURLE_OK;
  long status = 0;
  std::string body;
};

Got get(const std::string& url, const std::string& ca, const std::string& cert = {}, const std::string& key = {}) {
  Got g;
  CURL* c = curl_easy_init();
  curl_easy_setopt(c, CURLOPT_URL, url.c_str());
  curl_easy_setopt(c, CURLOPT_WRITEFUNCTION, collect);
  curl_easy_setopt(c, CURLOPT_WRITEDATA, &g.body);
  curl_easy_setopt(c, CURLOPT_TIMEOUT, 10L);
  if (!ca.empty()) curl_easy_setopt(c, CURLOPT_CAINFO, ca.c_str());
  if (!cert.empty()) {
    curl_easy_setopt(c, CURLOPT_SSLCERT, cert.c_str());
    curl_easy_setopt(c, CURLOPT_SSLKEY, key.c_str());
  }
  g.code = curl_easy_perform(c);
  curl_easy_getinfo(c, CURLINFO_RESPONSE_CODE, &g.status);
  curl_easy_cleanup(c);
  return g;
}

}  // namespace

TEST_CASE("HTTPS: served to a client that trusts the certificate, refused by one that does not") {
  Certs certs;
  Serving s({certs.pem("server", "crt"), certs.pem("server", "key"), ""});
  Got ok = get(s.url("https"), certs.pem("server", "crt"));
  REQUIRE_MESSAGE(ok.code == CURLE_OK, curl_easy_strerror(ok.code));
  CHECK(ok.status == 200);
  CHECK(ok.body.find("https://127.0.0.1:") != std::string::npos);  // links the API makes say https
  Got untrusting = get(s.url("https"), certs.pem("stranger", "crt"));
  CHECK(untrusting.code == CURLE_PEER_FAILED_VERIFICATION);
  Got plain = get(s.url("http"), "");
  CHECK(plain.status != 200);  // plain HTTP to a TLS port gets no FHIR answer
  Got after = get(s.url("https"), certs.pem("server", "crt"));
  CHECK(after.status == 200);  // and the server goes on serving
}

TEST_CASE("mutual TLS: only clients with a certificate from the trusted CA are answered") {
  Certs certs;
  Serving s({certs.pem("server", "crt"), certs.pem("server", "key"), certs.pem("client", "crt")});
  Got none = get(s.url("https"), certs.pem("server", "crt"));
  CHECK(none.code != CURLE_OK);
  CHECK(none.status != 200);
  Got stranger = get(s.url("https"), certs.pem("server", "crt"), certs.pem("stranger", "crt"), certs.pem("stranger", "key"));
  CHECK(stranger.status != 200);
  Got client = get(s.url("https"), certs.pem("server", "crt"), certs.pem("client", "crt"), certs.pem("client", "key"));
  REQUIRE_MESSAGE(client.code == CURLE_OK, curl_easy_strerror(client.code));
  CHECK(client.status == 200);
}

TEST_CASE("a certificate that cannot be loaded stops the server from starting, with the reason") {
  boost::asio::io_context io;
  CHECK_THROWS(http::Server(io, boost::asio::ip::tcp::endpoint(boost::asio::ip::make_address("127.0.0.1"), 0),
                            [](const http::Request&) { return http::Response{}; }, 1024, {"/nonexistent.crt", "/nonexistent.key", ""}));
}
