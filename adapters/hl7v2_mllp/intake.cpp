#include "adapters/hl7v2_mllp/intake.hpp"

#include <cctype>
#include <chrono>
#include <cstdio>
#include <ctime>

#include "adapters/hl7v2/ack.hpp"
#include "conformance/gate.hpp"
#include "mapping/engine/converter.hpp"

namespace hidewire::hl7v2_mllp {
namespace {

std::string v2_now() {
  std::time_t t = std::time(nullptr);
  std::tm tm{};
  gmtime_r(&t, &tm);
  char buf[32];
  std::strftime(buf, sizeof buf, "%Y%m%d%H%M%S+0000", &tm);
  return buf;
}

int err_code(const std::string& issue_code, const std::string& key) {
  if (key == "unsupported-message") return hl7v2::kUnsupportedMessageType;
  if (issue_code == "required") return hl7v2::kRequiredFieldMissing;
  if (issue_code == "value") return hl7v2::kDataTypeError;
  if (issue_code == "code-invalid") return hl7v2::kTableValueNotFound;
  return hl7v2::kApplicationInternalError;
}

}  // namespace

std::string err_location(const std::string& loc) {
  // SEG-F[R].C -> SEG^1^F^R^C
  std::size_t dash = loc.find('-');
  if (dash == std::string::npos) return loc;
  std::string out = loc.substr(0, dash) + "^1^";
  std::string rest = loc.substr(dash + 1);
  std::string field, rep = "1", comp;
  std::size_t i = 0;
  while (i < rest.size() && std::isdigit(static_cast<unsigned char>(rest[i]))) field += rest[i++];
  if (i < rest.size() && rest[i] == '[') {
    rep.clear();
    ++i;
    while (i < rest.size() && rest[i] != ']') rep += rest[i++];
    ++i;
  }
  if (i < rest.size() && rest[i] == '.') comp = rest.substr(i + 1);
  out += field;
  if (!comp.empty() || rep != "1") out += "^" + rep;
  if (!comp.empty()) out += "^" + comp;
  return out;
}

Intake::Intake(std::string channel, router::GroupJournal& journal, const mapping::MapSet& maps)
    : channel_(std::move(channel)), journal_(journal), maps_(maps) {}

std::string Intake::next_control_id() {
  auto ms = std::chrono::duration_cast<std::chrono::milliseconds>(std::chrono::system_clock::now().time_since_epoch()).count();
  return "HW" + std::to_string(ms) + "-" + std::to_string(++seq_);
}

void Intake::handle(std::string_view raw, std::function<void(std::string)> reply) {
  ++stats_.received;
  hl7v2::AckOptions ack_opts;
  ack_opts.control_id = next_control_id();
  ack_opts.timestamp = v2_now();
  hl7v2::ParseError perr;
  std::optional<hl7v2::Message> msg = hl7v2::parse(raw, perr);
  router::JournalEntry e;
  e.channel = channel_;
  e.raw = std::string(raw);
  if (!msg) {
    ++stats_.unreadable;
    ++stats_.rejected;
    e.status = "rejected";
    e.reason = "unreadable: " + perr.message;
    e.ack = hl7v2::build_reject(raw, perr, ack_opts);
    // Kept for replay when it can be; the AR tells the sender to keep it either way.
    std::string ar = e.ack;
    journal_.submit(std::move(e), [reply, ar](const router::Journal::Appended&, const std::string*) { reply(ar); });
    return;
  }
  e.sender = std::string(msg->segments.front().field(3)) + "^" + std::string(msg->segments.front().field(4));
  e.message_id = std::string(msg->control_id());
  e.event = std::string(msg->message_code()) + "^" + std::string(msg->trigger_event());
  mapping::Conversion conv = mapping::convert(*msg, maps_);
  if (conv.ok) {
    // The conformance gate: a Bundle that breaks the R4 rules is refused like a content error.
    fhir::Diagnostics gate = conformance::check(conv.bundle_json);
    if (gate.has_errors()) {
      for (const fhir::Issue& i : gate.issues())
        if (i.severity == fhir::Severity::Error || i.severity == fhir::Severity::Fatal)
          conv.diagnostics.error(i.code, "", "converted FHIR breaks a rule at " + i.location + ": " + i.message, i.key);
      conv.ok = false;
    }
  }
  if (conv.ok) {
    e.ack = hl7v2::build_ack(*msg, hl7v2::AckCode::AA, {}, ack_opts);
    e.status = "accepted";
    e.output = std::move(conv.bundle_json);
  } else {
    std::vector<hl7v2::AckError> errs;
    for (const fhir::Issue& i : conv.diagnostics.issues()) {
      if (i.severity != fhir::Severity::Error && i.severity != fhir::Severity::Fatal) continue;
      errs.push_back({err_location(i.location), err_code(i.code, i.key), 'E', i.message});
      if (!e.reason.empty()) e.reason += "; ";
      e.reason += (i.location.empty() ? "" : i.location + ": ") + i.message;
    }
    ack_opts.text = "Message not accepted: content errors";
    e.ack = hl7v2::build_ack(*msg, hl7v2::AckCode::AE, errs, ack_opts);
    e.status = "rejected";
  }
  bool accepted = e.status == "accepted";
  std::string ack = e.ack;
  journal_.submit(std::move(e), [this, raw, reply, ack = std::move(ack), accepted, ack_opts](const router::Journal::Appended& r,
                                                                                              const std::string* error) {
    if (error) {
      // Could not store: AR so the sender keeps the message and retries; nothing is half-done.
      hl7v2::ParseError pe;
      std::optional<hl7v2::Message> m = hl7v2::parse(raw, pe);
      hl7v2::AckError err{"", hl7v2::kApplicationInternalError, 'E', "message could not be stored: " + *error};
      reply(m ? hl7v2::build_ack(*m, hl7v2::AckCode::AR, {err}, ack_opts) : ack);
      return;
    }
    if (r.duplicate) {
      ++stats_.duplicates;
      reply(r.ack);  // a resend: same answer, not processed twice
      return;
    }
    ++(accepted ? stats_.accepted : stats_.rejected);
    reply(ack);
  });
}

std::string Intake::reject_frame(const std::string& error) {
  ++stats_.received;
  ++stats_.rejected;
  hl7v2::ParseError perr;
  perr.message = error;
  hl7v2::AckOptions o;
  o.control_id = next_control_id();
  o.timestamp = v2_now();
  return hl7v2::build_reject("", perr, o);
}

}  // namespace hidewire::hl7v2_mllp
