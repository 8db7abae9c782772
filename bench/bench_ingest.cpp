// Load generator for MLLP ingest: CONNECTIONS threads, each sending its share of MESSAGES
// (unique MSH-10s) one at a time and waiting for the ACK whose MSA-2 matches, recording the
// latency of each. Prints msg/s and p50/p99 ACK latency as a JSON line.
// Usage: bench_ingest HOST PORT MESSAGES CONNECTIONS LABEL
#include <utility>

#include <boost/asio.hpp>

#include <algorithm>
#include <atomic>
#include <chrono>
#include <cstdio>
#include <string>
#include <thread>
#include <vector>

#include "adapters/hl7v2/message.hpp"
#include "adapters/mllp/framing.hpp"

namespace asio = boost::asio;
using tcp = asio::ip::tcp;
using hidewire::mllp::FrameDecoder;

namespace {

std::string message(int n) {
  return "MSH|^~\\&|LAB|RR8|HIDEWIRE|LTHT|20261124100000||ORU^R01^ORU_R01|ING-" + std::to_string(n) +
         "|P|2.5.1\rPID|1||9434765919^^^NHS^NH||SMITH^MARGARET\rOBR|1|ORD-" + std::to_string(n) +
         "||U&E^Urea^LOCAL|||20261124100000||||||||||||||||||F\rOBX|1|NM|22664-7^Potassium^LN||4." + std::to_string(n % 10) +
         "|mmol/L|3.5-5.3|N|||F\r";
}

}  // namespace

int main(int argc, char** argv) {
  if (argc < 6) {
    std::fprintf(stderr, "usage: bench_ingest HOST PORT MESSAGES CONNECTIONS LABEL\n");
    return 2;
  }
  std::string host = argv[1], port = argv[2], label = argv[5];
  int total = std::stoi(argv[3]), conns = std::stoi(argv[4]);
  std::vector<std::vector<double>> lat(static_cast<std::size_t>(conns));
  std::atomic<int> errors{0};
  auto start = std::chrono::steady_clock::now();
  std::vector<std::thread> threads;
  for (int c = 0; c < conns; ++c) {
    threads.emplace_back([&, c] {
      asio::io_context io;
      tcp::socket sock(io);
      auto connect = [&] {
        boost::system::error_code ec;
        sock.close(ec);
        asio::connect(sock, tcp::resolver(io).resolve(host, port));
        sock.set_option(tcp::no_delay(true));
      };
      connect();
      FrameDecoder dec(1 << 20);
      std::vector<std::string> frames;
      char buf[65536];
      for (int n = c; n < total; n += conns) {
        std::string id = "ING-" + std::to_string(n);
        std::string out = hidewire::mllp::frame(message(n));
        auto t0 = std::chrono::steady_clock::now();
        bool acked = false;
        for (int attempt = 0; attempt < 3 && !acked; ++attempt) {
          try {
            asio::write(sock, asio::buffer(out));
            while (!acked) {
              frames.clear();
              std::string err;
              std::size_t got = sock.read_some(asio::buffer(buf));
              dec.feed(std::string_view(buf, got), frames, err);
              for (const std::string& f : frames) {
                hidewire::hl7v2::ParseError pe;
                auto a = hidewire::hl7v2::parse(f, pe);
                if (a && a->get("MSA-2") == id) acked = true;  // other frames (stray ACKs) are skipped
              }
            }
          } catch (const std::exception&) {
            connect();  // servers that close after each reply: reconnect and resend
          }
        }
        if (!acked) {
          ++errors;
          continue;
        }
        lat[static_cast<std::size_t>(c)].push_back(std::chrono::duration<double, std::micro>(std::chrono::steady_clock::now() - t0).count());
      }
    });
  }
  for (auto& t : threads) t.join();
  double secs = std::chrono::duration<double>(std::chrono::steady_clock::now() - start).count();
  std::vector<double> all;
  for (auto& v : lat) all.insert(all.end(), v.begin(), v.end());
  std::sort(all.begin(), all.end());
  auto pct = [&](double p) { return all.empty() ? 0.0 : all[std::min(all.size() - 1, static_cast<std::size_t>(p * static_cast<double>(all.size())))]; };
  std::printf("{\"impl\":\"%s\",\"op\":\"mllp_ingest\",\"resources_per_s\":%.1f,\"mb_per_s\":0,\"p50_us\":%.0f,\"p99_us\":%.0f,\"acked\":%zu,\"errors\":%d,\"connections\":%d}\n",
              label.c_str(), static_cast<double>(all.size()) / secs, pct(0.5), pct(0.99), all.size(), errors.load(), conns);
  return errors.load() ? 1 : 0;
}
