// What the dashboard shows of each peer: whether the last call reached it, when, the latency of
// the last 20 queries and what it refused (by reason, with a count). Recorded where the
// federation client's calls complete; in memory only (nothing of a patient is kept).
#pragma once

#include <deque>
#include <map>
#include <mutex>
#include <optional>
#include <string>

namespace hidewire::federation {

class PeerStats {
 public:
  struct Refusal {
    std::string at;  // the last time, FHIR instant
    std::size_t count = 0;
  };
  struct Peer {
    std::optional<bool> reachable;  // unset: never asked since start
    std::string last_contact;       // the last answer (FHIR instant)
    std::deque<double> latency_ms;  // oldest first, at most kLatencies
    std::map<std::string, Refusal> refusals;  // by reason: a Spine code (NO_PATIENT_CONSENT) or "HTTP 403"
  };
  static constexpr std::size_t kLatencies = 20;

  // One call to a peer completed: `reachable` when it answered at all; `refusal` when it said no.
  void record(const std::string& ods, bool reachable, double latency_ms, const std::string& refusal = {});
  Peer of(const std::string& ods) const;

 private:
  mutable std::mutex mu_;
  std::map<std::string, Peer> peers_;
};

}  // namespace hidewire::federation
