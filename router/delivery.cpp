#include "router/delivery.hpp"

#include <algorithm>
#include <chrono>
#include <optional>

#include <pthread.h>

#include "adapters/hl7v2/message.hpp"
#include "fhir/codec.hpp"
#include "router/destinations.hpp"

namespace hidewire::router {
namespace {

constexpr std::size_t kMaxLocalBatch = 512;
constexpr std::chrono::milliseconds kLocalGather{20};
// Past this many local deliveries waiting, routing waits for the store: the journal's group
// commit then slows, and with it the ACKs, so senders slow down instead of memory filling up.
constexpr std::size_t kMaxLocalQueue = 20000;

bool is_local(const DestinationConfig& d) { return d.type == DestinationType::FhirStore || d.type == DestinationType::File; }

}  // namespace

Router::Router(const NodeConfig& cfg, Journal& journal, FhirStore& store)
    : cfg_(cfg),
      journal_(journal),
      store_(store),
      routes_read_bundle_(std::any_of(cfg.routes.begin(), cfg.routes.end(),
                                      [](const RouteConfig& r) { return !r.match.resource_types.empty() || !r.match.fhirpath.empty(); })),
      routes_read_type_(std::any_of(cfg.routes.begin(), cfg.routes.end(), [](const RouteConfig& r) { return !r.match.message_types.empty(); })) {
  // Named for top -H and perf.
  local_.thread = std::thread([this] {
    pthread_setname_np(pthread_self(), "hw-local");
    local_worker();
  });
  for (const DestinationConfig& d : cfg_.destinations) {
    if (is_local(d)) continue;
    Queue& q = *remote_.emplace(&d, std::make_unique<Queue>()).first->second;
    q.thread = std::thread([this, &q, name = d.name] {
      pthread_setname_np(pthread_self(), ("hw-" + name).substr(0, 15).c_str());
      remote_worker(q);
    });
  }
}

Router::~Router() { stop(); }

void Router::stop() {
  {
    std::lock_guard lock(mu_);
    if (stopping_) return;
    stopping_ = true;
  }
  cv_.notify_all();
  room_cv_.notify_all();
  if (local_.thread.joinable()) local_.thread.join();
  for (auto& [dest, q] : remote_)
    if (q->thread.joinable()) q->thread.join();
}

std::vector<std::string> Router::destinations_for(const JournalEntry& e) {
  std::vector<std::string> out;
  // The Bundle and the v2 message are read only when some route looks into them.
  fhir::Node bundle;
  bool parsed = false;
  if (routes_read_bundle_) {
    fhir::Diagnostics d;
    parsed = fhir::parse_json(e.output, fhir::Schema::r4(), bundle, d);
  }
  std::string type = e.event;
  if (type.empty() && routes_read_type_) {
    hl7v2::ParseError perr;
    if (auto msg = hl7v2::parse(e.raw, perr)) type = std::string(msg->message_code()) + "^" + std::string(msg->trigger_event());
  }
  for (const RouteConfig& r : cfg_.routes) {
    const RouteMatch& m = r.match;
    if (!m.sources.empty() && std::find(m.sources.begin(), m.sources.end(), e.channel) == m.sources.end()) continue;
    if (!m.message_types.empty() && std::find(m.message_types.begin(), m.message_types.end(), type) == m.message_types.end()) continue;
    bool any = m.resource_types.empty() && m.fhirpath.empty();
    if (!any && parsed) {
      for (const fhir::Node& entry : bundle.children) {
        const fhir::Node* res = entry.name == "entry" ? entry.child("resource") : nullptr;
        if (!res) continue;
        if (!m.resource_types.empty() &&
            std::find(m.resource_types.begin(), m.resource_types.end(), std::string(res->resource_type())) == m.resource_types.end())
          continue;
        if (!m.fhirpath.empty()) {
          fhirpath::EvalContext ctx;
          ctx.resource = res;
          try {
            if (fhirpath::as_boolean(predicates_.get(m.fhirpath)->evaluate(ctx)) != true) continue;
          } catch (const std::exception&) {
            continue;  // a predicate that cannot be evaluated on this resource does not match it
          }
        }
        any = true;
        break;
      }
    }
    if (!any) continue;
    for (const std::string& dname : r.destinations)
      if (std::find(out.begin(), out.end(), dname) == out.end()) out.push_back(dname);
  }
  if (out.empty()) {
    ++counters_.unmatched;
    out = cfg_.unmatched_destinations;
  }
  return out;
}

void Router::count(const std::string& channel, std::uint64_t ChannelCounts::*field) {
  std::lock_guard lock(counts_mu_);
  ++(channels_[channel].*field);
}

std::map<std::string, ChannelCounts> Router::channel_counts() {
  std::lock_guard lock(counts_mu_);
  return channels_;
}

void Router::route(std::int64_t id, const JournalEntry& e) { route_batch({Committed{id, e}}); }

void Router::route_batch(std::vector<Committed>&& batch) {
  std::vector<std::int64_t> nowhere;
  std::vector<std::pair<std::int64_t, std::vector<Job>>> routed;
  for (Committed& c : batch) {
    ++counters_.routed;
    count(c.entry.channel, &ChannelCounts::routed);
    auto entry = std::make_shared<const JournalEntry>(std::move(c.entry));
    auto channel = std::make_shared<const std::string>(entry->channel);
    std::vector<Job> jobs;
    for (const std::string& name : destinations_for(*entry))
      if (const DestinationConfig* d = cfg_.destination(name)) jobs.push_back({c.id, d, is_local(*d) ? entry : nullptr, channel, 0});
    if (jobs.empty()) nowhere.push_back(c.id);
    else routed.emplace_back(c.id, std::move(jobs));
  }
  if (!nowhere.empty()) journal_.queue_delivered(nowhere);
  {
    std::unique_lock lock(mu_);
    room_cv_.wait(lock, [&] { return stopping_ || local_.jobs.size() < kMaxLocalQueue; });
    for (auto& [id, jobs] : routed) {
      pending_[id] = static_cast<int>(jobs.size());
      for (Job& j : jobs) (is_local(*j.dest) ? local_ : *remote_.at(j.dest)).jobs.push_back(std::move(j));
    }
  }
  cv_.notify_all();
}

// Records one delivery's outcome; the message is marked delivered when it was its last one.
void Router::done(const Job& job, bool ok, const std::string& error) {
  const std::string& channel = *job.channel;
  if (ok) {
    ++counters_.delivered;
    count(channel, &ChannelCounts::delivered);
  } else {
    count(channel, &ChannelCounts::failed);
    count(channel, &ChannelCounts::dead_lettered);
    fail(job.journal_id, job.dest->name + ": " + error);
  }
  bool all_done = false;
  {
    std::lock_guard lock(mu_);
    auto it = pending_.find(job.journal_id);
    if (it == pending_.end()) return;  // already failed on another destination
    if (!ok) pending_.erase(it);
    else if (--it->second == 0) {
      pending_.erase(it);
      all_done = true;
    }
  }
  if (all_done) journal_.queue_delivered({job.journal_id});
}

void Router::local_worker() {
  std::vector<Job> jobs;
  for (;;) {
    jobs.clear();
    {
      std::unique_lock lock(mu_);
      cv_.wait(lock, [&] { return stopping_ || !local_.jobs.empty(); });
      if (local_.jobs.empty()) return;  // stopping, and what was queued is done
      // Nobody waits on the store (the sender has its ACK), so a short wait for a fuller batch
      // costs nothing and saves syncs and WAL writes under load.
      cv_.wait_for(lock, kLocalGather, [&] { return stopping_ || local_.jobs.size() >= kMaxLocalBatch; });
      while (!local_.jobs.empty() && jobs.size() < kMaxLocalBatch) {
        jobs.push_back(std::move(local_.jobs.front()));
        local_.jobs.pop_front();
      }
    }
    room_cv_.notify_all();
    // Every store delivery of the batch in one store transaction: one sync instead of one each.
    std::vector<FhirStore::BatchItem> items;
    for (const Job& j : jobs)
      if (j.dest->type == DestinationType::FhirStore) items.push_back({&j.entry->output, "journal:" + std::to_string(j.journal_id)});
    std::vector<FhirStore::BatchResult> results;
    try {
      results = store_.transaction_batch(items);
    } catch (const std::exception& e) {
      results.assign(items.size(), FhirStore::BatchResult{false, std::string("the store could not commit: ") + e.what()});
    }
    std::size_t k = 0;
    for (const Job& j : jobs) {
      if (j.dest->type == DestinationType::FhirStore) {
        const FhirStore::BatchResult& r = results[k++];
        done(j, r.ok, r.error);
      } else {
        std::string error;
        done(j, deliver_to(*j.dest, j.journal_id, j.entry->output, error) == Outcome::Delivered, error);
      }
    }
  }
}

void Router::remote_worker(Queue& q) {
  for (;;) {
    Job job;
    {
      std::unique_lock lock(mu_);
      cv_.wait(lock, [&] { return stopping_ || !q.jobs.empty(); });
      if (stopping_) return;  // the journal keeps what is left: recovery delivers it
      job = std::move(q.jobs.front());
      q.jobs.pop_front();
    }
    std::optional<JournalEntry> entry = journal_.get(job.journal_id);
    if (!entry) {
      done(job, false, "journal entry " + std::to_string(job.journal_id) + " is gone");
      continue;
    }
    const std::string& payload = job.dest->type == DestinationType::Mllp ? entry->raw : entry->output;
    std::string error;
    for (;;) {
      ++job.attempt;
      Outcome o = deliver_to(*job.dest, job.journal_id, payload, error);
      if (o == Outcome::Delivered) {
        done(job, true, "");
        break;
      }
      // A refusal (4xx, AE) is final; otherwise retried until max_attempts, or for ever with 0.
      int limit = job.dest->retry.max_attempts;
      if (o == Outcome::Rejected || (limit > 0 && job.attempt >= limit)) {
        done(job, false, error + " (after " + std::to_string(job.attempt) + " attempts)");
        break;
      }
      // Exponential backoff, capped; stopping ends the wait (the journal keeps the message).
      long long wait = std::min<long long>(job.dest->retry.max_backoff_ms,
                                           static_cast<long long>(job.dest->retry.initial_backoff_ms) << std::min(job.attempt - 1, 20));
      std::unique_lock lock(mu_);
      if (cv_.wait_for(lock, std::chrono::milliseconds(wait), [&] { return stopping_; })) return;
    }
  }
}

void Router::fail(std::int64_t id, const std::string& why) {
  ++counters_.failed;
  ++counters_.dead_lettered;
  if (auto e = journal_.get(id)) journal_.update_outcome(id, "failed", why, e->output);
}

std::size_t Router::recover() {
  // In pages: a long outage can leave more than memory should hold at once; routing waits for
  // the store when its queue is full, and remote queues hold only ids.
  std::size_t n = 0;
  std::int64_t after = 0;
  for (;;) {
    std::vector<JournalEntry> page = journal_.undelivered(after, 5000);
    if (page.empty()) return n;
    after = page.back().id;
    n += page.size();
    std::vector<Committed> batch;
    for (JournalEntry& e : page) {
      std::int64_t id = e.id;
      batch.push_back({id, std::move(e)});
    }
    route_batch(std::move(batch));
  }
}

bool Router::replay(std::int64_t id, std::string& error) {
  auto e = journal_.get(id);
  if (!e) {
    error = "no journal entry " + std::to_string(id);
    return false;
  }
  if (e->output.empty()) {
    error = "journal entry " + std::to_string(id) + " has no converted output to deliver (status " + e->status + ")";
    return false;
  }
  journal_.update_outcome(id, "accepted", "", e->output);
  route(id, *e);
  return true;
}

}  // namespace hidewire::router
