// The MLLP listener's limits: peers that never speak or never finish a frame are closed, a
// connection limit sheds the excess while existing connections go on, and running out of
// descriptors does not make the accept loop spin.
#include <doctest/doctest.h>

#include <utility>

#include <boost/asio/io_context.hpp>
#include <boost/asio/write.hpp>

#include <thread>

#include "net/mllp/client.hpp"
#include "net/mllp/framing.hpp"
#include "net/mllp/server.hpp"
#include "tests/listener_test_support.hpp"

using namespace hidewire;
using namespace std::chrono_literals;

namespace {

constexpr const char* kAck = "MSH|^~\\&|B|B|A|A|20260101||ACK|1|P|2.5.1\rMSA|AA|1\r";

// An MLLP server that answers every frame with the same ACK, on its own thread.
struct Echo {
  boost::asio::io_context io;
  std::unique_ptr<mllp::Server> server;
  std::thread thread;
  explicit Echo(const mllp::ServerOptions& opts) {
    server = std::make_unique<mllp::Server>(
        io, hw_test::loopback(0), mllp::FrameHandler([](std::string_view) { return std::string(kAck); }),
        [](const std::string&) { return std::string(kAck); }, opts);
    thread = std::thread([this] { io.run(); });
  }
  ~Echo() {
    server->stop();
    io.stop();
    thread.join();
  }
  std::uint16_t port() const { return server->port(); }
};

mllp::ServerOptions short_timeouts() {
  mllp::ServerOptions o;
  o.name = "source test";
  o.limits.handshake_timeout = 300ms;
  o.limits.idle_timeout = 300ms;
  o.limits.read_timeout = 300ms;
  return o;
}

// Sends a message on a new connection and says whether it was answered AA.
bool answered(std::uint16_t port, mllp::ClientOptions co = {}) {
  co.timeout = 5s;
  try {
    mllp::Client c("127.0.0.1", port, co);
    return c.send("MSH|^~\\&|A|A|B|B|20260101||ADT^A01|1|P|2.5.1\r").find("MSA|AA") != std::string::npos;
  } catch (const std::exception&) {
    return false;
  }
}

}  // namespace

TEST_CASE("MLLP: a connection that never sends is closed after the idle timeout") {
  Echo e(short_timeouts());
  boost::asio::io_context io;
  boost::asio::ip::tcp::socket s(io);
  s.connect(hw_test::loopback(e.port()));
  CHECK(hw_test::closed_by_server(s, 10s));
  CHECK(answered(e.port()));  // a connection that speaks is served as before
}

TEST_CASE("MLLP: a frame that is started but never finished is closed after the read timeout") {
  mllp::ServerOptions o = short_timeouts();
  o.limits.idle_timeout = 120s;  // so only the read timeout can close it in time
  Echo e(o);
  boost::asio::io_context io;
  boost::asio::ip::tcp::socket s(io);
  s.connect(hw_test::loopback(e.port()));
  boost::asio::write(s, boost::asio::buffer(std::string("\x0bMSH|^~\\&|A|A|B|B")));
  CHECK(hw_test::closed_by_server(s, 10s));
}

TEST_CASE("MLLP over TLS: a connection that never starts the handshake is closed after the handshake timeout") {
  auto dir = hw_test::temp_dir("mllp-limits");
  hw_test::TestCert cert(dir, "server", "IP:127.0.0.1");
  mllp::ServerOptions o = short_timeouts();
  o.limits.idle_timeout = 120s;
  o.tls_cert_file = cert.crt;
  o.tls_key_file = cert.key;
  {
    Echo e(o);
    boost::asio::io_context io;
    boost::asio::ip::tcp::socket s(io);
    s.connect(hw_test::loopback(e.port()));
    CHECK(hw_test::closed_by_server(s, 10s));
    mllp::ClientOptions co;
    co.tls = true;
    co.tls_ca_file = cert.crt;
    CHECK(answered(e.port(), co));
  }
  std::filesystem::remove_all(dir);
}

TEST_CASE("MLLP: connections over the limit are refused while those already open are served") {
  mllp::ServerOptions o;
  o.limits.max_connections = 2;
  Echo e(o);
  mllp::Client first("127.0.0.1", e.port());
  CHECK(first.send("MSH|^~\\&|A|A|B|B|20260101||ADT^A01|1|P|2.5.1\r").find("MSA|AA") != std::string::npos);
  auto second = std::make_unique<mllp::Client>("127.0.0.1", e.port());
  boost::asio::io_context io;
  boost::asio::ip::tcp::socket third(io);
  third.connect(hw_test::loopback(e.port()));
  CHECK(hw_test::closed_by_server(third, 10s));
  CHECK(first.send("MSH|^~\\&|A|A|B|B|20260101||ADT^A01|2|P|2.5.1\r").find("MSA|AA") != std::string::npos);
  second.reset();  // a place is free again
  bool served = false;
  for (int i = 0; i < 50 && !served; ++i) {
    served = answered(e.port());
    if (!served) std::this_thread::sleep_for(100ms);
  }
  CHECK(served);
}

TEST_CASE("MLLP: out of descriptors, the accept loop backs off instead of spinning, then serves again") {
  Echo e(mllp::ServerOptions{});
  double cpu = 0;
  {
    hw_test::OutOfDescriptors squeeze(e.port());
    REQUIRE(!squeeze.clients.empty());
    cpu = hw_test::cpu_over_a_second();
  }
  CHECK_MESSAGE(cpu < 0.25, "CPU seconds used over one second out of descriptors: " << cpu);
  bool served = false;
  for (int i = 0; i < 50 && !served; ++i) {
    served = answered(e.port());
    if (!served) std::this_thread::sleep_for(100ms);
  }
  CHECK(served);
}

TEST_CASE("a listener raises the soft descriptor limit to the hard one, so its own limit is what counts") {
  rlimit saved{}, now{};
  getrlimit(RLIMIT_NOFILE, &saved);
  rlimit low = saved;
  low.rlim_cur = std::min<rlim_t>(saved.rlim_max, 256);  // as low as many systems' default of 1024
  REQUIRE(setrlimit(RLIMIT_NOFILE, &low) == 0);
  {
    Echo e(mllp::ServerOptions{});
    getrlimit(RLIMIT_NOFILE, &now);
  }
  setrlimit(RLIMIT_NOFILE, &saved);
  CHECK(now.rlim_cur == std::min<rlim_t>(saved.rlim_max, 1u << 20));
}
