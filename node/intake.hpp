// The one intake pipeline every source uses: convert (the converter registered for the message's
// format) -> patient matching where configured (node/patient_tracing.hpp: a patient without a
// valid NHS number is traced, or the message is held) -> the sender's grants (every resource type the result writes must be among its
// credential's write_types, else AE / 422, journalled as rejected) -> conformance gate ->
// journal (group commit; resends known by sender and control id)
// -> the source's answer, given only once the outcome is durable. Accepted messages go on to
// routing from the group commit. Refused and unreadable messages are journalled too, with the
// reason, so nothing is lost and they can be replayed.
//
// Messages over `inline_convert_bytes` are converted on the intake's own threads, so one huge
// message never holds up the I/O thread and the other senders on it; within one channel, messages
// are still journalled (and so routed and applied) in the order they arrived.
#pragma once

#include <atomic>
#include <cstdint>
#include <deque>
#include <functional>
#include <map>
#include <memory>
#include <mutex>
#include <string>
#include <string_view>
#include <vector>

#include "conformance/profile_gate.hpp"
#include "node/converter.hpp"
#include "node/group_journal.hpp"
#include "node/patient_tracing.hpp"
#include "node/source_stats.hpp"

namespace boost::asio {
class thread_pool;
}

namespace hidewire::node {

class Activity;  // node/activity.hpp: only a pointer here, so the header stays light

// What the intake decided about one message.
struct Outcome {
  enum class Kind {
    Accepted,     // journalled, will be routed
    Rejected,     // readable but refused for its content (AE, 422): journalled with the reason
    Unreadable,   // not a message of its format (AR, 400): journalled with the reason
    Duplicate,    // a resend of one already journalled: its first answer is repeated
    Reused,       // its control id was taken by a message with other content: kept, refused (AE)
    Unavailable,  // could not be journalled (full disk, I/O error): the sender must keep it and retry
  };
  Kind kind = Kind::Unavailable;
  std::int64_t journal_id = 0;
  const Conversion* conversion = nullptr;  // what the converter and the gate said (Accepted, Rejected, Unreadable, Reused)
  std::string first_status;                // Duplicate: the first outcome (accepted, rejected, failed)
  std::int64_t first_id = 0;               // Reused: the message that has the control id
  std::string error;                       // Unavailable: why
};

// The source's own answer for an outcome, in its transport's terms (an ACK, an OperationOutcome).
// It is journalled with the message, so a resend gets the same answer.
class Responder {
 public:
  virtual ~Responder() = default;
  virtual std::string answer(std::string_view raw, const Outcome& outcome) const = 0;
};

// Called once per message, from the journal's thread (or at once): the outcome and the answer.
using Reply = std::function<void(const Outcome& outcome, const std::string& answer)>;

class Intake;

// Who sent a message, as a source hands it on with each one: read once (per connection, per
// file or batch) with the JSON the journal keeps, so that neither is rebuilt per message.
struct Sender {
  Caller caller;
  std::string json;  // caller_json(caller)
};
using SenderRef = std::shared_ptr<const Sender>;
SenderRef make_sender(Caller caller);

// One source's door into the intake: its counters, its order, its resend policy.
class Channel {
 public:
  // Takes one message of `format` from `caller` (as the source authenticated them: the
  // converter checks the message against it, and the journal keeps it). `responder` must
  // outlive the reply.
  void submit(std::string raw, const std::string& format, SenderRef sender, const Responder& responder, Reply reply);
  void submit(std::string raw, const std::string& format, Caller caller, const Responder& responder, Reply reply) {
    submit(std::move(raw), format, make_sender(std::move(caller)), responder, std::move(reply));
  }
  const SourceStats& stats() const { return stats_; }
  const std::string& name() const { return name_; }
  // The messages a file of `format` holds, as its converter splits it (Converter::split); empty:
  // one message, the whole text.
  std::vector<std::string> split(std::string_view raw, const std::string& format, const Caller& caller) const;

 private:
  friend class Intake;
  struct Slot;
  Channel(Intake& intake, std::string name, bool accept_reused);
  void convert(Slot& slot);
  void journal(std::shared_ptr<Slot> slot);
  void settle(const std::shared_ptr<Slot>& slot);
  void reuse(const std::shared_ptr<Slot>& slot, const Journal::Appended& first, JournalEntry entry);
  void count(Outcome::Kind kind);
  void unavailable(Slot& slot, const JournalEntry& entry, const std::string& error);
  void record(const Slot& slot, const JournalEntry& entry, Outcome::Kind kind);

  Intake& intake_;
  std::string name_;
  bool accept_reused_;
  SourceStats stats_;
  std::mutex mu_;
  std::deque<std::shared_ptr<Slot>> waiting_;  // in arrival order, while a large one converts
  std::atomic<int> unanswered_{0};  // submitted, not yet answered
  static constexpr int kBusy = 32;  // from this many unanswered, messages convert off the I/O thread
};

struct IntakeOptions {
  std::size_t convert_threads = 1;
  std::size_t inline_convert_bytes = 256u << 10;
  // The write_types a journalled sender's credential has now (node::configured_write_types),
  // for a replay: the journal keeps who sent, not what they were granted then. Unset: none, so
  // a replayed message of a non-anonymous sender writes nothing but its own Provenance.
  std::function<std::vector<std::string>(const Caller&)> write_types_of;
  // Patient matching (node/patient_tracing.hpp): null, patients are keyed as converted.
  const PatientTracing* tracing = nullptr;
  // The gate's profiles and each source's (channel's) rules; null: R4 alone. Must outlive the intake.
  const conformance::ProfileGate* profiles = nullptr;
  std::map<std::string, conformance::ProfileRules> profile_rules;
  // Where each answered message's outcome and latency is recorded (the dashboard); null: nowhere.
  Activity* activity = nullptr;
};

class Intake {
 public:
  // `converters` by format; they must outlive the intake.
  Intake(GroupJournal& journal, const std::map<std::string, const Converter*>& converters, IntakeOptions options = {});
  ~Intake();
  Intake(const Intake&) = delete;
  Intake& operator=(const Intake&) = delete;

  Channel& channel(const std::string& name, bool accept_reused_control_id = false);
  const std::map<std::string, std::unique_ptr<Channel>>& channels() const { return channels_; }
  // Converts and checks a journalled message again (replay of a refused message, after a map
  // or a grant was fixed): the new conversion, with the gate's verdict in its status and
  // diagnostics. The message is converted as the caller journalled with it (JournalEntry::caller),
  // with the write_types its credential has now (IntakeOptions::write_types_of).
  // With `resolution`, a message held at patient matching is keyed as the operator said.
  Conversion reconvert(const JournalEntry& entry, const PatientResolution* resolution = nullptr) const;
  // Converts and gates one message: what submit does before journalling, including the check
  // that the caller may write every resource type of the result (node/intake_grants.hpp).
  // Never throws.
  Conversion convert(std::string_view raw, const MessageInfo& info) const;
  // A journalled message's conversion again, for showing its diagnostics and unmapped parts:
  // as reconvert, but without patient tracing (which may ask PDS). Nothing is written.
  Conversion diagnose(const JournalEntry& entry) const;
  // Stops the conversion threads (after the sources stopped, before the journal does).
  void stop();
  const PatientTracing* tracing() const { return options_.tracing; }

 private:
  friend class Channel;
  Conversion convert(std::string_view raw, const MessageInfo& info, const PatientTracing* tracing) const;
  Conversion reconvert(const JournalEntry& entry, const PatientResolution* resolution, bool trace) const;
  GroupJournal& journal_;
  std::map<std::string, const Converter*> converters_;
  IntakeOptions options_;
  std::unique_ptr<boost::asio::thread_pool> pool_;
  std::map<std::string, std::unique_ptr<Channel>> channels_;
};

// SHA-256 of the text as "sha256:HEX": resends, reused control ids, bodies without an id.
std::string sha256_hex(std::string_view data);

}  // namespace hidewire::node
