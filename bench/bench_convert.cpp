// FHIR JSON/XML conversion and validation throughput over a folder of resources, one thread.
// The same operations as node/fhir_js_bench.js (the npm package `fhir`), same output: one JSON
// line per operation on stdout for bench/compare.js, and a readable table on stderr.
//
// Usage: bench_convert [DIR] [SECONDS]
//   DIR      folder of FHIR R4 resources (*.json, *.xml); default tests/data/fhir-r4-examples
//   SECONDS  timed seconds per operation (default 2), after a warm-up of at least 0.5 s
//
// Operations (MB/s counts input bytes):
//   json_to_xml            JSON text -> parse_json -> write_xml -> XML text
//   xml_to_json            XML text -> parse_xml -> write_json -> JSON text, over all XML below
//   xml_to_json_official   ... over the official XML examples only
//   xml_to_json_from_json  ... over the XML this library writes for the JSON examples
//   validate_json          JSON text -> parse_json -> validate
//   validate_parsed        validate on the trees parsed beforehand
// Inputs that cannot be read are listed under "failed" and left out of the timing; validate_*
// lines name the inputs with errors ("invalid_files").
#include <algorithm>
#include <chrono>
#include <cstdio>
#include <filesystem>
#include <fstream>
#include <functional>
#include <iterator>
#include <string>
#include <utility>
#include <vector>

#include "fhir/json_escape.hpp"
#include "fhir/codec.hpp"
#include "fhir/schema.hpp"
#include "fhir/validator.hpp"

using namespace hidewire::fhir;
namespace fs = std::filesystem;

namespace {

struct Input {
  std::string name;
  std::string text;
  Node tree;  // parsed once, for validate_parsed
};

std::string read(const fs::path& p) {
  std::ifstream in(p, std::ios::binary);
  return std::string(std::istreambuf_iterator<char>(in), std::istreambuf_iterator<char>());
}


using Clock = std::chrono::steady_clock;
double since(Clock::time_point t) { return std::chrono::duration<double>(Clock::now() - t).count(); }

// What one call did: ok = false when the input could not be read (left out of the timing);
// size feeds a checksum so the work cannot be optimised away; invalid marks validation errors.
struct Outcome {
  bool ok = true;
  std::size_t size = 0;
  bool invalid = false;
  std::string why;
};
Outcome done(std::size_t size, bool invalid = false) { return {true, size, invalid, {}}; }
Outcome unreadable(std::string why) { return {false, 0, false, std::move(why)}; }

struct Row {
  std::string op;
  double per_s, mb_s;
  std::size_t files, passes, failed;
};
std::vector<Row> rows;

void measure(const char* op, const std::vector<const Input*>& inputs, double seconds, bool judged,
             const std::function<Outcome(const Input&)>& fn) {
  std::vector<const Input*> ok;
  std::vector<std::string> failed, invalid_files;
  std::size_t invalid = 0, sink = 0, bytes = 0;
  for (const Input* in : inputs) {
    Outcome o = fn(*in);
    if (!o.ok) {
      failed.push_back(in->name + ": " + o.why);
      continue;
    }
    ok.push_back(in);
    bytes += in->text.size();
    invalid += o.invalid;
    if (o.invalid) invalid_files.push_back(in->name);
  }
  const double warmup = std::min(0.5, seconds);
  auto warm_start = Clock::now();
  do {
    for (const Input* in : ok) sink += fn(*in).size;
  } while (since(warm_start) < warmup);

  std::size_t passes = 0;
  double elapsed = 0;
  auto start = Clock::now();
  do {
    for (const Input* in : ok) sink += fn(*in).size;
    ++passes;
    elapsed = since(start);
  } while (elapsed < seconds);

  double per_s = static_cast<double>(passes * ok.size()) / elapsed;
  double mb_s = static_cast<double>(passes * bytes) / elapsed / 1e6;
  std::string line = "{\"impl\":\"hidewire\",\"op\":\"" + std::string(op) + "\"";
  char num[160];
  std::snprintf(num, sizeof num, ",\"resources_per_s\":%.1f,\"mb_per_s\":%.2f,\"files\":%zu,\"passes\":%zu", per_s,
                mb_s, ok.size(), passes);
  line += num;
  if (judged) {
    line += ",\"invalid\":" + std::to_string(invalid);
    line += ",\"invalid_files\":[";
    for (std::size_t i = 0; i < invalid_files.size(); ++i) line += (i ? ",\"" : "\"") + json_escape(invalid_files[i]) + "\"";
    line += "]";
  }
  if (!failed.empty()) {
    line += ",\"failed\":[";
    for (std::size_t i = 0; i < failed.size(); ++i) line += (i ? ",\"" : "\"") + json_escape(failed[i]) + "\"";
    line += "]";
  }
  line += "}";
  std::printf("%s\n", line.c_str());
  std::fflush(stdout);
  rows.push_back({op, per_s, mb_s, ok.size(), passes, failed.size()});
  if (sink == 42) std::fprintf(stderr, " ");  // keeps `sink` alive
}

std::string first_problem(const Diagnostics& d) {
  for (const Issue& i : d.issues())
    if (i.severity == Severity::Fatal || i.severity == Severity::Error) return i.message;
  return "unreadable";
}

}  // namespace

int main(int argc, char** argv) {
  fs::path dir = argc > 1 && argv[1][0] ? argv[1] : "tests/data/fhir-r4-examples";
  double seconds = argc > 2 ? std::stod(argv[2]) : 2.0;
  std::vector<fs::path> paths;
  for (const auto& e : fs::directory_iterator(dir)) paths.push_back(e.path());
  std::sort(paths.begin(), paths.end());
  const Schema& schema = Schema::r4();

  // Kept in lists of stable addresses (reserve), referred to by pointer below.
  std::vector<Input> json, xml_official, xml_from_json;
  json.reserve(paths.size());
  xml_official.reserve(paths.size());
  xml_from_json.reserve(paths.size());
  for (const fs::path& p : paths) {
    if (p.extension() == ".json") json.push_back({p.filename().string(), read(p), {}});
    if (p.extension() == ".xml") xml_official.push_back({p.filename().string(), read(p), {}});
  }
  for (Input& j : json) {
    Diagnostics d;
    if (parse_json(j.text, schema, j.tree, d))
      xml_from_json.push_back({j.name.substr(0, j.name.size() - 5) + ".json -> xml", write_xml(j.tree), {}});
  }
  auto ptrs = [](const std::vector<Input>& v) {
    std::vector<const Input*> out;
    for (const Input& i : v) out.push_back(&i);
    return out;
  };
  std::vector<const Input*> xml_all = ptrs(xml_official), from_json = ptrs(xml_from_json);
  xml_all.insert(xml_all.end(), from_json.begin(), from_json.end());

  auto json_to_xml = [&](const Input& in) {
    Node n;
    Diagnostics d;
    if (!parse_json(in.text, schema, n, d)) return unreadable(first_problem(d));
    return done(write_xml(n).size());
  };
  auto xml_to_json = [&](const Input& in) {
    Node n;
    Diagnostics d;
    if (!parse_xml(in.text, schema, n, d)) return unreadable(first_problem(d));
    return done(write_json(n).size());
  };
  auto validate_json = [&](const Input& in) {
    Node n;
    Diagnostics d;
    if (!parse_json(in.text, schema, n, d)) return unreadable(first_problem(d));
    validate(n, schema, d);
    return done(d.issues().size(), d.has_errors());
  };
  auto validate_parsed = [&](const Input& in) {
    if (!in.tree.type) return unreadable("not parsed");
    Diagnostics d;
    validate(in.tree, schema, d);
    return done(d.issues().size(), d.has_errors());
  };

  measure("json_to_xml", ptrs(json), seconds, false, json_to_xml);
  measure("xml_to_json", xml_all, seconds, false, xml_to_json);
  measure("xml_to_json_official", ptrs(xml_official), seconds, false, xml_to_json);
  measure("xml_to_json_from_json", from_json, seconds, false, xml_to_json);
  measure("validate_json", ptrs(json), seconds, true, validate_json);
  measure("validate_parsed", ptrs(json), seconds, true, validate_parsed);

  std::fprintf(stderr, "hidewire, one thread, %.1f s per operation, %s\n", seconds, dir.string().c_str());
  std::fprintf(stderr, "%-22s %12s %9s %6s %7s %7s\n", "operation", "resources/s", "MB/s", "files", "passes", "failed");
  for (const Row& r : rows)
    std::fprintf(stderr, "%-22s %12.0f %9.1f %6zu %7zu %7zu\n", r.op.c_str(), r.per_s, r.mb_s, r.files, r.passes,
                 r.failed);
  return 0;
}
