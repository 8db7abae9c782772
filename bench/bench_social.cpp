// Social-care rows per second, converted and journalled, one thread: a Liquidlogic-style CSV of
// PEOPLE people with ROWS rows each (visits, the plan, a carer, a referral; mapping/social/
// liquidlogic_leeds.json) is split into one message per person as the file drop splits it, each
// converted by the `delimited` converter, checked by the conformance gate as the intake does
// (read, structure, R4 invariants), then journalled with the SQLite journal plugin in group
// commits of BATCH (dedup check, append, sync), as the node journals a file's people.
// Usage: bench_social PEOPLE ROWS BATCH DIR
#include <chrono>
#include <cstdio>
#include <filesystem>
#include <string>
#include <vector>

#include "fhir/codec.hpp"
#include "fhir/validator.hpp"
#include "fhirpath/invariants.hpp"
#include "node/intake.hpp"
#include "plugins/journals/sqlite/journal.hpp"
#include "plugins/registry.hpp"

using namespace hidewire;
using Clock = std::chrono::steady_clock;

namespace {

double secs(Clock::duration d) { return std::chrono::duration<double>(d).count(); }

// A valid NHS number from a 9-digit stem (the check digit by Modulus 11; stems giving 10 skipped).
std::string nhs_number(long stem) {
  for (;; ++stem) {
    std::string s = std::to_string(900000000 + stem % 99999999);
    int sum = 0;
    for (int i = 0; i < 9; ++i) sum += (s[static_cast<std::size_t>(i)] - '0') * (10 - i);
    int c = 11 - sum % 11;
    if (c == 11) c = 0;
    if (c != 10) return s + static_cast<char>('0' + c);
  }
}

std::string export_csv(int people, int rows) {
  std::string out =
      "LAS Person ID,NHS Number,Surname,Forename,Date of Birth,Gender,Address Line 1,Town,Postcode,Telephone,Has Carer,Carer Name,"
      "Carer Relationship,Carer Phone,Care Coordinator,Coordinator Role,Coordinator Phone,Episode ID,Service Type,Episode Start,"
      "Episode End,Plan ID,Plan Goals,Plan Needs,Urgent Care Triggers,Plan Review Date,Referral ID,Referral Date,Referral Service,"
      "Referral To,Referral Reason,Visit ID,Visit Date,Visit Type,Visit By,Visit Notes,Diagnosis Code,Worker Team,Extract Run Date\r\n";
  static const char* family[] = {"Whitaker", "Hussain", "Kaye", "Okafor", "Haigh", "Sutcliffe", "Begum", "Ackroyd"};
  static const char* given[] = {"Margaret", "Jamal", "Dorothy", "Grace", "Albert", "Joan", "Rukhsana", "Stanley"};
  static const char* visit[] = {"HV", "TEL", "REV"};
  for (int p = 0; p < people; ++p) {
    std::string id = "LAS-" + std::to_string(200000 + p), nhs = nhs_number(p * 7919L);
    for (int r = 0; r < rows; ++r) {
      char dob[16], vdate[16];
      std::snprintf(dob, sizeof dob, "19%02d-%02d-%02d", 30 + p % 40, 1 + p % 12, 1 + p % 28);
      std::snprintf(vdate, sizeof vdate, "2026-%02d-%02d", 1 + r % 12, 1 + (p + r) % 28);
      out += id + "," + nhs + "," + family[p % 8] + "," + given[p % 8] + "," + dob + "," + (p % 2 ? "M" : "F") + "," +
             std::to_string(1 + p % 200) + " Harehills Lane,Leeds,LS8 4HQ,0113 496 0231,Y,Susan " + family[p % 8] +
             ",Daughter,07700 900231,Priya Sandhu,SW,0113 378 4410,EP-" + std::to_string(p) + ",HOMECARE,2026-06-02,,PL-" +
             std::to_string(p) +
             (r == 0 ? ",Stay living at home;Get to the luncheon club,Help with washing and dressing;Prompts to take tablets,"
                       "Not answering the door;Signs of a chest infection,2026-12-15,R-" + std::to_string(p) +
                           ",2026-10-20,OT,Leeds Community Equipment Service,\"Struggling with the bath, needs a bath lift assessment\""
                     : ",,,,2026-12-15,,,,,") +
             ",V-" + std::to_string(p) + "-" + std::to_string(r) + "," + vdate + "," + visit[r % 3] +
             ",Priya Sandhu,\"Visit notes: cheerful, ate well; nights unsettled.\",DEM,East Team,2026-12-03\r\n";
    }
  }
  return out;
}

}  // namespace

int main(int argc, char** argv) {
  if (argc < 5) {
    std::fprintf(stderr, "usage: bench_social PEOPLE ROWS BATCH DIR\n");
    return 2;
  }
  const int people = std::stoi(argv[1]), rows = std::stoi(argv[2]), batch = std::stoi(argv[3]);
  const std::filesystem::path dir = argv[4];
  auto conv = plugins::make_converter("delimited", R"({"source_maps": [{"source": "leeds-las", "map": "liquidlogic-leeds"}]})");
  const fhir::Schema& schema = fhir::Schema::r4();
  std::string file = export_csv(people, rows);
  node::MessageInfo info{"leeds-las", "delimited", "2026-12-03T09:00:00Z", "", nullptr};
  { // warm-up: the maps, the schema, the compiled invariants
    auto parts = conv->split(file.substr(0, file.find('\n', file.find('\n') + 1) + 1), info);
    node::Conversion c = conv->convert(parts.at(0), info);
    fhir::Diagnostics d;
    fhir::Node root;
    fhir::parse_json(c.bundle_json, schema, root, d);
    fhirpath::check_invariants(root, schema, d);
  }
  auto t0 = Clock::now();
  std::vector<std::string> parts = conv->split(file, info);
  if (static_cast<int>(parts.size()) != people) return std::fprintf(stderr, "split into %zu, not %d\n", parts.size(), people), 1;
  std::vector<node::Conversion> done;
  done.reserve(parts.size());
  for (const std::string& p : parts) {
    done.push_back(conv->convert(p, info));
    if (done.back().status != node::Conversion::Status::Converted) return std::fprintf(stderr, "a person was refused\n"), 1;
  }
  auto t1 = Clock::now();
  for (const node::Conversion& c : done) {
    fhir::Diagnostics d;
    fhir::Node root;
    fhir::parse_json(c.bundle_json, schema, root, d);
    fhir::validate(root, schema, d);
    fhirpath::check_invariants(root, schema, d);
    if (d.has_errors()) return std::fprintf(stderr, "the gate refused a person\n"), 1;
  }
  auto t2 = Clock::now();
  std::filesystem::remove_all(dir);
  std::filesystem::create_directories(dir);
  plugins::SqliteJournal journal((dir / "journal.db").string());
  std::vector<node::JournalEntry> entries(parts.size());
  for (std::size_t i = 0; i < parts.size(); ++i) {
    node::JournalEntry& e = entries[i];
    e.channel = "leeds-las";
    e.format = "delimited";
    e.sender = done[i].sender;
    e.message_id = done[i].control_id;
    e.content_hash = done[i].control_id;
    e.event = done[i].event;
    e.status = "accepted";
    e.raw = parts[i];
    e.ack = R"({"resourceType":"OperationOutcome","issue":[{"severity":"information","code":"informational"}]})";
    e.output = done[i].bundle_json;
    e.received_at = "2026-12-03T09:00:00Z";
  }
  for (std::size_t i = 0; i < entries.size(); i += static_cast<std::size_t>(batch)) {
    std::vector<const node::JournalEntry*> group;
    for (std::size_t k = i; k < std::min(entries.size(), i + static_cast<std::size_t>(batch)); ++k) group.push_back(&entries[k]);
    journal.append_batch(group);
  }
  auto t3 = Clock::now();
  const double n = static_cast<double>(people) * rows;
  std::printf("| stage (%d people x %d rows, group commits of %d) | rows per second | µs per person |\n| --- | ---: | ---: |\n", people,
              rows, batch);
  std::printf("| split + convert (delimited, liquidlogic-leeds map) | %.0f | %.1f |\n", n / secs(t1 - t0), secs(t1 - t0) * 1e6 / people);
  std::printf("| conformance gate (read, structure, R4 invariants) | %.0f | %.1f |\n", n / secs(t2 - t1), secs(t2 - t1) * 1e6 / people);
  std::printf("| journal (SQLite plugin: dedup check, append, sync) | %.0f | %.1f |\n", n / secs(t3 - t2), secs(t3 - t2) * 1e6 / people);
  std::printf("| all: converted, gated and journalled | %.0f | %.1f |\n", n / secs(t3 - t0), secs(t3 - t0) * 1e6 / people);
  return 0;
}
