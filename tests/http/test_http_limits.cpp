// The HTTP server's limits (the FHIR API, admin and the HTTP FHIR source all use it): clients
// that never speak or never finish a request are closed, a connection limit sheds the excess
// while existing connections go on, and running out of descriptors does not make it spin.
#include <doctest/doctest.h>

#include <utility>

#include <boost/asio/io_context.hpp>
#include <boost/asio/read.hpp>
#include <boost/asio/write.hpp>

#include <thread>

#include "net/http/server.hpp"
#include "tests/listener_test_support.hpp"

using namespace hidewire;
using namespace std::chrono_literals;

namespace {

struct Serving {
  boost::asio::io_context io;
  std::unique_ptr<http::Server> server;
  std::thread thread;
  explicit Serving(const http::ServerOptions& opts) {
    server = std::make_unique<http::Server>(
        io, hw_test::loopback(0),
        [](const http::Request&) {
          http::Response r;
          r.body = "{}";
          return r;
        },
        opts);
    thread = std::thread([this] { io.run(); });
  }
  ~Serving() {
    server->stop();
    io.stop();
    thread.join();
  }
  std::uint16_t port() const { return server->port(); }
};

http::ServerOptions short_timeouts() {
  http::ServerOptions o;
  o.name = "FHIR API";
  o.limits.handshake_timeout = 300ms;
  o.limits.idle_timeout = 300ms;
  o.limits.read_timeout = 300ms;
  return o;
}

// One GET on an open plain connection (kept alive); true when answered 200.
bool get_ok(boost::asio::ip::tcp::socket& s) {
  boost::system::error_code ec;
  boost::asio::write(s, boost::asio::buffer(std::string("GET /metadata HTTP/1.1\r\nHost: x\r\n\r\n")), ec);
  if (ec) return false;
  std::string got;
  char buf[4096];
  while (got.find("\r\n\r\n{}") == std::string::npos) {
    std::size_t n = s.read_some(boost::asio::buffer(buf), ec);
    if (ec) return false;
    got.append(buf, n);
  }
  return got.rfind("HTTP/1.1 200", 0) == 0;
}

bool get_ok_on_new_connection(std::uint16_t port) {
  boost::asio::io_context io;
  boost::asio::ip::tcp::socket s(io);
  boost::system::error_code ec;
  s.connect(hw_test::loopback(port), ec);
  timeval tv{5, 0};  // a generous bound, so a server that never answers fails the test
  setsockopt(s.native_handle(), SOL_SOCKET, SO_RCVTIMEO, &tv, sizeof tv);
  return !ec && get_ok(s);
}

}  // namespace

TEST_CASE("HTTP: a connection that never sends is closed after the idle timeout") {
  Serving srv(short_timeouts());
  boost::asio::io_context io;
  boost::asio::ip::tcp::socket s(io);
  s.connect(hw_test::loopback(srv.port()));
  CHECK(hw_test::closed_by_server(s, 10s));
  CHECK(get_ok_on_new_connection(srv.port()));
}

TEST_CASE("HTTP: a request that is started but never finished is closed after the read timeout") {
  http::ServerOptions o = short_timeouts();
  o.limits.idle_timeout = 120s;  // so only the read timeout can close it in time
  Serving srv(o);
  boost::asio::io_context io;
  boost::asio::ip::tcp::socket s(io);
  s.connect(hw_test::loopback(srv.port()));
  boost::asio::write(s, boost::asio::buffer(std::string("GET /metadata HTTP/1.1\r\nHost: x\r\n")));
  CHECK(hw_test::closed_by_server(s, 10s));
}

TEST_CASE("HTTPS: a connection that never starts the handshake is closed after the handshake timeout") {
  auto dir = hw_test::temp_dir("http-limits");
  hw_test::TestCert cert(dir, "server", "IP:127.0.0.1");
  http::ServerOptions o = short_timeouts();
  o.limits.idle_timeout = 120s;
  o.tls = {cert.crt, cert.key, ""};
  {
    Serving srv(o);
    boost::asio::io_context io;
    boost::asio::ip::tcp::socket s(io);
    s.connect(hw_test::loopback(srv.port()));
    CHECK(hw_test::closed_by_server(s, 10s));
  }
  std::filesystem::remove_all(dir);
}

TEST_CASE("HTTP: connections over the limit are refused while those already open are served") {
  http::ServerOptions o;
  o.limits.max_connections = 2;
  Serving srv(o);
  boost::asio::io_context io;
  boost::asio::ip::tcp::socket first(io), second(io), third(io);
  first.connect(hw_test::loopback(srv.port()));
  CHECK(get_ok(first));
  second.connect(hw_test::loopback(srv.port()));
  CHECK(get_ok(second));
  third.connect(hw_test::loopback(srv.port()));
  CHECK(hw_test::closed_by_server(third, 10s));
  CHECK(get_ok(first));  // kept alive and still served
  second.close();        // a place is free again
  bool served = false;
  for (int i = 0; i < 50 && !served; ++i) {
    served = get_ok_on_new_connection(srv.port());
    if (!served) std::this_thread::sleep_for(100ms);
  }
  CHECK(served);
}

TEST_CASE("HTTP: out of descriptors, the accept loop backs off instead of spinning, then serves again") {
  Serving srv(http::ServerOptions{});
  double cpu = 0;
  {
    hw_test::OutOfDescriptors squeeze(srv.port());
    REQUIRE(!squeeze.clients.empty());
    cpu = hw_test::cpu_over_a_second();
  }
  CHECK_MESSAGE(cpu < 0.25, "CPU seconds used over one second out of descriptors: " << cpu);
  bool served = false;
  for (int i = 0; i < 50 && !served; ++i) {
    served = get_ok_on_new_connection(srv.port());
    if (!served) std::this_thread::sleep_for(100ms);
  }
  CHECK(served);
}
