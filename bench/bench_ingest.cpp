// Load generator for MLLP ingest: CONNECTIONS connections on one thread (Asio coroutines, so the
// generator takes little of the machine the server under test runs on), each sending its share
// of MESSAGES (unique MSH-10s) one at a time and waiting for the ACK whose MSA-2 matches,
// recording the latency of each. Prints msg/s and p50/p99 ACK latency as a JSON line.
// Usage: bench_ingest HOST PORT MESSAGES CONNECTIONS LABEL
#include <utility>  // before Boost 1.74's awaitable.hpp, which uses std::exchange without it

#include <boost/asio.hpp>
#include <boost/asio/co_spawn.hpp>
#include <boost/asio/detached.hpp>
#include <boost/asio/use_awaitable.hpp>

#include <algorithm>
#include <chrono>
#include <cstdio>
#include <string>
#include <vector>

#include "hl7v2/message.hpp"
#include "bench/ingest_message.hpp"
#include "net/mllp/framing.hpp"

namespace asio = boost::asio;
using tcp = asio::ip::tcp;
using hidewire::mllp::FrameDecoder;

namespace {


struct Run {
  std::string host, port;
  int total = 0, conns = 0;
  std::vector<double> latencies;
  int errors = 0;
};

// One connection's share: messages c, c + conns, ... Servers that close after a reply, or send
// an ACK for an earlier message, are handled: stray ACKs are skipped, closed connections reopened.
asio::awaitable<void> sender(Run& run, int c) {
  auto ex = co_await asio::this_coro::executor;
  tcp::resolver resolver(ex);
  auto endpoints = co_await resolver.async_resolve(run.host, run.port, asio::use_awaitable);
  tcp::socket sock(ex);
  auto connect = [&]() -> asio::awaitable<void> {
    boost::system::error_code ignored;
    sock.close(ignored);
    sock = tcp::socket(ex);
    co_await asio::async_connect(sock, endpoints, asio::use_awaitable);
    sock.set_option(tcp::no_delay(true));
  };
  co_await connect();
  FrameDecoder dec(1 << 20);
  std::vector<std::string> frames;
  char buf[16384];
  for (int n = c; n < run.total; n += run.conns) {
    std::string id = "ING-" + std::to_string(n);
    std::string out = hidewire::mllp::frame(ingest_message(n));
    auto t0 = std::chrono::steady_clock::now();
    bool acked = false;
    for (int attempt = 0; attempt < 3 && !acked; ++attempt) {
      try {
        co_await asio::async_write(sock, asio::buffer(out), asio::use_awaitable);
        while (!acked) {
          frames.clear();
          std::string err;
          std::size_t got = co_await sock.async_read_some(asio::buffer(buf), asio::use_awaitable);
          dec.feed(std::string_view(buf, got), frames, err);
          for (const std::string& f : frames) {
            hidewire::hl7v2::ParseError pe;
            auto a = hidewire::hl7v2::parse(f, pe);
            if (a && a->get("MSA-2") == id) acked = true;
          }
        }
      } catch (const std::exception&) {
        dec = FrameDecoder(1 << 20);
      }
      if (!acked) co_await connect();
    }
    if (!acked) {
      ++run.errors;
      continue;
    }
    run.latencies.push_back(std::chrono::duration<double, std::micro>(std::chrono::steady_clock::now() - t0).count());
  }
}

}  // namespace

int main(int argc, char** argv) {
  if (argc < 6) {
    std::fprintf(stderr, "usage: bench_ingest HOST PORT MESSAGES CONNECTIONS LABEL\n");
    return 2;
  }
  Run run;
  run.host = argv[1];
  run.port = argv[2];
  run.total = std::stoi(argv[3]);
  run.conns = std::stoi(argv[4]);
  std::string label = argv[5];
  asio::io_context io(1);
  auto start = std::chrono::steady_clock::now();
  for (int c = 0; c < run.conns; ++c)
    asio::co_spawn(io, sender(run, c), [&run](std::exception_ptr e) {
      if (e) ++run.errors;  // could not even connect
    });
  io.run();
  double secs = std::chrono::duration<double>(std::chrono::steady_clock::now() - start).count();
  std::vector<double>& all = run.latencies;
  std::sort(all.begin(), all.end());
  auto pct = [&](double p) { return all.empty() ? 0.0 : all[std::min(all.size() - 1, static_cast<std::size_t>(p * static_cast<double>(all.size())))]; };
  std::printf("{\"impl\":\"%s\",\"op\":\"mllp_ingest\",\"resources_per_s\":%.1f,\"mb_per_s\":0,\"p50_us\":%.0f,\"p99_us\":%.0f,\"acked\":%zu,\"errors\":%d,\"connections\":%d,\"seconds\":%.3f}\n",
              label.c_str(), static_cast<double>(all.size()) / secs, pct(0.5), pct(0.99), all.size(), run.errors, run.conns, secs);
  return run.errors ? 1 : 0;
}
