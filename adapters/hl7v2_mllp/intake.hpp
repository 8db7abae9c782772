// The HL7 v2 source's message handling: parse, convert to FHIR, check, journal (group commit,
// which also de-duplicates), and answer with an original-mode ACK. The ACK is given only once
// the journal write is committed: AA means the message is durably stored; AE (content error)
// and AR (unreadable) messages are stored too, with the reason, so nothing is lost and they can
// be replayed. A resend (same sender and MSH-10) gets the first answer and is not processed twice.
#pragma once

#include <atomic>
#include <cstdint>
#include <functional>
#include <string>
#include <string_view>

#include "mapping/engine/map_model.hpp"
#include "router/group_journal.hpp"
#include "router/source_stats.hpp"

namespace hidewire::hl7v2_mllp {

using IntakeStats = router::SourceStats;

class Intake {
 public:
  Intake(std::string channel, router::GroupJournal& journal, const mapping::MapSet& maps = mapping::MapSet::builtin());
  // Handles one message (the payload of one MLLP frame, valid until `reply` is called) and
  // answers with the ACK payload once the outcome is committed, on the journal's thread.
  void handle(std::string_view raw, std::function<void(std::string ack)> reply);
  // The AR for a frame that could not even be taken (too large).
  std::string reject_frame(const std::string& error);
  const IntakeStats& stats() const { return stats_; }
  const std::string& channel() const { return channel_; }

 private:
  std::string next_control_id();
  std::string channel_;
  router::GroupJournal& journal_;
  const mapping::MapSet& maps_;
  IntakeStats stats_;
  std::atomic<std::uint64_t> seq_{0};
};

// "PID-3[1].1" (a converter location) as an ERR-2 location "PID^1^3^1^1".
std::string err_location(const std::string& v2_location);

}  // namespace hidewire::hl7v2_mllp
