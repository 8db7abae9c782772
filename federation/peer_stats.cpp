#include "federation/peer_stats.hpp"

#include "fhir/clock.hpp"

namespace hidewire::federation {

void PeerStats::record(const std::string& ods, bool reachable, double latency_ms, const std::string& refusal) {
  std::string now = fhir::utc_now_instant();
  std::lock_guard lock(mu_);
  Peer& p = peers_[ods];
  p.reachable = reachable;
  if (!reachable) return;
  p.last_contact = now;
  p.latency_ms.push_back(latency_ms);
  if (p.latency_ms.size() > kLatencies) p.latency_ms.pop_front();
  if (!refusal.empty()) {
    Refusal& r = p.refusals[refusal];
    r.at = now;
    ++r.count;
  }
}

PeerStats::Peer PeerStats::of(const std::string& ods) const {
  std::lock_guard lock(mu_);
  auto it = peers_.find(ods);
  return it == peers_.end() ? Peer{} : it->second;
}

}  // namespace hidewire::federation
