// FHIRPath evaluation throughput on the shared workload (bench/node/fhirpath_workload.js):
// each expression compiled once outside the timing, then evaluated on its resource.
// Usage: bench_fhirpath EXAMPLES_DIR WORKLOAD_JSON [SECONDS]
#include <rapidjson/document.h>

#include <chrono>
#include <cstdio>
#include <fstream>
#include <iterator>
#include <map>
#include <memory>
#include <string>
#include <vector>

#include "fhir/codec.hpp"
#include "fhirpath/fhirpath.hpp"

using namespace hidewire;

namespace {
std::string read(const std::string& p) {
  std::ifstream in(p, std::ios::binary);
  return std::string(std::istreambuf_iterator<char>(in), std::istreambuf_iterator<char>());
}
}  // namespace

int main(int argc, char** argv) {
  if (argc < 3) {
    std::fprintf(stderr, "usage: bench_fhirpath EXAMPLES_DIR WORKLOAD_JSON [SECONDS]\n");
    return 2;
  }
  std::string dir = argv[1];
  double seconds = argc > 3 ? std::stod(argv[3]) : 2.0;
  rapidjson::Document work;
  work.Parse(read(argv[2]).c_str());
  if (work.HasParseError() || !work.IsArray()) {
    std::fprintf(stderr, "cannot read the workload %s\n", argv[2]);
    return 2;
  }
  std::map<std::string, std::unique_ptr<fhir::Node>> resources;
  fhirpath::ExpressionCache cache;
  struct Job {
    std::shared_ptr<const fhirpath::Expression> expr;
    const fhir::Node* resource;
  };
  std::vector<Job> jobs;
  std::size_t errors = 0;
  for (const auto& p : work.GetArray()) {
    std::string file = p["file"].GetString();
    auto& r = resources[file];
    if (!r) {
      r = std::make_unique<fhir::Node>();
      fhir::Diagnostics d;
      if (!fhir::parse_json(read(dir + "/" + file), fhir::Schema::r4(), *r, d)) return 1;
    }
    jobs.push_back({cache.get(p["expression"].GetString()), r.get()});
  }
  auto run = [&](const Job& j) -> std::size_t {
    fhirpath::EvalContext ctx;
    ctx.resource = j.resource;
    ctx.collection_as = true;  // the workload holds R4's own invariants
    ctx.on_trace = [](const std::string&, const fhirpath::Collection&) {};
    try {
      return j.expr->evaluate(ctx).size();
    } catch (const fhirpath::EvalError&) {
      ++errors;
      return 0;
    }
  };
  std::size_t sink = 0;
  for (const Job& j : jobs) sink += run(j);
  std::size_t first_pass_errors = errors;
  auto start = std::chrono::steady_clock::now();
  std::size_t passes = 0;
  double elapsed = 0;
  do {
    for (const Job& j : jobs) sink += run(j);
    ++passes;
    elapsed = std::chrono::duration<double>(std::chrono::steady_clock::now() - start).count();
  } while (elapsed < seconds);
  double per_s = static_cast<double>(passes * jobs.size()) / elapsed;
  std::printf("{\"impl\":\"hidewire\",\"op\":\"fhirpath_eval\",\"resources_per_s\":%.1f,\"mb_per_s\":0,\"files\":%zu,\"passes\":%zu,\"expressions\":%zu}\n",
              per_s, jobs.size(), passes, cache.size());
  std::fprintf(stderr, "fhirpath_eval %10.0f evaluations/s (%zu pairs, %zu expressions, %zu evaluation errors per pass, checksum %zu)\n",
               per_s, jobs.size(), cache.size(), first_pass_errors, sink % 1000);
  return 0;
}
