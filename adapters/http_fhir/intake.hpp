// The HTTP FHIR source's message handling (a peer node or a local system POSTing a resource or
// a Bundle): read, validate (structure and R4 invariants), journal through the group commit, and
// answer once the outcome is durable: 202 accepted, 422 invalid (400 unreadable) with an
// OperationOutcome, 503 when it could not be stored (the sender keeps it and retries). Single
// resources are wrapped in a transaction Bundle so every destination receives one. A resend of
// the same body (a peer retrying after a timeout) is known by its SHA-256 and not processed twice.
#pragma once

#include <atomic>
#include <cstdint>
#include <functional>
#include <string>

#include "router/group_journal.hpp"
#include "router/http/server.hpp"
#include "router/source_stats.hpp"

namespace hidewire::http_fhir {

using IntakeStats = router::SourceStats;

class Intake {
 public:
  Intake(std::string channel, router::GroupJournal& journal);
  // `reply` runs once the outcome is journalled (on the journal's thread) or at once.
  void handle(const std::string& body, std::function<void(http::Response)> reply);
  const IntakeStats& stats() const { return stats_; }
  const std::string& channel() const { return channel_; }

 private:
  std::string channel_;
  router::GroupJournal& journal_;
  IntakeStats stats_;
};

}  // namespace hidewire::http_fhir
