// NHS number tracing against a large index (issue 15): matches per second through the node's
// `sqlite-store` patient index and matching::trace, at the default thresholds, one thread. The
// index is the synthetic population of tests/matching/population.hpp (seeded: the same people on
// every run), loaded into the node's SQLite FHIR store once; only the queries are timed. The
// queries are a stride sample of the population's own (perturbed copies of held people) and its
// outsiders (people not held); precision and recall at this size are printed beside the rate.
// Usage: bench_match PEOPLE QUERIES DIR [SEED]   (DIR: scratch directory, made afresh;
//        HIDEWIRE_MATCH_FALSE=1 prints each false match)
#include <time.h>

#include <chrono>
#include <cstdio>
#include <cstdlib>
#include <filesystem>
#include <string>
#include <vector>

#include "matching/tracer.hpp"
#include "tests/matching/population_index.hpp"

using namespace hidewire;
using Clock = std::chrono::steady_clock;
namespace fs = std::filesystem;

namespace {

double since(Clock::time_point t0) { return std::chrono::duration<double>(Clock::now() - t0).count(); }
double cpu_s() {
  timespec t{};
  clock_gettime(CLOCK_PROCESS_CPUTIME_ID, &t);
  return static_cast<double>(t.tv_sec) + static_cast<double>(t.tv_nsec) * 1e-9;
}

}  // namespace

int main(int argc, char** argv) {
  if (argc < 4) {
    std::fprintf(stderr, "usage: bench_match PEOPLE QUERIES DIR [SEED]\n");
    return 2;
  }
  std::size_t people = std::stoul(argv[1]), queries = std::stoul(argv[2]);
  fs::path dir = argv[3];
  std::uint64_t seed = argc > 4 ? std::stoull(argv[4]) : 20261204;
  fs::remove_all(dir);
  fs::create_directories(dir);

  auto t0 = Clock::now();
  testing::Population pop = testing::generate_population(people, queries / 5, seed);
  double generate_s = since(t0);
  // The sample: every k-th query of a held person, then the outsiders (a fifth of the queries).
  std::vector<const testing::Query*> sample;
  std::size_t held = queries - queries / 5, stride = std::max<std::size_t>(1, people / std::max<std::size_t>(1, held));
  for (std::size_t i = 0; i < people && sample.size() < held; i += stride) sample.push_back(&pop.queries[i]);
  for (std::size_t i = people; i < pop.queries.size(); ++i) sample.push_back(&pop.queries[i]);
  std::vector<matching::Demographics> asked;
  for (const testing::Query* q : sample) asked.push_back(testing::query_demographics(q->sent));

  t0 = Clock::now();
  testing::load_population(dir, pop.people);
  double load_s = since(t0);
  pop.people.clear();
  pop.people.shrink_to_fit();

  auto index = testing::open_store_index(dir);
  matching::Thresholds thresholds;
  bool show_false = std::getenv("HIDEWIRE_MATCH_FALSE") != nullptr;
  std::size_t right = 0, wrong = 0, ambiguous = 0, none = 0, meant = 0;
  t0 = Clock::now();
  double cpu0 = cpu_s();
  for (std::size_t i = 0; i < sample.size(); ++i) {
    matching::Trace t = matching::trace(asked[i], {index.get()}, thresholds);
    const std::string& truth = sample[i]->truth;
    meant += !truth.empty();
    if (t.kind == matching::MatchResult::Kind::Confident) (t.nhs_number == truth ? right : wrong) += 1;
    else (t.kind == matching::MatchResult::Kind::Ambiguous ? ambiguous : none) += 1;
    if (t.kind == matching::MatchResult::Kind::Confident && t.nhs_number != truth && show_false)  // synthetic people only
      std::printf("false match (%s): %s -> %s %s: %s\n", sample[i]->how.c_str(), testing::patient_json(sample[i]->sent).c_str(),
                  t.ranked.front().candidate.person.family.c_str(), t.ranked.front().candidate.person.given.front().c_str(), t.reason.c_str());
  }
  double query_s = since(t0), query_cpu_s = cpu_s() - cpu0;
  std::printf("index: %zu people, generated in %.1f s, loaded into the store (blocking indexes maintained) in %.1f s (%.0f people/s)\n",
              people, generate_s, load_s, static_cast<double>(people) / load_s);
  std::printf("queries: %zu (%zu of held people, %zu outsiders) in %.2f s: %.0f matches/s, %.1f us each (%.1f us CPU)\n", sample.size(),
              meant, sample.size() - meant, query_s, static_cast<double>(sample.size()) / query_s, query_s * 1e6 / static_cast<double>(sample.size()),
              query_cpu_s * 1e6 / static_cast<double>(sample.size()));
  std::printf("outcomes: confident right %zu, false %zu, ambiguous %zu, none %zu; precision %.4f recall %.4f\n", right, wrong, ambiguous,
              none, right + wrong ? static_cast<double>(right) / static_cast<double>(right + wrong) : 1.0,
              meant ? static_cast<double>(right) / static_cast<double>(meant) : 0.0);
  fs::remove_all(dir);
  return 0;
}
