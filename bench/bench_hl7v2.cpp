// HL7 v2 -> FHIR throughput on the test corpus, one core: parse, map to a transaction Bundle and
// serialise it to JSON, per message. Same JSON-line output as the other benchmarks.
// Usage: bench_hl7v2 CORPUS_DIR [SECONDS]
#include <algorithm>
#include <chrono>
#include <cstdio>
#include <filesystem>
#include <fstream>
#include <iterator>
#include <string>
#include <vector>

#include "hl7v2/message.hpp"
#include "mapping/engine/converter.hpp"

using namespace hidewire;

int main(int argc, char** argv) {
  std::string dir = argc > 1 ? argv[1] : "tests/data/hl7v2";
  double seconds = argc > 2 ? std::stod(argv[2]) : 2.0;
  std::vector<std::string> msgs;
  std::size_t bytes = 0;
  std::vector<std::filesystem::path> paths;
  for (const auto& e : std::filesystem::directory_iterator(dir))
    if (e.path().extension() == ".hl7" && e.path().filename().string().find("malformed") == std::string::npos &&
        e.path().filename().string().find("bad_nhs") == std::string::npos)
      paths.push_back(e.path());
  std::sort(paths.begin(), paths.end());
  for (const auto& p : paths) {
    std::ifstream in(p, std::ios::binary);
    msgs.emplace_back(std::istreambuf_iterator<char>(in), std::istreambuf_iterator<char>());
    bytes += msgs.back().size();
  }
  const mapping::MapSet& maps = mapping::MapSet::builtin();
  auto one = [&](const std::string& text) -> std::size_t {
    hl7v2::ParseError err;
    auto m = hl7v2::parse(text, err);
    if (!m) return 0;
    mapping::Conversion c = mapping::convert(*m, maps);
    return c.ok ? c.bundle_json.size() : 0;
  };
  std::size_t sink = 0, out_bytes = 0;
  for (const auto& t : msgs) {
    std::size_t n = one(t);
    if (!n) {
      std::fprintf(stderr, "a corpus message did not convert\n");
      return 1;
    }
    out_bytes += n;
  }
  auto measure = [&](const char* op, auto fn) {
    auto start = std::chrono::steady_clock::now();
    std::size_t passes = 0;
    double elapsed = 0;
    do {
      for (const auto& t : msgs) sink += fn(t);
      ++passes;
      elapsed = std::chrono::duration<double>(std::chrono::steady_clock::now() - start).count();
    } while (elapsed < seconds);
    double per_s = static_cast<double>(passes * msgs.size()) / elapsed;
    std::printf("{\"impl\":\"hidewire\",\"op\":\"%s\",\"resources_per_s\":%.1f,\"mb_per_s\":%.2f,\"files\":%zu,\"passes\":%zu}\n", op,
                per_s, static_cast<double>(passes * bytes) / elapsed / 1e6, msgs.size(), passes);
    std::fprintf(stderr, "%-16s %10.0f messages/s (%zu messages, checksum %zu)\n", op, per_s, msgs.size(), sink % 1000);
  };
  measure("hl7v2_to_fhir", one);  // parse + map + JSON Bundle
  measure("hl7v2_parse", [](const std::string& text) -> std::size_t {
    hl7v2::ParseError err;
    auto m = hl7v2::parse(text, err);
    return m ? m->segments.size() : 0;
  });
  std::fprintf(stderr, "(%zu bytes of FHIR JSON per pass)\n", out_bytes);
  return 0;
}
