// Shared by the MLLP and HTTP listener tests: test certificates, waiting for a connection to be
// closed by the server, running a process out of descriptors, and its CPU time.
#pragma once

#include <doctest/doctest.h>

#include <sys/resource.h>
#include <unistd.h>

#include <boost/asio/io_context.hpp>
#include <boost/asio/ip/tcp.hpp>

#include <chrono>
#include <cstdlib>
#include <filesystem>
#include <string>
#include <thread>
#include <vector>

namespace hw_test {

// A self-signed certificate (its own CA) for `san`, e.g. "IP:127.0.0.1" or "DNS:other.example".
struct TestCert {
  std::string crt, key;
  TestCert(const std::filesystem::path& dir, const std::string& name, const std::string& san) {
    std::filesystem::create_directories(dir);
    crt = (dir / (name + ".crt")).string();
    key = (dir / (name + ".key")).string();
    std::string cmd = "openssl req -x509 -newkey rsa:2048 -nodes -subj /CN=" + name + " -addext subjectAltName=" + san +
                      " -days 1 -keyout " + key + " -out " + crt + " >/dev/null 2>&1";
    REQUIRE_MESSAGE(std::system(cmd.c_str()) == 0, "openssl could not make a test certificate");
  }
};

inline std::filesystem::path temp_dir(const std::string& what) {
  return std::filesystem::temp_directory_path() / ("hw-" + what + "-" + std::to_string(::getpid()) + "-" + std::to_string(std::rand()));
}

inline boost::asio::ip::tcp::endpoint loopback(std::uint16_t port) { return {boost::asio::ip::make_address("127.0.0.1"), port}; }

// True when the server closes (or resets) the connection within `limit`; bytes it sends first are
// read and ignored.
inline bool closed_by_server(boost::asio::ip::tcp::socket& s, std::chrono::milliseconds limit) {
  auto& io = static_cast<boost::asio::io_context&>(s.get_executor().context());
  bool closed = false;
  char buf[4096];
  std::function<void()> read = [&] {
    s.async_read_some(boost::asio::buffer(buf), [&](boost::system::error_code ec, std::size_t) {
      if (ec) closed = true;
      else read();
    });
  };
  read();
  io.restart();
  io.run_for(limit);
  bool in_time = closed;
  if (!closed) {  // let the read end (cancelled) before its buffer goes
    boost::system::error_code ignored;
    s.cancel(ignored);
    io.restart();
    io.run();
  }
  return in_time;
}

// Seconds of CPU the whole process (every thread) has used.
inline double cpu_seconds() {
  rusage u{};
  getrusage(RUSAGE_SELF, &u);
  return static_cast<double>(u.ru_utime.tv_sec + u.ru_stime.tv_sec) + (u.ru_utime.tv_usec + u.ru_stime.tv_usec) / 1e6;
}

inline std::size_t open_descriptors() {
  std::size_t n = 0;
  for (auto it = std::filesystem::directory_iterator("/proc/self/fd"); it != std::filesystem::directory_iterator(); ++it) ++n;
  return n;
}

// Lowers RLIMIT_NOFILE to a few over what is open, then connects to `port` until no descriptor
// is left: the server's next accept fails with EMFILE. The limit is put back by release().
struct OutOfDescriptors {
  rlimit saved{};
  boost::asio::io_context io;
  std::vector<boost::asio::ip::tcp::socket> clients;
  explicit OutOfDescriptors(std::uint16_t port) {
    getrlimit(RLIMIT_NOFILE, &saved);
    rlimit low = saved;
    low.rlim_cur = open_descriptors() + 12;
    REQUIRE(setrlimit(RLIMIT_NOFILE, &low) == 0);
    for (int i = 0; i < 64; ++i) {
      boost::asio::ip::tcp::socket s(io);
      boost::system::error_code ec;
      s.connect(loopback(port), ec);
      if (ec) break;  // EMFILE for the client's own socket: none left for the server either
      clients.push_back(std::move(s));
    }
  }
  void release() {
    clients.clear();
    setrlimit(RLIMIT_NOFILE, &saved);
  }
  ~OutOfDescriptors() { release(); }
};

// CPU the process uses over one second of the server being out of descriptors. A loop that
// retried failed accepts at once used a whole core.
inline double cpu_over_a_second() {
  std::this_thread::sleep_for(std::chrono::milliseconds(200));
  double before = cpu_seconds();
  std::this_thread::sleep_for(std::chrono::seconds(1));
  return cpu_seconds() - before;
}

}  // namespace hw_test
