#include "node/activity.hpp"

#include <algorithm>
#include <chrono>

#include "fhir/clock.hpp"

namespace hidewire::node {
namespace {

std::int64_t minute_now() {
  using namespace std::chrono;
  return duration_cast<minutes>(system_clock::now().time_since_epoch()).count();
}

std::optional<double> percentile(std::vector<float> v, double p) {
  if (v.empty()) return std::nullopt;
  std::size_t k = static_cast<std::size_t>(p * static_cast<double>(v.size() - 1) + 0.5);
  std::nth_element(v.begin(), v.begin() + static_cast<std::ptrdiff_t>(k), v.end());
  return static_cast<double>(v[k]);
}

}  // namespace

Activity::Bucket& Activity::bucket(Ring& r, std::int64_t minute) {
  Bucket& b = r.buckets[static_cast<std::size_t>(minute % 60)];
  if (b.counts.minute != minute) {  // a bucket of an hour ago: reused for this minute
    b = Bucket{};
    b.counts.minute = minute;
  }
  return b;
}

void Activity::sample(Bucket& b, double ms) {
  ++b.timed;
  if (b.samples.size() < kSamples) {
    b.samples.push_back(static_cast<float>(ms));
    return;
  }
  seed_ = seed_ * 6364136223846793005ull + 1442695040888963407ull;  // reservoir: each sample kept with equal chance
  std::uint64_t k = (seed_ >> 33) % b.timed;
  if (k < kSamples) b.samples[k] = static_cast<float>(ms);
}

void Activity::answered(const std::string& channel, bool accepted, double latency_ms, const std::string& reason) {
  std::string at = accepted ? std::string() : fhir::utc_now_instant();
  std::int64_t m = minute_now();
  std::lock_guard lock(mu_);
  Ring& r = rings_[channel];
  Bucket& b = bucket(r, m);
  ++b.counts.received;
  ++(accepted ? b.counts.accepted : b.counts.rejected);
  sample(b, latency_ms);
  if (!accepted) r.last_error = Error{at, reason.empty() ? "refused" : reason};
}

void Activity::routed(const std::string& destination) {
  std::lock_guard lock(mu_);
  ++destination_rings_[destination].dest.routed;
}

void Activity::attempt(const std::string& destination, std::int64_t journal_id, int attempt, const std::string& outcome,
                       const std::string& detail, double latency_ms) {
  std::string at = fhir::utc_now_instant();
  std::int64_t m = minute_now();
  std::lock_guard lock(mu_);
  Ring& r = destination_rings_[destination];
  Bucket& b = bucket(r, m);
  r.dest.retrying = outcome == "retrying";
  if (outcome == "delivered") {
    ++b.counts.delivered;
    ++r.dest.delivered;
    sample(b, latency_ms);
  } else if (outcome != "retrying") {
    ++b.counts.failed;
    ++r.dest.failed;
    ++r.dest.dead_lettered;
  }
  if (outcome != "delivered") r.last_error = Error{at, detail};
  auto [it, added] = attempts_.try_emplace(journal_id);
  if (added) order_.push_back(journal_id);  // evicted oldest first by when first attempted (a replay of an old one too)
  if (it->second.size() < 100) it->second.push_back({destination, attempt, at, outcome, detail});
  while (attempts_.size() > kTrackedEntries) {
    attempts_.erase(order_.front());
    order_.pop_front();
  }
}

const Activity::Ring* Activity::ring(const std::string& name, bool destination) const {
  const auto& rings = destination ? destination_rings_ : rings_;
  auto it = rings.find(name);
  return it == rings.end() ? nullptr : &it->second;
}

std::vector<Activity::Point> Activity::series(const std::string& channel, bool destination) const {
  std::int64_t now = minute_now();
  std::vector<Point> out;
  out.reserve(60);
  std::lock_guard lock(mu_);
  const Ring* r = ring(channel, destination);
  for (std::int64_t m = now - 59; m <= now; ++m) {
    Point p;
    p.minute = m;
    if (r) {
      const Bucket& b = r->buckets[static_cast<std::size_t>(m % 60)];
      if (b.counts.minute == m) {
        p = b.counts;
        p.p50 = percentile(b.samples, 0.50);
        p.p95 = percentile(b.samples, 0.95);
      }
    }
    out.push_back(p);
  }
  return out;
}

std::optional<Activity::Error> Activity::last_error(const std::string& channel, bool destination) const {
  std::lock_guard lock(mu_);
  const Ring* r = ring(channel, destination);
  return r ? r->last_error : std::nullopt;
}

Activity::DestinationCounts Activity::destination(const std::string& name) const {
  std::lock_guard lock(mu_);
  const Ring* r = ring(name, true);
  return r ? r->dest : DestinationCounts{};
}

std::vector<Activity::Attempt> Activity::attempts(std::int64_t journal_id) const {
  std::lock_guard lock(mu_);
  auto it = attempts_.find(journal_id);
  return it == attempts_.end() ? std::vector<Attempt>{} : it->second;
}

}  // namespace hidewire::node
