// HL7 v2 -> FHIR throughput on a corpus folder (read recursively; batch files split into their
// messages), one thread, per second of CPU time: parse, map to a transaction Bundle and serialise it to JSON, per message;
// then the same per message type. Same JSON-line output as the other benchmarks.
// Usage: bench_hl7v2 CORPUS_DIR [SECONDS [SECONDS_PER_TYPE]]
#include <algorithm>
#include <ctime>
#include <cstdint>
#include <cstdio>
#include <filesystem>
#include <fstream>
#include <iterator>
#include <map>
#include <string>
#include <vector>

#include "hl7v2/batch.hpp"
#include "hl7v2/message.hpp"
#include "mapping/engine/converter.hpp"

using namespace hidewire;

namespace {

struct Corpus {
  std::vector<std::string> msgs;
  std::size_t bytes = 0;
};

std::size_t convert_one(const std::string& text, const mapping::MapSet& maps, std::uint64_t* digest = nullptr) {
  hl7v2::ParseError err;
  auto m = hl7v2::parse(text, err);
  if (!m) return 0;
  mapping::Conversion c = mapping::convert(*m, maps);
  if (digest)  // FNV-1a over the Bundles: equal digests, byte-identical output (before / after a change)
    for (unsigned char ch : c.bundle_json) *digest = (*digest ^ ch) * 0x100000001B3ull;
  return c.ok ? c.bundle_json.size() : 0;
}

std::size_t parse_one(const std::string& text) {
  hl7v2::ParseError err;
  auto m = hl7v2::parse(text, err);
  return m ? m->segments.size() : 0;
}

// Process CPU time, not wall time: the machine is shared, and wall-clock rates moved by half
// from run to run while CPU time stayed within a few per cent. The peer is timed the same way.
double cpu_seconds() {
  timespec ts{};
  clock_gettime(CLOCK_PROCESS_CPUTIME_ID, &ts);
  return static_cast<double>(ts.tv_sec) + static_cast<double>(ts.tv_nsec) / 1e9;
}

template <typename Fn>
void measure(const std::string& op, const Corpus& c, double seconds, Fn fn, std::size_t& sink) {
  double start = cpu_seconds();
  std::size_t passes = 0;
  double elapsed = 0;
  do {
    for (const auto& t : c.msgs) sink += fn(t);
    ++passes;
    elapsed = cpu_seconds() - start;
  } while (elapsed < seconds);
  double per_s = static_cast<double>(passes * c.msgs.size()) / elapsed;
  std::printf("{\"impl\":\"hidewire\",\"op\":\"%s\",\"resources_per_s\":%.1f,\"mb_per_s\":%.2f,\"files\":%zu,\"passes\":%zu}\n",
              op.c_str(), per_s, static_cast<double>(passes * c.bytes) / elapsed / 1e6, c.msgs.size(), passes);
  std::fflush(stdout);
}

}  // namespace

int main(int argc, char** argv) {
  std::string dir = argc > 1 ? argv[1] : "tests/data/hl7v2-corpus";
  double seconds = argc > 2 ? std::stod(argv[2]) : 2.0;
  double per_type = argc > 3 ? std::stod(argv[3]) : 0.3;
  std::vector<std::filesystem::path> paths;
  for (const auto& e : std::filesystem::recursive_directory_iterator(dir))
    if (e.path().extension() == ".hl7" && e.path().filename().string().find("malformed") == std::string::npos &&
        e.path().filename().string().find("bad_nhs") == std::string::npos)
      paths.push_back(e.path());
  std::sort(paths.begin(), paths.end());
  Corpus all;
  std::map<std::string, Corpus> by_type;  // MSH-9.1^MSH-9.2
  for (const auto& p : paths) {
    std::ifstream in(p, std::ios::binary);
    std::string text((std::istreambuf_iterator<char>(in)), std::istreambuf_iterator<char>());
    for (std::string_view part : hl7v2::split_batch(text).messages) {
      std::string msg(part);
      hl7v2::ParseError err;
      auto m = hl7v2::parse(msg, err);
      if (!m) {
        std::fprintf(stderr, "%s: not a readable message: %s\n", p.c_str(), err.message.c_str());
        return 1;
      }
      Corpus& t = by_type[std::string(m->message_code()) + "^" + std::string(m->trigger_event())];
      t.msgs.push_back(msg);
      t.bytes += msg.size();
      all.msgs.push_back(msg);
      all.bytes += msg.size();
    }
  }
  const mapping::MapSet& maps = mapping::MapSet::builtin();
  std::size_t sink = 0, out_bytes = 0;
  std::uint64_t digest = 0xCBF29CE484222325ull;
  for (const auto& t : all.msgs) {
    std::size_t n = convert_one(t, maps, &digest);
    if (!n) {
      std::fprintf(stderr, "a corpus message did not convert\n");
      return 1;
    }
    out_bytes += n;
  }
  auto convert = [&](const std::string& t) { return convert_one(t, maps); };
  measure("hl7v2_to_fhir", all, seconds, convert, sink);  // parse + map + JSON Bundle
  measure("hl7v2_parse", all, seconds, parse_one, sink);
  if (per_type > 0)
    for (const auto& [type, c] : by_type) measure("hl7v2_to_fhir " + type, c, per_type, convert, sink);
  std::fprintf(stderr, "%zu messages (%zu bytes) in %zu files, %zu bytes of FHIR JSON per pass (digest %016llx), checksum %zu\n",
               all.msgs.size(), all.bytes, paths.size(), out_bytes, static_cast<unsigned long long>(digest), sink % 1000);
  return 0;
}
