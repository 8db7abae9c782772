// FHIR JSON/XML conversion and validation throughput over a folder of resources, one core.
// Prints one JSON line per operation (same shape as node/fhir_js_bench.js) for the comparison
// table, and a readable summary on stderr.
#include <chrono>
#include <cstdio>
#include <filesystem>
#include <fstream>
#include <functional>
#include <iostream>
#include <iterator>
#include <string>
#include <vector>

#include "fhir/codec.hpp"
#include "fhir/validator.hpp"

using namespace hidewire::fhir;
namespace fs = std::filesystem;

namespace {

std::string read(const fs::path& p) {
  std::ifstream in(p, std::ios::binary);
  return std::string(std::istreambuf_iterator<char>(in), std::istreambuf_iterator<char>());
}

// Repeats whole passes over the inputs until `seconds` have passed, after one warm-up pass.
void measure(const char* op, const std::vector<std::string>& inputs, double seconds,
             const std::function<std::size_t(const std::string&)>& fn) {
  std::size_t bytes = 0, sink = 0;
  for (const std::string& in : inputs) {
    bytes += in.size();
    sink += fn(in);
  }
  auto start = std::chrono::steady_clock::now();
  std::size_t passes = 0;
  double elapsed = 0;
  do {
    for (const std::string& in : inputs) sink += fn(in);
    ++passes;
    elapsed = std::chrono::duration<double>(std::chrono::steady_clock::now() - start).count();
  } while (elapsed < seconds);
  double per_s = static_cast<double>(passes * inputs.size()) / elapsed;
  double mb_s = static_cast<double>(passes * bytes) / elapsed / 1e6;
  std::printf("{\"impl\":\"hidewire\",\"op\":\"%s\",\"resources_per_s\":%.1f,\"mb_per_s\":%.2f,\"files\":%zu,\"passes\":%zu}\n",
              op, per_s, mb_s, inputs.size(), passes);
  std::fprintf(stderr, "%-22s %10.0f resources/s %8.1f MB/s  (%zu files x %zu passes, checksum %zu)\n", op, per_s, mb_s,
               inputs.size(), passes, sink % 1000);
}

}  // namespace

int main(int argc, char** argv) {
  fs::path dir = argc > 1 ? argv[1] : "tests/data/fhir-r4-examples";
  double seconds = argc > 2 ? std::stod(argv[2]) : 2.0;
  std::vector<fs::path> paths;
  for (const auto& e : fs::directory_iterator(dir)) paths.push_back(e.path());
  std::sort(paths.begin(), paths.end());
  const Schema& schema = Schema::r4();

  std::vector<std::string> json, xml_official, xml_from_json;
  for (const fs::path& p : paths) {
    if (p.extension() == ".json") json.push_back(read(p));
    if (p.extension() == ".xml") xml_official.push_back(read(p));
  }
  for (const std::string& j : json) {
    Node n;
    Diagnostics d;
    if (!parse_json(j, schema, n, d)) {
      std::fprintf(stderr, "cannot read an input: %s\n", d.issues().front().message.c_str());
      return 1;
    }
    xml_from_json.push_back(write_xml(n));
  }
  std::vector<std::string> xml_all = xml_official;
  xml_all.insert(xml_all.end(), xml_from_json.begin(), xml_from_json.end());

  measure("json_to_xml", json, seconds, [&](const std::string& in) {
    Node n;
    Diagnostics d;
    parse_json(in, schema, n, d);
    return write_xml(n).size();
  });
  measure("xml_to_json", xml_all, seconds, [&](const std::string& in) {
    Node n;
    Diagnostics d;
    parse_xml(in, schema, n, d);
    return write_json(n).size();
  });
  measure("validate_json", json, seconds, [&](const std::string& in) {
    Node n;
    Diagnostics d;
    parse_json(in, schema, n, d);
    validate(n, schema, d);
    return d.issues().size();
  });
  return 0;
}
