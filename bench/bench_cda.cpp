// NHS CDA (NHS 111 Post Event Message) -> FHIR R4 throughput, one core: the whole `cda`
// conversion per document (parse, envelope, header, sections and coded entries, narrative to
// XHTML, the transaction Bundle written), over the valid PEMs of tests/data/cda (or every .xml
// of DOC_DIR: the C-CDA shape the peer reads, bench/run_cda_bench.sh), counted in the resources
// made. Same JSON-line output as the other benchmarks.
// Usage: bench_cda DATA_DIR(tests/data) [SECONDS [DOC_DIR]]
#include <algorithm>
#include <chrono>
#include <cstdio>
#include <fstream>
#include <iterator>
#include <string>
#include <vector>
#include <filesystem>

#include "plugins/converters/cda/cda_converter.hpp"

using namespace hidewire;

int main(int argc, char** argv) {
  std::string dir = argc > 1 ? argv[1] : "tests/data";
  double seconds = argc > 2 ? std::stod(argv[2]) : 2.0;
  std::vector<std::string> files;
  if (argc > 3) {
    for (const auto& e : std::filesystem::directory_iterator(argv[3]))
      if (e.path().extension() == ".xml") files.push_back(e.path().string());
    std::sort(files.begin(), files.end());
  } else {
    for (const char* f : {"pem_dx05_gp_2h_envelope.xml", "pem_dx02_ed_coded.xml", "pem_dx13_self_care_envelope.xml", "pem_dx75_pharmacy.xml",
                          "pem_dx011_ambulance_envelope.xml", "pem_dx06_nested_sections.xml", "pem_dx05_replacement.xml", "pem_no_nhs_number.xml"})
      files.push_back(dir + "/cda/" + f);
  }
  std::vector<std::string> docs;
  std::size_t bytes = 0, resources = 0;
  auto conv = plugins::cda::make(plugins::cda::Settings{});
  node::MessageInfo info{"bench", "cda", "2026-12-03T18:40:00Z", "sha256:bench", nullptr};
  for (const std::string& f : files) {
    std::ifstream in(f, std::ios::binary);
    docs.emplace_back(std::istreambuf_iterator<char>(in), std::istreambuf_iterator<char>());
    bytes += docs.back().size();
    node::Conversion c = conv->convert(docs.back(), info);
    if (c.status != node::Conversion::Status::Converted) {
      std::fprintf(stderr, "%s did not convert\n", f.c_str());
      return 1;
    }
    for (std::size_t at = c.bundle_json.find("\"fullUrl\""); at != std::string::npos; at = c.bundle_json.find("\"fullUrl\"", at + 1)) ++resources;
  }
  std::size_t sink = 0, passes = 0;
  double elapsed = 0;
  auto start = std::chrono::steady_clock::now();
  do {
    for (const std::string& d : docs) sink += conv->convert(d, info).bundle_json.size();
    ++passes;
    elapsed = std::chrono::duration<double>(std::chrono::steady_clock::now() - start).count();
  } while (elapsed < seconds);
  double per_s = static_cast<double>(passes * resources) / elapsed;
  std::printf("{\"impl\":\"hidewire\",\"op\":\"cda_to_r4\",\"resources_per_s\":%.1f,\"docs_per_s\":%.1f,\"mb_per_s\":%.2f,\"files\":%zu,\"passes\":%zu}\n",
              per_s, static_cast<double>(passes * docs.size()) / elapsed, static_cast<double>(passes * bytes) / elapsed / 1e6, docs.size(), passes);
  std::fprintf(stderr, "cda_to_r4 %10.0f resources/s, %.0f documents/s (%zu documents, %zu resources, checksum %zu)\n", per_s,
               static_cast<double>(passes * docs.size()) / elapsed, docs.size(), resources, sink % 1000);
  return 0;
}
