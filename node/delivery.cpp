#include "node/delivery.hpp"

#include <algorithm>
#include <chrono>
#include <optional>

#include <pthread.h>

#include "fhir/codec.hpp"
#include "log/log.hpp"
#include "node/activity.hpp"

namespace hidewire::node {
namespace {

constexpr std::size_t kMaxLocalBatch = 512;
constexpr std::chrono::milliseconds kLocalGather{20};
// Past this many local deliveries waiting, routing waits for the store: the journal's group
// commit then slows, and with it the ACKs, so senders slow down instead of memory filling up.
constexpr std::size_t kMaxLocalQueue = 20000;

using Status = DeliveryResult::Status;

}  // namespace

Router::Router(const NodeConfig& cfg, Journal& journal, std::map<std::string, Sink*> sinks)
    : cfg_(cfg),
      journal_(journal),
      sinks_(std::move(sinks)),
      routes_read_bundle_(std::any_of(cfg.routes.begin(), cfg.routes.end(),
                                      [](const RouteConfig& r) { return !r.match.resource_types.empty() || !r.match.fhirpath.empty(); })) {
  // Named for top -H and perf.
  local_.thread = std::thread([this] {
    pthread_setname_np(pthread_self(), "hw-local");
    local_worker();
  });
  for (auto& [name, sink] : sinks_) {
    if (sink->local()) continue;
    Queue& q = *remote_.emplace(sink, std::make_unique<Queue>()).first->second;
    q.thread = std::thread([this, &q, name = name] {
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
  const std::string& type = e.event;  // journalled with the message by its converter
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

void Router::record(const Job& job, const char* outcome, const std::string& detail) {
  if (!activity_) return;
  double ms = std::chrono::duration<double, std::milli>(std::chrono::steady_clock::now() - job.routed_at).count();
  activity_->attempt(job.dest->name(), job.journal_id, std::max(1, job.attempt), outcome, detail, ms);
}

std::size_t Router::queue_depth(const std::string& destination) {
  auto sink = sinks_.find(destination);
  if (sink == sinks_.end()) return 0;
  std::lock_guard lock(mu_);
  if (!sink->second->local()) {
    auto q = remote_.find(sink->second);
    return q == remote_.end() ? 0 : q->second->jobs.size() + (activity_ && activity_->destination(destination).retrying ? 1 : 0);
  }
  return static_cast<std::size_t>(std::count_if(local_.jobs.begin(), local_.jobs.end(), [&](const Job& j) { return j.dest == sink->second; }));
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
      if (auto it = sinks_.find(name); it != sinks_.end()) {
        jobs.push_back({c.id, it->second, it->second->local() ? entry : nullptr, channel, 0});
        if (activity_) activity_->routed(name);
      }
    if (jobs.empty()) nowhere.push_back(c.id);
    else routed.emplace_back(c.id, std::move(jobs));
  }
  if (!nowhere.empty()) journal_.queue_delivered(nowhere);
  {
    std::unique_lock lock(mu_);
    room_cv_.wait(lock, [&] { return stopping_ || local_.jobs.size() < kMaxLocalQueue; });
    for (auto& [id, jobs] : routed) {
      pending_[id] = static_cast<int>(jobs.size());
      for (Job& j : jobs) (j.dest->local() ? local_ : *remote_.at(j.dest)).jobs.push_back(std::move(j));
    }
  }
  cv_.notify_all();
}

// Records one delivery's outcome; the message is marked delivered when it was its last one.
void Router::done(const Job& job, bool ok, const std::string& error) {
  const std::string& channel = *job.channel;
  record(job, ok ? "delivered" : "dead_lettered", error);
  if (ok) {
    ++counters_.delivered;
    count(channel, &ChannelCounts::delivered);
  } else {
    count(channel, &ChannelCounts::failed);
    count(channel, &ChannelCounts::dead_lettered);
    fail(job.journal_id, job.dest->name() + ": " + error);
    // The reason (a peer's answer can quote the message) is in the journal, and here only at debug.
    log::error("delivery failed", {{"destination", job.dest->name()}, {"journal_id", job.journal_id}});
    if (log::enabled(log::Level::Debug)) log::debug("delivery failed", {{"destination", job.dest->name()}, {"journal_id", job.journal_id}, {"reason", error}});
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
    if (auto w = watched_.find(job.journal_id); w != watched_.end() && (!ok || all_done)) {
      w->second = ok ? "" : job.dest->name() + ": " + error;
      watch_cv_.notify_all();
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
    deliver_local(jobs);
  }
}

// Each local sink gets its parcels of the batch in one call (the store: one transaction, one
// sync). What may succeed later (a full disk) is tried again with backoff, in order, never
// dead-lettered for that.
void Router::deliver_local(std::vector<Job>& jobs) {
  for (int attempt = 1; !jobs.empty(); ++attempt) {
    std::map<Sink*, std::vector<std::size_t>> by_sink;
    for (std::size_t i = 0; i < jobs.size(); ++i) by_sink[jobs[i].dest].push_back(i);
    std::vector<Job> again;
    std::string why;
    for (auto& [sink, idx] : by_sink) {
      std::vector<Parcel> parcels;
      for (std::size_t i : idx) parcels.push_back({jobs[i].journal_id, jobs[i].entry.get()});
      std::vector<DeliveryResult> results;
      try {
        results = sink->deliver(parcels);
      } catch (const std::exception& e) {
        results.assign(parcels.size(), DeliveryResult{Status::Retry, e.what()});
      }
      results.resize(parcels.size(), DeliveryResult{Status::Retry, "no result"});
      for (std::size_t k = 0; k < idx.size(); ++k) {
        Job& j = jobs[idx[k]];
        j.attempt = attempt;
        if (results[k].status == Status::Retry) {
          why = results[k].reason;
          record(j, "retrying", why);
          again.push_back(std::move(j));
        } else {
          done(j, results[k].status == Status::Delivered, results[k].reason);
        }
      }
    }
    jobs = std::move(again);
    if (jobs.empty()) {
      local_watch_.ok();
      return;
    }
    local_watch_.failed(why);  // e.g. the store's disk is full: kept in order, tried again
    std::sort(jobs.begin(), jobs.end(), [](const Job& a, const Job& b) { return a.journal_id < b.journal_id; });
    const RetryPolicy& rp = jobs.front().dest->retry();
    long long wait = std::min<long long>(rp.max_backoff_ms, static_cast<long long>(rp.initial_backoff_ms) << std::min(attempt - 1, 20));
    log::warn("local delivery will be retried", {{"messages", jobs.size()}, {"attempt", attempt}, {"wait_ms", wait}, {"error", why}});
    std::unique_lock lock(mu_);
    if (cv_.wait_for(lock, std::chrono::milliseconds(wait), [&] { return stopping_; })) return;  // recovery delivers them
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
    // The journal may fail to read for a while (I/O error, locked): this thread must not end.
    std::optional<JournalEntry> entry;
    for (int tries = 1;; ++tries) {
      try {
        entry = journal_.get(job.journal_id);
        break;
      } catch (const std::exception&) {
        std::unique_lock lock(mu_);
        if (cv_.wait_for(lock, std::chrono::milliseconds(std::min(10000, 200 * tries)), [&] { return stopping_; })) return;
      }
    }
    if (!entry) {
      done(job, false, "journal entry " + std::to_string(job.journal_id) + " is gone");
      continue;
    }
    for (;;) {
      ++job.attempt;
      DeliveryResult r;
      try {
        std::vector<DeliveryResult> rs = job.dest->deliver({Parcel{job.journal_id, &*entry}});
        r = rs.empty() ? DeliveryResult{Status::Retry, "no result"} : rs.front();
      } catch (const std::exception& e) {
        r = {Status::Retry, e.what()};
      }
      if (r.status == Status::Delivered) {
        done(job, true, "");
        break;
      }
      // A refusal (4xx, AE) is final; otherwise retried until max_attempts, or for ever with 0.
      const RetryPolicy& rp = job.dest->retry();
      if (r.status == Status::Rejected || (rp.max_attempts > 0 && job.attempt >= rp.max_attempts)) {
        done(job, false, r.reason + " (after " + std::to_string(job.attempt) + " attempts)");
        break;
      }
      // Exponential backoff, capped; stopping ends the wait (the journal keeps the message).
      long long wait = std::min<long long>(rp.max_backoff_ms, static_cast<long long>(rp.initial_backoff_ms) << std::min(job.attempt - 1, 20));
      record(job, "retrying", r.reason);
      log::warn("delivery will be retried", {{"destination", job.dest->name()}, {"journal_id", job.journal_id}, {"attempt", job.attempt}, {"wait_ms", wait}});
      if (log::enabled(log::Level::Debug)) log::debug("delivery will be retried", {{"destination", job.dest->name()}, {"journal_id", job.journal_id}, {"reason", r.reason}});
      std::unique_lock lock(mu_);
      if (cv_.wait_for(lock, std::chrono::milliseconds(wait), [&] { return stopping_; })) return;
    }
  }
}

void Router::fail(std::int64_t id, const std::string& why) {
  ++counters_.failed;
  ++counters_.dead_lettered;
  // On a worker thread: a journal that cannot write must not end the process. The message then
  // stays accepted and undelivered, so the next start delivers it again (and it fails again).
  try {
    if (auto e = journal_.get(id)) journal_.update_outcome(id, "failed", why, e->output);
  } catch (const std::exception& e) {
    storage_log("journal: message " + std::to_string(id) + " not marked failed (" + e.what() + "): it is tried again at the next start");
  }
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

bool Router::replay(std::int64_t id, std::string& error, std::chrono::milliseconds wait, bool& pending) {
  pending = false;
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
  {
    std::lock_guard lock(mu_);
    watched_[id] = "";
  }
  route(id, *e);
  std::unique_lock lock(mu_);
  // Done when no destination is still to succeed (or none was routed to).
  bool settled = watch_cv_.wait_for(lock, wait, [&] { return stopping_ || !pending_.count(id); });
  error = watched_[id];
  watched_.erase(id);
  if (!settled) {
    pending = true;
    error = "still being delivered (retrying)";
    return false;
  }
  return error.empty();
}

}  // namespace hidewire::node
