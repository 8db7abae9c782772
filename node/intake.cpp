#include "node/intake.hpp"

#include "node/activity.hpp"

#include <boost/asio/post.hpp>
#include <boost/asio/thread_pool.hpp>
#include <openssl/evp.h>

#include <chrono>

#include "conformance/gate.hpp"
#include "fhir/clock.hpp"
#include "fhir/codec.hpp"
#include "fhir/schema.hpp"
#include "log/log.hpp"
#include "node/caller_json.hpp"
#include "node/intake_grants.hpp"

namespace hidewire::node {

std::string sha256_hex(std::string_view data) {
  unsigned char md[EVP_MAX_MD_SIZE];
  unsigned int len = 0;
  EVP_Digest(data.data(), data.size(), md, &len, EVP_sha256(), nullptr);
  static const char* kHex = "0123456789abcdef";
  std::string out = "sha256:";
  for (unsigned int i = 0; i < len; ++i) {
    out += kHex[md[i] >> 4];
    out += kHex[md[i] & 15];
  }
  return out;
}

namespace {

bool is_error(const fhir::Issue& i) { return i.severity == fhir::Severity::Error || i.severity == fhir::Severity::Fatal; }

std::string reasons(const fhir::Diagnostics& d) {
  std::string out;
  for (const fhir::Issue& i : d.issues()) {
    if (!is_error(i)) continue;
    if (!out.empty()) out += "; ";
    out += (i.location.empty() ? "" : i.location + ": ") + i.message;
  }
  return out.empty() ? "refused" : out;
}

const char* name_of(Outcome::Kind k) {
  switch (k) {
    case Outcome::Kind::Accepted: return "accepted";
    case Outcome::Kind::Rejected: return "rejected";
    case Outcome::Kind::Unreadable: return "unreadable";
    case Outcome::Kind::Duplicate: return "duplicate";
    case Outcome::Kind::Reused: return "reused";
    case Outcome::Kind::Unavailable: return "unavailable";
  }
  return "unknown";
}

// One line per message outcome, with what an operator needs to find it in the journal and
// nothing of its content: reasons can quote a field's value (an NHS number), so only at debug.
void log_outcome(const std::string& source, const JournalEntry& e, const Outcome& o, std::chrono::steady_clock::time_point since) {
  double ms = std::chrono::duration<double, std::milli>(std::chrono::steady_clock::now() - since).count();
  bool refused = o.kind == Outcome::Kind::Rejected || o.kind == Outcome::Kind::Unreadable || o.kind == Outcome::Kind::Reused;
  if (o.kind == Outcome::Kind::Unavailable) {
    log::error("message", {{"source", source}, {"control_id", e.message_id}, {"outcome", name_of(o.kind)}, {"latency_ms", ms}, {"error", o.error}});
    return;
  }
  // A message held at patient matching was answered as accepted, but an operator must look at it.
  bool held = o.kind == Outcome::Kind::Accepted && e.status == "held";
  log::write(refused || held ? log::Level::Warn : log::Level::Info, "message",
             {{"source", source}, {"control_id", e.message_id}, {"outcome", held ? "held" : name_of(o.kind)}, {"journal_id", o.journal_id}, {"latency_ms", ms}});
  if (refused && log::enabled(log::Level::Debug))
    log::debug("message refused", {{"source", source}, {"control_id", e.message_id}, {"journal_id", o.journal_id}, {"reason", e.reason}});
}

}  // namespace

struct Channel::Slot {
  JournalEntry entry;
  SenderRef sender;  // the converter's MessageInfo points at its caller
  Conversion conversion;
  Outcome::Kind kind = Outcome::Kind::Unavailable;
  const Responder* responder = nullptr;
  Reply reply;
  bool converted = false;
  std::chrono::steady_clock::time_point submitted = std::chrono::steady_clock::now();  // for the latency logged
};

Intake::Intake(GroupJournal& journal, const std::map<std::string, const Converter*>& converters, IntakeOptions options)
    : journal_(journal),
      converters_(converters),
      options_(options),
      pool_(std::make_unique<boost::asio::thread_pool>(std::max<std::size_t>(1, options.convert_threads))) {}

Intake::~Intake() { stop(); }

void Intake::stop() {
  if (pool_) pool_->join();
}

Channel& Intake::channel(const std::string& name, bool accept_reused) {
  auto& c = channels_[name];
  if (!c) c.reset(new Channel(*this, name, accept_reused));
  return *c;
}

Conversion Intake::convert(std::string_view raw, const MessageInfo& info) const { return convert(raw, info, options_.tracing); }

Conversion Intake::convert(std::string_view raw, const MessageInfo& info, const PatientTracing* tracing) const {
  Conversion conv;
  auto it = converters_.find(info.format);
  if (it == converters_.end()) {
    conv.diagnostics.add(fhir::Severity::Fatal, "not-supported", "", "no converter for the format '" + info.format + "'");
    return conv;
  }
  try {
    MessageInfo with = info;
    with.trace_patients = tracing != nullptr;
    conv = it->second->convert(raw, with);
    if (tracing) tracing->apply(conv, with);
    if (conv.status == Conversion::Status::Converted) {
      // Read once for both checks (the gate's own parse): what the sender may write, then the
      // conformance gate. A Bundle that breaks the R4 rules is refused like a content error.
      fhir::Diagnostics gate;
      fhir::Node bundle;
      if (fhir::parse_json(conv.bundle_json, fhir::Schema::r4(), bundle, gate)) {
        if (info.caller)
          if (auto no = ungranted_types(bundle, *info.caller, conv.control_id); !no.empty()) {
            // Refused as a whole: read, but its content is not the sender's to write (AE, 422).
            conv.diagnostics.error("forbidden", "", ungranted_message(no, *info.caller), "write-types");
            conv.status = Conversion::Status::Refused;
            conv.bundle_json.clear();
            return conv;
          }
        conformance::check(bundle, gate);
        if (options_.profiles)
          if (auto r = options_.profile_rules.find(info.channel); r != options_.profile_rules.end())
            options_.profiles->check(bundle, r->second, gate);
      }
      if (gate.has_errors()) {
        for (const fhir::Issue& i : gate.issues())
          if (is_error(i)) conv.diagnostics.error(i.code, "", "converted FHIR breaks a rule at " + i.location + ": " + i.message, i.key);
        conv.status = Conversion::Status::Refused;
      }
    }
  } catch (const std::exception& e) {
    // Converters must not throw; one that does (or the gate) refuses the message, kept for replay, and the node goes on.
    conv = Conversion{};
    conv.status = Conversion::Status::Refused;
    conv.diagnostics.add(fhir::Severity::Fatal, "exception", "", std::string("the converter failed: ") + e.what());
  } catch (...) {
    conv = Conversion{};
    conv.status = Conversion::Status::Refused;
    conv.diagnostics.add(fhir::Severity::Fatal, "exception", "", "the converter failed");
  }
  return conv;
}

Conversion Intake::reconvert(const JournalEntry& e, const PatientResolution* resolution, bool trace) const {
  // Journals from before formats were recorded held HL7 v2 and FHIR only: told apart by the text.
  std::string format = e.format;
  if (format.empty()) format = e.raw.rfind("MSH", 0) == 0 ? "hl7v2" : "fhir";
  Caller caller = caller_from_json(e.caller);
  // What it may write is the credential's grant now, not then: a fixed grant lets it through.
  if (caller.kind != Caller::Kind::Anonymous && options_.write_types_of) caller.write_types = options_.write_types_of(caller);
  MessageInfo info{e.channel, format, e.received_at, e.content_hash, &caller};
  info.resolution = resolution;
  return convert(e.raw, info, trace ? options_.tracing : nullptr);
}

Conversion Intake::reconvert(const JournalEntry& e, const PatientResolution* resolution) const { return reconvert(e, resolution, true); }

Conversion Intake::diagnose(const JournalEntry& e) const { return reconvert(e, nullptr, false); }

Channel::Channel(Intake& intake, std::string name, bool accept_reused)
    : intake_(intake), name_(std::move(name)), accept_reused_(accept_reused) {}

SenderRef make_sender(Caller caller) {
  auto s = std::make_shared<Sender>();
  s->json = caller_json(caller);
  s->caller = std::move(caller);
  return s;
}

std::vector<std::string> Channel::split(std::string_view raw, const std::string& format, const Caller& caller) const {
  auto it = intake_.converters_.find(format);
  if (it == intake_.converters_.end()) return {};
  try {
    return it->second->split(raw, MessageInfo{name_, format, "", "", &caller});
  } catch (...) {
    return {};  // converted whole, and refused there with its reason
  }
}

void Channel::submit(std::string raw, const std::string& format, SenderRef sender, const Responder& responder, Reply reply) {
  ++stats_.received;
  auto slot = std::make_shared<Slot>();
  slot->entry.caller = sender->json;
  slot->sender = std::move(sender);
  slot->entry.channel = name_;
  slot->entry.format = format;
  slot->entry.raw = std::move(raw);
  slot->entry.received_at = fhir::utc_now_instant();
  slot->responder = &responder;
  // Converted on the I/O thread that read it while few of this channel's messages await their
  // answer (the fewest thread hops, the lowest latency); on the intake's threads when it is large,
  // or when many await (many connections at once: the I/O thread then reads while they convert).
  bool offload = slot->entry.raw.size() > intake_.options_.inline_convert_bytes || unanswered_.load() >= kBusy;
  ++unanswered_;
  slot->reply = [this, reply = std::move(reply)](const Outcome& o, const std::string& answer) {
    --unanswered_;
    reply(o, answer);
  };
  std::unique_lock lock(mu_);
  if (waiting_.empty() && !offload) {
    // The common case: nothing of this channel is waiting, so this one goes straight on. (A
    // connection hands its next message only after this returns, so its order holds.)
    lock.unlock();
    convert(*slot);
    journal(std::move(slot));
    return;
  }
  waiting_.push_back(slot);
  lock.unlock();
  if (!offload) {
    convert(*slot);
    settle(slot);
    return;
  }
  boost::asio::post(*intake_.pool_, [this, slot] {
    convert(*slot);
    settle(slot);
  });
}

// Journals, in arrival order, every converted message at the head of the queue.
void Channel::settle(const std::shared_ptr<Slot>& slot) {
  std::lock_guard lock(mu_);
  slot->converted = true;
  while (!waiting_.empty() && waiting_.front()->converted) {
    journal(std::move(waiting_.front()));  // under the lock: the group commit queues them in this order
    waiting_.pop_front();
  }
}

void Channel::convert(Slot& s) {
  JournalEntry& e = s.entry;
  e.content_hash = sha256_hex(e.raw);  // once: the fhir converter's control id is this hash too
  s.conversion = intake_.convert(e.raw, MessageInfo{name_, e.format, e.received_at, e.content_hash, &s.sender->caller});
  Conversion& c = s.conversion;
  e.sender = c.sender;
  e.message_id = c.control_id;
  e.event = c.event;
  e.nhs_number = c.nhs_number;
  switch (c.status) {
    case Conversion::Status::Converted:
      // Held at patient matching: the sender's answer is an acceptance (the message is kept, and
      // an operator resolves it), but it is neither stored nor routed until then.
      s.kind = Outcome::Kind::Accepted;
      e.status = c.held.empty() ? "accepted" : "held";
      e.reason = c.held.empty() ? "" : "held for patient matching: " + c.held;
      e.output = std::move(c.bundle_json);
      break;
    case Conversion::Status::Refused:
      s.kind = Outcome::Kind::Rejected;
      e.status = "rejected";
      e.reason = reasons(c.diagnostics);
      break;
    case Conversion::Status::Unreadable:
      s.kind = Outcome::Kind::Unreadable;
      e.status = "rejected";
      e.reason = "unreadable: " + reasons(c.diagnostics);
      break;
  }
  Outcome o;
  o.kind = s.kind;
  o.conversion = &c;
  e.ack = s.responder->answer(e.raw, o);
}

void Channel::journal(std::shared_ptr<Slot> slot) {
  JournalEntry entry = std::move(slot->entry);
  // Where reuse is accepted the journal stores it at once, in this batch and in arrival order: a
  // second round trip put it behind the channel's later messages (an update before its admission).
  entry.reuse_allowed = accept_reused_;
  intake_.journal_.submit(std::move(entry), [this, slot](const Journal::Appended& r, const std::string* error, JournalEntry& e) {
    Outcome o;
    o.conversion = &slot->conversion;
    if (error) return unavailable(*slot, e, *error);
    if (r.duplicate) {
      ++stats_.duplicates;
      o.kind = Outcome::Kind::Duplicate;
      o.journal_id = r.id;
      o.first_status = r.status;
      slot->reply(o, r.ack);  // a resend: the same answer, not processed twice
      log_outcome(name_, e, o, slot->submitted);
      return;
    }
    if (r.reused) return reuse(slot, r, std::move(e));
    if (r.reuse_of) ++stats_.reused;  // accepted as a message of its own
    o.kind = slot->kind;
    o.journal_id = r.id;
    count(o.kind);
    record(*slot, e, o.kind);
    slot->reply(o, e.ack);
    log_outcome(name_, e, o, slot->submitted);
  });
}

void Channel::record(const Slot& slot, const JournalEntry& e, Outcome::Kind kind) {
  Activity* a = intake_.options_.activity;
  if (!a) return;
  double ms = std::chrono::duration<double, std::milli>(std::chrono::steady_clock::now() - slot.submitted).count();
  a->answered(name_, kind == Outcome::Kind::Accepted, ms, kind == Outcome::Kind::Accepted ? std::string() : e.reason);
}

void Channel::count(Outcome::Kind kind) {
  if (kind == Outcome::Kind::Accepted) ++stats_.accepted;
  else ++stats_.rejected;
  if (kind == Outcome::Kind::Unreadable) ++stats_.unreadable;
}

// Another message already has this control id: this one is kept beside it, refused (the sender
// reused an id, or meant another message: an operator must look). Sources set to accept reuse
// never get here: the journal stores theirs in place (Channel::journal).
void Channel::reuse(const std::shared_ptr<Slot>& slot, const Journal::Appended& first, JournalEntry e) {
  ++stats_.reused;
  e.reuse_allowed = true;
  auto o = std::make_shared<Outcome>();
  o->conversion = &slot->conversion;
  o->first_id = first.id;
  o->kind = Outcome::Kind::Reused;
  e.status = "rejected";
  e.output.clear();
  e.reason = "control id " + e.message_id + " was already used by message " + std::to_string(first.id) + " with other content" +
             (e.reason.empty() ? "" : "; " + e.reason);
  e.ack = slot->responder->answer(e.raw, *o);
  intake_.journal_.submit(std::move(e), [this, slot, o](const Journal::Appended& r, const std::string* error, JournalEntry& stored) {
    if (error) return unavailable(*slot, stored, *error);
    o->journal_id = r.id;
    count(o->kind);
    record(*slot, stored, o->kind);
    slot->reply(*o, r.duplicate ? r.ack : stored.ack);
    log_outcome(name_, stored, *o, slot->submitted);
  });
}

// Not stored: the sender is told to keep the message and send it again; nothing is half-done.
void Channel::unavailable(Slot& slot, const JournalEntry& e, const std::string& error) {
  ++stats_.unavailable;
  Outcome o;
  o.kind = Outcome::Kind::Unavailable;
  o.conversion = &slot.conversion;
  o.error = error;
  slot.reply(o, slot.responder->answer(e.raw, o));
  log_outcome(name_, e, o, slot.submitted);
}

}  // namespace hidewire::node
