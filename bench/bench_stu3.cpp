// FHIR STU3 (GP Connect structured records) -> R4 throughput, one core: the whole fhir-stu3
// conversion per record (read, reshape, fit to R4, resolve references, write the transaction
// Bundle), counted in resources of the input. Same JSON-line output as the other benchmarks.
// Usage: bench_stu3 DATA_DIR(tests/data) [SECONDS]
#include <chrono>
#include <cstdio>
#include <fstream>
#include <iterator>
#include <string>
#include <vector>

#include "mapping/stu3_engine/record.hpp"

using namespace hidewire;

int main(int argc, char** argv) {
  std::string dir = argc > 1 ? argv[1] : "tests/data";
  double seconds = argc > 2 ? std::stod(argv[2]) : 2.0;
  const char* files[] = {"gpconnect/structured_allergies_response1.json", "gpconnect/structured_consultations_forwards_response1.json",
                         "gpconnect/structured_immunizations_response1.json", "gpconnect/structured_meds_response.json",
                         "gpconnect/structured_referrals_response1.json", "gpconnect/structured_uncategorised_response1.json",
                         "gpconnect-records/hargreaves_ten_years.json"};
  std::vector<std::string> records;
  std::size_t bytes = 0, resources = 0;
  for (const char* f : files) {
    std::ifstream in(dir + "/" + f, std::ios::binary);
    records.emplace_back(std::istreambuf_iterator<char>(in), std::istreambuf_iterator<char>());
    bytes += records.back().size();
    for (std::size_t at = records.back().find("\"resourceType\""); at != std::string::npos;
         at = records.back().find("\"resourceType\"", at + 1))
      ++resources;
    --resources;  // the Bundle itself
  }
  const mapping::stu3::Maps& maps = mapping::stu3::Maps::builtin();
  mapping::stu3::RecordOptions opts;
  opts.message_id = "3f1c2a9b8e7d6c5b4a39281706f5e4d3c2b1a0f9e8d7c6b5a4938271605f4e3d";
  opts.received_at = "2026-12-03T09:00:00Z";
  std::size_t sink = 0;
  for (const std::string& r : records)
    if (mapping::stu3::convert_record(r, maps, opts).status != mapping::stu3::RecordConversion::Status::Converted) {
      std::fprintf(stderr, "a corpus record did not convert\n");
      return 1;
    }
  auto start = std::chrono::steady_clock::now();
  std::size_t passes = 0;
  double elapsed = 0;
  do {
    for (const std::string& r : records) sink += convert_record(r, maps, opts).bundle_json.size();
    ++passes;
    elapsed = std::chrono::duration<double>(std::chrono::steady_clock::now() - start).count();
  } while (elapsed < seconds);
  double per_s = static_cast<double>(passes * resources) / elapsed;
  std::printf("{\"impl\":\"hidewire\",\"op\":\"stu3_to_r4\",\"resources_per_s\":%.1f,\"mb_per_s\":%.2f,\"files\":%zu,\"passes\":%zu}\n",
              per_s, static_cast<double>(passes * bytes) / elapsed / 1e6, records.size(), passes);
  std::fprintf(stderr, "stu3_to_r4 %10.0f resources/s, %.0f records/s (%zu records, %zu resources, checksum %zu)\n", per_s,
               static_cast<double>(passes * records.size()) / elapsed, records.size(), resources, sink % 1000);
  return 0;
}
