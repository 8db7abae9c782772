// UK Core profile validation against base validation, one thread: the converters' own output
// (every HL7 v2 test message and GP Connect record, converted once beforehand), each Bundle
// already parsed, validated over and over; and the time to load UK Core 2.0.0 and build its
// snapshots (compile every profile from its differential).
//
// Usage: bench_profiles DATA_DIR [SECONDS]
//   DATA_DIR  tests/data (hl7v2/, gpconnect/, gpconnect-records/, uk-core/)
//   SECONDS   timed seconds per operation (default 3)
// Operations (resources/s counts every resource of the Bundles, entries and the Bundle):
//   base      fhir::validate + R4 invariants (what the gate does without profiles)
//   uk_core   base, then each resource's declared UK Core profile and its extensions
//             (the gate with sources[].profiles.declared)
//   profiles  the UK Core part alone
#include <algorithm>
#include <chrono>
#include <cstdio>
#include <filesystem>
#include <fstream>
#include <functional>
#include <iterator>
#include <string>
#include <vector>

#include "fhir/codec.hpp"
#include "fhir/validator.hpp"
#include "fhirpath/invariants.hpp"
#include "node/converter.hpp"
#include "plugins/registry.hpp"
#include "profiles/profile_validator.hpp"

using namespace hidewire;
namespace fs = std::filesystem;
using Clock = std::chrono::steady_clock;

namespace {

double since(Clock::time_point t) { return std::chrono::duration<double>(Clock::now() - t).count(); }

std::string read(const fs::path& p) {
  std::ifstream in(p, std::ios::binary);
  return std::string(std::istreambuf_iterator<char>(in), std::istreambuf_iterator<char>());
}

std::vector<fs::path> files(const fs::path& dir, const std::string& ext, const std::string& must_contain = "") {
  std::vector<fs::path> out;
  for (const auto& e : fs::directory_iterator(dir))
    if (e.path().extension() == ext && e.path().filename().string().find(must_contain) != std::string::npos) out.push_back(e.path());
  std::sort(out.begin(), out.end());
  return out;
}

std::size_t count_resources(const fhir::Node& n) {
  std::size_t c = n.is_resource;
  for (const fhir::Node& k : n.children) c += count_resources(k);
  return c;
}

}  // namespace

int main(int argc, char** argv) {
  if (argc < 2) {
    std::fprintf(stderr, "usage: bench_profiles DATA_DIR [SECONDS]\n");
    return 2;
  }
  fs::path data = argv[1];
  double seconds = argc > 2 ? std::atof(argv[2]) : 3;

  // Build UK Core's snapshots: load (parse every file) and compile, timed from scratch 5 times.
  double load_best = 1e9, compile_best = 1e9;
  std::unique_ptr<profiles::ProfileSet> set;
  for (int i = 0; i < 5; ++i) {
    auto s = std::make_unique<profiles::ProfileSet>();
    fhir::Diagnostics d;
    auto t0 = Clock::now();
    s->load((data / "uk-core").string(), d);
    double load = since(t0);
    auto t1 = Clock::now();
    s->compile(d);
    double compile = since(t1);
    if (d.has_errors()) {
      std::fprintf(stderr, "UK Core did not load\n");
      return 1;
    }
    load_best = std::min(load_best, load);
    compile_best = std::min(compile_best, compile);
    set = std::move(s);
  }
  std::printf("{\"op\":\"uk_core_snapshots\",\"structure_definitions\":%zu,\"load_ms\":%.1f,\"compile_ms\":%.1f}\n",
              set->structure_definitions(), load_best * 1e3, compile_best * 1e3);

  // The converters' output.
  std::vector<std::pair<std::string, std::string>> inputs;  // format, text
  for (const fs::path& p : files(data / "hl7v2", ".hl7"))
    if (p.filename().string().rfind("malformed_", 0) != 0 && p.filename().string().find("bad_") == std::string::npos)
      inputs.emplace_back("hl7v2", read(p));
  auto gp = [](std::string t) {
    for (const char* old : {"9999999999", "1234567890", "9432003812"})
      for (std::size_t at = t.find(old); at != std::string::npos; at = t.find(old, at)) t.replace(at, 10, "9485211007");
    return t;
  };
  for (const fs::path& p : files(data / "gpconnect", ".json", "_response")) inputs.emplace_back("fhir-stu3", gp(read(p)));
  for (const fs::path& p : files(data / "gpconnect-records", ".json")) inputs.emplace_back("fhir-stu3", gp(read(p)));
  std::vector<fhir::Node> bundles;
  std::size_t resources = 0;
  for (const auto& [format, text] : inputs) {
    auto conv = plugins::make_converter(format)->convert(text, node::MessageInfo{"bench", format, "2026-12-03T09:00:00Z", ""});
    if (conv.status != node::Conversion::Status::Converted) continue;
    fhir::Diagnostics d;
    fhir::Node n;
    if (!fhir::parse_json(conv.bundle_json, fhir::Schema::r4(), n, d)) continue;
    resources += count_resources(n);
    bundles.push_back(std::move(n));
  }

  const fhir::Schema& schema = fhir::Schema::r4();
  auto base = [&](const fhir::Node& b, fhir::Diagnostics& d) {
    fhir::validate(b, schema, d);
    fhirpath::check_invariants(b, schema, d);
  };
  auto uk = [&](const fhir::Node& b, fhir::Diagnostics& d) { profiles::validate_profiles(b, {}, *set, d); };
  struct Op {
    const char* name;
    std::function<void(const fhir::Node&, fhir::Diagnostics&)> fn;
  };
  std::vector<Op> ops = {{"base", base},
                         {"uk_core", [&](const fhir::Node& b, fhir::Diagnostics& d) { base(b, d), uk(b, d); }},
                         {"profiles", uk}};
  std::fprintf(stderr, "%zu Bundles, %zu resources; UK Core: load %.1f ms, snapshots %.1f ms (%zu definitions)\n", bundles.size(),
               resources, load_best * 1e3, compile_best * 1e3, set->structure_definitions());
  std::size_t sink = 0;
  for (const Op& op : ops) {
    std::size_t errors = 0;
    for (const fhir::Node& b : bundles) {
      fhir::Diagnostics d;
      op.fn(b, d);
      errors += d.has_errors();
    }
    auto warm = Clock::now();
    while (since(warm) < 0.5)
      for (const fhir::Node& b : bundles) {
        fhir::Diagnostics d;
        op.fn(b, d);
        sink += d.issues().size();
      }
    std::size_t passes = 0;
    auto t = Clock::now();
    do {
      for (const fhir::Node& b : bundles) {
        fhir::Diagnostics d;
        op.fn(b, d);
        sink += d.issues().size();
      }
      ++passes;
    } while (since(t) < seconds);
    double el = since(t);
    double per_s = static_cast<double>(resources * passes) / el;
    std::printf("{\"op\":\"%s\",\"resources_per_s\":%.0f,\"bundles_per_s\":%.1f,\"bundles\":%zu,\"resources\":%zu,\"bundles_with_errors\":%zu}\n",
                op.name, per_s, bundles.size() * passes / el, bundles.size(), resources, errors);
    std::fprintf(stderr, "%-9s %10.0f resources/s  %8.1f Bundles/s  (%zu with errors)\n", op.name, per_s, bundles.size() * passes / el, errors);
  }
  std::fprintf(stderr, "(checksum %zu)\n", sink);
  return 0;
}
