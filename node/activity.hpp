// Activity: what the operator's dashboard shows of the last hour, kept in memory only (it is not
// health data and is rebuilt from traffic after a restart): per channel (a source or a
// destination) a ring of 60 one-minute buckets with counts and latency samples, the last error,
// and for recent journal entries every delivery attempt with its outcome. Fed by the intake
// (when a sender is answered) and the router (each delivery attempt); one short lock per event,
// so the ingest path is not slowed.
#pragma once

#include <array>
#include <cstdint>
#include <deque>
#include <map>
#include <mutex>
#include <optional>
#include <string>
#include <vector>

namespace hidewire::node {

class Activity {
 public:
  struct Point {
    std::int64_t minute = 0;  // minutes since the epoch (UTC)
    std::uint64_t received = 0, accepted = 0, rejected = 0, delivered = 0, failed = 0;
    std::optional<double> p50, p95;  // latency in ms, when anything was timed in that minute
  };
  struct Attempt {
    std::string destination;
    int attempt = 0;
    std::string at;       // FHIR instant
    std::string outcome;  // delivered | failed | retrying | dead_lettered
    std::string detail;
  };
  struct Error {
    std::string at, text;
  };
  // Counts of a destination since start (sources' are the intake's SourceStats).
  struct DestinationCounts {
    std::uint64_t routed = 0, delivered = 0, failed = 0, dead_lettered = 0;
    bool retrying = false;  // its last attempt is to be tried again
  };

  // A source answered a sender: `latency_ms` from receipt to the answer; `reason` of a refusal.
  void answered(const std::string& channel, bool accepted, double latency_ms, const std::string& reason = {});
  void routed(const std::string& destination);
  // One delivery attempt's outcome; `latency_ms` from routing to delivery (delivered only).
  void attempt(const std::string& destination, std::int64_t journal_id, int attempt, const std::string& outcome,
               const std::string& detail, double latency_ms = 0);

  // The last 60 minutes, oldest first, ending with the current one (60 points), of a source
  // (or, with `destination`, of the destination of that name: the two may share a name).
  std::vector<Point> series(const std::string& channel, bool destination = false) const;
  std::optional<Error> last_error(const std::string& channel, bool destination = false) const;
  DestinationCounts destination(const std::string& name) const;
  std::vector<Attempt> attempts(std::int64_t journal_id) const;

  static constexpr std::size_t kSamples = 256;         // latency samples kept per minute per channel
  static constexpr std::size_t kTrackedEntries = 20000;  // journal entries whose attempts are kept

 private:
  struct Bucket {
    Point counts;
    std::vector<float> samples;
    std::uint64_t timed = 0;  // samples offered this minute (reservoir sampling past kSamples)
  };
  struct Ring {
    std::array<Bucket, 60> buckets;
    std::optional<Error> last_error;
    DestinationCounts dest;
  };
  Bucket& bucket(Ring& r, std::int64_t minute);
  void sample(Bucket& b, double ms);

  const Ring* ring(const std::string& name, bool destination) const;
  mutable std::mutex mu_;
  std::map<std::string, Ring> rings_, destination_rings_;
  std::map<std::int64_t, std::vector<Attempt>> attempts_;
  std::deque<std::int64_t> order_;  // attempts_' keys in the order they came
  std::uint64_t seed_ = 0x9E3779B97F4A7C15ull;
};

}  // namespace hidewire::node
