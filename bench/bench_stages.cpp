// Where a message's time goes in the node, stage by stage, one thread: parse + convert, the
// conformance gate (parse, structure, invariants), the journal's group commit and the store's
// batched transaction, each over the same ORU^R01 messages as bench_ingest. CPU time is given
// beside wall time for the two SQLite stages, whose wall time includes the syncs.
// SENDER_ODS: convert as for a sender with a credential (the node's path since issue 10: the
// Provenance names its organisation) and journal the caller with each message.
// Usage: bench_stages MESSAGES BATCH DIR [SENDER_ODS]
#include <chrono>
#include <cstdio>
#include <ctime>
#include <filesystem>
#include <string>
#include <vector>

#include "hl7v2/message.hpp"
#include "bench/ingest_message.hpp"
#include "fhir/codec.hpp"
#include "fhir/validator.hpp"
#include "fhirpath/invariants.hpp"
#include "mapping/engine/converter.hpp"
#include "plugins/stores/sqlite/fhir_store.hpp"
#include "plugins/journals/sqlite/journal.hpp"

using namespace hidewire;
using Clock = std::chrono::steady_clock;

namespace {


double us(Clock::duration d) { return std::chrono::duration<double, std::micro>(d).count(); }
double cpu_us(std::clock_t a, std::clock_t b) { return static_cast<double>(b - a) * 1e6 / CLOCKS_PER_SEC; }

}  // namespace

int main(int argc, char** argv) {
  if (argc < 4) {
    std::fprintf(stderr, "usage: bench_stages MESSAGES BATCH DIR\n");
    return 2;
  }
  const int n = std::stoi(argv[1]), batch = std::stoi(argv[2]);
  const std::filesystem::path dir = argv[3];
  mapping::ConvertOptions opts;
  if (argc > 4) opts.sender_ods = argv[4];
  const std::string caller = argc > 4 ? R"({"kind":"system","id":"lab-feed","ods":")" + opts.sender_ods + R"(","address":"127.0.0.1:50412"})" : "";
  const fhir::Schema& schema = fhir::Schema::r4();
  std::vector<std::string> raw, bundles;
  for (int i = 0; i < n; ++i) raw.push_back(ingest_message(i));
  { // warm-up: the schema, the maps and the compiled invariants
    hl7v2::ParseError pe;
    fhir::Diagnostics d;
    fhir::Node root;
    auto c = mapping::convert(*hl7v2::parse(raw[0], pe));
    fhir::parse_json(c.bundle_json, schema, root, d);
    fhirpath::check_invariants(root, schema, d);
  }
  auto t0 = Clock::now();
  for (const std::string& m : raw) {
    hl7v2::ParseError pe;
    auto msg = hl7v2::parse(m, pe);
    mapping::Conversion c = mapping::convert(*msg, mapping::MapSet::builtin(), opts);
    if (!c.ok) return std::fprintf(stderr, "conversion failed\n"), 1;
    bundles.push_back(std::move(c.bundle_json));
  }
  auto t1 = Clock::now();
  Clock::duration parse{}, structure{}, invariants{};
  for (const std::string& b : bundles) {
    fhir::Diagnostics d;
    fhir::Node root;
    auto a = Clock::now();
    fhir::parse_json(b, schema, root, d);
    auto m = Clock::now();
    fhir::validate(root, schema, d);
    auto v = Clock::now();
    fhirpath::check_invariants(root, schema, d);
    invariants += Clock::now() - v;
    structure += v - m;
    parse += m - a;
    if (d.has_errors()) return std::fprintf(stderr, "the gate refused a converted message\n"), 1;
  }
  std::filesystem::remove_all(dir);
  std::filesystem::create_directories(dir);
  hidewire::plugins::SqliteJournal journal((dir / "journal.db").string());
  hidewire::plugins::SqliteFhirStore store((dir / "fhir.db").string());
  std::vector<node::JournalEntry> entries(static_cast<std::size_t>(n));
  for (int i = 0; i < n; ++i) {
    node::JournalEntry& e = entries[static_cast<std::size_t>(i)];
    e.channel = "lab";
    e.sender = "LAB^RR8";
    e.message_id = "ING-" + std::to_string(i);
    e.status = "accepted";
    e.raw = raw[static_cast<std::size_t>(i)];
    e.ack = "MSH|^~\\&|HIDEWIRE|LTHT|LAB|RR8|20261124100000||ACK^R01^ACK|HW1|P|2.5.1\rMSA|AA|" + e.message_id + "\r";
    e.output = bundles[static_cast<std::size_t>(i)];
    e.caller = caller;
  }
  std::vector<std::int64_t> ids;
  auto j0 = Clock::now();
  std::clock_t jc0 = std::clock();
  for (int i = 0; i < n; i += batch) {
    std::vector<const node::JournalEntry*> group;
    for (int k = i; k < std::min(n, i + batch); ++k) group.push_back(&entries[static_cast<std::size_t>(k)]);
    std::vector<std::int64_t> batch_ids;
    for (const auto& r : journal.append_batch(group)) batch_ids.push_back(r.id);
    // As in the node: the delivery marks of earlier messages go with the next group commit.
    journal.queue_delivered(batch_ids);
    ids.insert(ids.end(), batch_ids.begin(), batch_ids.end());
  }
  std::clock_t jc1 = std::clock();
  auto j1 = Clock::now();
  for (int i = 0; i < n; i += batch) {
    std::vector<node::FhirStore::BatchItem> items;
    for (int k = i; k < std::min(n, i + batch); ++k)
      items.push_back({&bundles[static_cast<std::size_t>(k)], "journal:" + std::to_string(ids[static_cast<std::size_t>(k)])});
    for (const auto& r : store.transaction_batch(items))
      if (!r.ok) return std::fprintf(stderr, "store: %s\n", r.error.c_str()), 1;
  }
  std::clock_t sc1 = std::clock();
  auto s1 = Clock::now();
  std::printf("| stage | µs per message |\n| --- | ---: |\n");
  std::printf("| parse v2 + convert to a transaction Bundle | %.1f |\n", us(t1 - t0) / n);
  std::printf("| gate: read the Bundle JSON into the typed tree | %.1f |\n", us(parse) / n);
  std::printf("| gate: structure (cardinality, types, value sets, NHS number) | %.1f |\n", us(structure) / n);
  std::printf("| gate: R4 invariants (FHIRPath) | %.1f |\n", us(invariants) / n);
  std::printf("| journal: group commit of %d (dedup check, append, earlier delivery marks, sync) | %.1f wall, %.1f CPU |\n", batch, us(j1 - j0) / n,
              cpu_us(jc0, jc1) / n);
  std::printf("| store: batched transaction of %d Bundles (≈3 writes each, history, indexes, sync) | %.1f wall, %.1f CPU |\n", batch,
              us(s1 - j1) / n, cpu_us(jc1, sc1) / n);
  return 0;
}
