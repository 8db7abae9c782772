// The MLLP sender over TLS: the server's certificate and its name are checked, a client
// certificate is presented for mutual TLS, and an MLLP destination with `tls` really uses it.
#include <doctest/doctest.h>

#include <utility>

#include <boost/asio/io_context.hpp>

#include <atomic>
#include <thread>

#include "net/mllp/client.hpp"
#include "net/mllp/server.hpp"
#include "node/journal.hpp"
#include "plugins/registry.hpp"
#include "tests/listener_test_support.hpp"

using namespace hidewire;
using namespace std::chrono_literals;

namespace {

constexpr const char* kMessage = "MSH|^~\\&|A|A|B|B|20260101||ADT^A01|TLS-1|P|2.5.1\r";
constexpr const char* kAck = "MSH|^~\\&|B|B|A|A|20260101||ACK|1|P|2.5.1\rMSA|AA|TLS-1\r";

// Counts the frames it is given and answers each AA.
struct Peer {
  boost::asio::io_context io;
  std::atomic<int> received{0};
  std::unique_ptr<mllp::Server> server;
  std::thread thread;
  explicit Peer(const mllp::ServerOptions& opts) {
    server = std::make_unique<mllp::Server>(
        io, hw_test::loopback(0),
        mllp::FrameHandler([this](std::string_view) {
          ++received;
          return std::string(kAck);
        }),
        [](const std::string&) { return std::string(kAck); }, opts);
    thread = std::thread([this] { io.run(); });
  }
  ~Peer() {
    server->stop();
    io.stop();
    thread.join();
  }
  std::uint16_t port() const { return server->port(); }
};

struct Certs {
  std::filesystem::path dir = hw_test::temp_dir("mllp-tls");
  hw_test::TestCert good{dir, "peer", "IP:127.0.0.1"};
  hw_test::TestCert other{dir, "other.example", "DNS:other.example"};  // the wrong name for 127.0.0.1
  hw_test::TestCert client{dir, "client", "DNS:client.example"};
  ~Certs() { std::filesystem::remove_all(dir); }
};

mllp::ServerOptions tls_server(const hw_test::TestCert& c, const std::string& client_ca = {}) {
  mllp::ServerOptions o;
  o.tls_cert_file = c.crt;
  o.tls_key_file = c.key;
  o.tls_client_ca_file = client_ca;
  return o;
}

mllp::ClientOptions tls_client(const std::string& ca) {
  mllp::ClientOptions o;
  o.timeout = 5s;
  o.tls = true;
  o.tls_ca_file = ca;
  return o;
}

std::string error_of(const std::string& host, std::uint16_t port, const mllp::ClientOptions& o) {
  try {
    mllp::Client c(host, port, o);
    c.send(kMessage);
  } catch (const std::exception& e) {
    return e.what();
  }
  return "";
}

// The mllp destination plugin, as a node's configuration makes it.
std::unique_ptr<node::Sink> mllp_destination(std::uint16_t port, const Certs& certs) {
  std::string settings = R"({"target": "127.0.0.1:)" + std::to_string(port) + R"(", "timeout_ms": 1500, "tls": {"cert": ")" +
                         certs.client.crt + R"(", "key": ")" + certs.client.key + R"(", "ca": ")" + certs.good.crt + R"("}})";
  return plugins::make_sink("mllp", "gp-pas", settings);
}

node::DeliveryResult deliver(node::Sink& sink, std::int64_t id) {
  node::JournalEntry e;
  e.raw = kMessage;
  return sink.deliver({node::Parcel{id, &e}}).front();
}

}  // namespace

TEST_CASE("MLLP client over TLS: a certificate for another name is refused, even from a trusted CA") {
  Certs certs;
  Peer p(tls_server(certs.other));
  std::string error = error_of("127.0.0.1", p.port(), tls_client(certs.other.crt));
  CHECK_MESSAGE(error.find("TLS handshake with 127.0.0.1 failed") != std::string::npos, error);
  CHECK_MESSAGE(error.find("mismatch") != std::string::npos, error);
  CHECK(p.received.load() == 0);
  // Told the name to expect (SNI and check), the same certificate is accepted.
  mllp::ClientOptions named = tls_client(certs.other.crt);
  named.tls_server_name = "other.example";
  CHECK(error_of("127.0.0.1", p.port(), named).empty());
  // Only --insecure skips the checks.
  mllp::ClientOptions insecure = tls_client("");
  insecure.tls_insecure = true;
  CHECK(error_of("127.0.0.1", p.port(), insecure).empty());
  CHECK(p.received.load() == 2);
}

TEST_CASE("MLLP client over TLS: the right name from a trusted CA is accepted; the client certificate is presented") {
  Certs certs;
  Peer p(tls_server(certs.good, certs.client.crt));  // mutual TLS: only the client's certificate
  CHECK_FALSE(error_of("127.0.0.1", p.port(), tls_client(certs.good.crt)).empty());  // none presented
  mllp::ClientOptions with_cert = tls_client(certs.good.crt);
  with_cert.tls_cert_file = certs.client.crt;
  with_cert.tls_key_file = certs.client.key;
  std::string error = error_of("127.0.0.1", p.port(), with_cert);
  CHECK_MESSAGE(error.empty(), error);
  CHECK(p.received.load() == 1);
}

TEST_CASE("an MLLP destination with tls delivers over TLS (mutual), and never in plaintext") {
  Certs certs;
  {
    Peer p(tls_server(certs.good, certs.client.crt));
    auto d = mllp_destination(p.port(), certs);
    node::DeliveryResult r = deliver(*d, 1);
    CHECK_MESSAGE(r.status == node::DeliveryResult::Status::Delivered, r.reason);
    CHECK(p.received.load() == 1);  // the listener takes TLS only, so it came encrypted
  }
  {
    Peer plain{mllp::ServerOptions{}};
    auto d = mllp_destination(plain.port(), certs);
    node::DeliveryResult r = deliver(*d, 2);
    CHECK(r.status == node::DeliveryResult::Status::Retry);
    CHECK_MESSAGE(r.reason.find("TLS") != std::string::npos, r.reason);
    CHECK(plain.received.load() == 0);  // a plaintext listener is not silently used
  }
}
