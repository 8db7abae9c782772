// Routing and delivery: which destinations a converted message goes to (routes from the config,
// with the explicit route for unmatched messages), and delivering it there. Local destinations
// (the FHIR store, files) are written at once; remote ones (HTTP FHIR, MLLP) go through a
// worker that retries with exponential backoff. A message is marked delivered in the journal
// once every destination has it; what was not, after a crash, is delivered again at start-up
// (the store skips what it already applied; remote ones are delivered at least once). A message that cannot be delivered is marked in
// the journal with the reason (the dead letters) and can be replayed.
#pragma once

#include <atomic>
#include <condition_variable>
#include <deque>
#include <map>
#include <mutex>
#include <string>
#include <thread>
#include <vector>

#include "fhirpath/fhirpath.hpp"
#include "router/config.hpp"
#include "router/fhir_store.hpp"
#include "router/journal.hpp"

namespace hidewire::router {

struct Counters {
  std::atomic<std::uint64_t> routed{0}, delivered{0}, failed{0}, dead_lettered{0}, unmatched{0};
};

struct ChannelCounts {
  std::uint64_t routed = 0, delivered = 0, failed = 0, dead_lettered = 0;
};

class Router {
 public:
  Router(const NodeConfig& cfg, Journal& journal, FhirStore& store);
  ~Router();
  // Routes one accepted message (its journal entry with the FHIR Bundle in `output`).
  void route(std::int64_t journal_id, const JournalEntry& e);
  // Runs a journal entry through conversion-free routing again (after a destination recovered).
  bool replay(std::int64_t journal_id, std::string& error);
  // Delivers again what was accepted but not delivered before a crash; returns how many.
  std::size_t recover();
  // Destination names a message goes to.
  std::vector<std::string> destinations_for(const JournalEntry& e);
  const Counters& counters() const { return counters_; }
  std::map<std::string, ChannelCounts> channel_counts();
  void stop();

 private:
  struct Job {
    std::int64_t journal_id;
    const DestinationConfig* dest;
    std::string payload;  // FHIR Bundle JSON, or the raw v2 message for MLLP
    std::string channel;
    int attempt = 0;
  };
  bool deliver(const Job& job, std::string& error);
  void worker();
  void fail(std::int64_t id, const std::string& why);
  void remote_done(std::int64_t id, bool ok);

  const NodeConfig& cfg_;
  Journal& journal_;
  FhirStore& store_;
  fhirpath::ExpressionCache predicates_;
  Counters counters_;
  std::mutex counts_mu_;
  std::map<std::string, ChannelCounts> channels_;
  void count(const std::string& channel, std::uint64_t ChannelCounts::*field);
  std::mutex mu_;
  std::condition_variable cv_;
  std::deque<Job> queue_;
  std::map<std::int64_t, int> pending_;  // journal id -> remote deliveries still to succeed
  bool stopping_ = false;
  std::thread thread_;
};

}  // namespace hidewire::router
