// Routing and delivery: which destinations a converted message goes to (routes from the config,
// with the explicit route for unmatched messages), and delivering it there. Messages come in
// batches, in journal order, from the group commit. The FHIR store gets each batch in one
// store transaction (one sync) on the local worker; files are written by the same worker;
// each remote destination (HTTP FHIR, MLLP) has its own worker that retries with exponential
// backoff. Each worker keeps journal order, so one patient's messages arrive in the order they
// were received. A message is marked delivered once every destination has it; what was not,
// after a crash, is delivered again at start-up (the store skips what it already applied under
// the message's key; remote destinations get it at least once). A message that cannot be
// delivered is marked failed in the journal with the reason (the dead letters) and can be replayed.
#pragma once

#include <atomic>
#include <chrono>
#include <condition_variable>
#include <deque>
#include <map>
#include <memory>
#include <mutex>
#include <string>
#include <thread>
#include <vector>

#include "fhirpath/fhirpath.hpp"
#include "node/config.hpp"
#include "node/group_journal.hpp"
#include "node/journal.hpp"
#include "node/sink.hpp"
#include "node/storage.hpp"

namespace hidewire::node {

class Activity;  // node/activity.hpp

struct Counters {
  std::atomic<std::uint64_t> routed{0}, delivered{0}, failed{0}, dead_lettered{0}, unmatched{0};
};

struct ChannelCounts {
  std::uint64_t routed = 0, delivered = 0, failed = 0, dead_lettered = 0;
};

class Router {
 public:
  // `sinks` by destination name, one for each of cfg.destinations; they must outlive the router.
  Router(const NodeConfig& cfg, Journal& journal, std::map<std::string, Sink*> sinks);
  ~Router();
  // Routes accepted messages (journal entries with the FHIR Bundle in `output`), in order.
  void route_batch(std::vector<Committed>&& batch);
  void route(std::int64_t journal_id, const JournalEntry& e);
  // Runs a journal entry through routing again (after a destination recovered) and waits up to
  // `wait` for every destination's outcome: true when all have it, false with the reason when one
  // refused it or the wait ended first (then `pending` is set).
  bool replay(std::int64_t journal_id, std::string& error, std::chrono::milliseconds wait, bool& pending);
  // Delivers again what was accepted but not delivered before a crash; returns how many.
  std::size_t recover();
  // Destination names a message goes to.
  std::vector<std::string> destinations_for(const JournalEntry& e);
  const Counters& counters() const { return counters_; }
  std::map<std::string, ChannelCounts> channel_counts();
  // Messages waiting for (or being retried to) the destination.
  std::size_t queue_depth(const std::string& destination);
  // Where each routing and delivery attempt is recorded (the dashboard); set before traffic.
  void set_activity(Activity* activity) { activity_ = activity; }
  void stop();

 private:
  struct Job {
    std::int64_t journal_id;
    Sink* dest;
    std::shared_ptr<const JournalEntry> entry;  // local jobs; remote ones read it from the journal when
                                                // they are tried, so a long queue for a peer that is down
                                                // holds ids, not messages
    std::shared_ptr<const std::string> channel;
    int attempt = 0;
    std::chrono::steady_clock::time_point routed_at = std::chrono::steady_clock::now();  // the delivery latency's start
  };
  struct Queue {
    std::deque<Job> jobs;
    std::thread thread;
  };
  void local_worker();
  void deliver_local(std::vector<Job>& jobs);
  void remote_worker(Queue& q);
  void done(const Job& job, bool ok, const std::string& error);
  void fail(std::int64_t id, const std::string& why);
  void count(const std::string& channel, std::uint64_t ChannelCounts::*field);
  void record(const Job& job, const char* outcome, const std::string& detail);

  const NodeConfig& cfg_;
  Journal& journal_;
  std::map<std::string, Sink*> sinks_;
  // Whether any route looks into the Bundle: fixed by the config, so found once rather than for
  // every message.
  const bool routes_read_bundle_;
  Activity* activity_ = nullptr;
  fhirpath::ExpressionCache predicates_;
  Counters counters_;
  std::mutex counts_mu_;
  std::map<std::string, ChannelCounts> channels_;
  std::mutex mu_;
  std::condition_variable cv_, room_cv_;  // room_cv_: the local queue has room again
  Queue local_;
  // One queue and worker per remote destination: a peer that is down holds up only its own
  // messages, in order, while the others keep flowing.
  std::map<const Sink*, std::unique_ptr<Queue>> remote_;
  std::map<std::int64_t, int> pending_;  // journal id -> deliveries still to succeed
  // Replays waiting for their outcome: journal id -> the reason it failed ("" while going well).
  std::map<std::int64_t, std::string> watched_;
  std::condition_variable watch_cv_;
  bool stopping_ = false;
  StorageWatch local_watch_{"local delivery", "deliveries wait, in order, and are tried again"};
};

}  // namespace hidewire::node
