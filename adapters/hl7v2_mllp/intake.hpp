// The HL7 v2 source's message handling: parse, de-duplicate, convert to FHIR, journal, and
// answer with an original-mode ACK. The journal write is committed before the ACK is returned:
// AA means the message is durably stored; AE (content error) and AR (unreadable) messages are
// stored too, with the reason, so nothing is lost and they can be replayed.
#pragma once

#include <atomic>
#include <cstdint>
#include <functional>
#include <string>
#include <string_view>

#include "mapping/engine/map_model.hpp"
#include "router/journal.hpp"

namespace hidewire::hl7v2_mllp {

struct IntakeStats {
  std::atomic<std::uint64_t> received{0}, accepted{0}, rejected{0}, duplicates{0}, unreadable{0};
};

class Intake {
 public:
  Intake(std::string channel, router::Journal& journal, const mapping::MapSet& maps = mapping::MapSet::builtin());
  // Handles one message (the payload of one MLLP frame) and returns the ACK payload.
  std::string handle(std::string_view raw);
  // The AR for a frame that could not even be taken (too large).
  std::string reject_frame(const std::string& error);
  const IntakeStats& stats() const { return stats_; }
  const std::string& channel() const { return channel_; }
  // Called with each accepted message once it is in the journal (the node routes it on).
  std::function<void(std::int64_t journal_id, const router::JournalEntry& entry)> on_accepted;

 private:
  std::string next_control_id();
  std::string channel_;
  router::Journal& journal_;
  const mapping::MapSet& maps_;
  IntakeStats stats_;
  std::atomic<std::uint64_t> seq_{0};
};

// "PID-3[1].1" (a converter location) as an ERR-2 location "PID^1^3^1^1".
std::string err_location(const std::string& v2_location);

}  // namespace hidewire::hl7v2_mllp
