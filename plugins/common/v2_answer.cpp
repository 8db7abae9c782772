#include "plugins/common/v2_answer.hpp"

#include <cctype>
#include <chrono>
#include <ctime>

#include "hl7v2/ack.hpp"

namespace hidewire::plugins {
namespace {

using node::Outcome;

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

std::vector<hl7v2::AckError> errors_of(const fhir::Diagnostics& d) {
  std::vector<hl7v2::AckError> errs;
  for (const fhir::Issue& i : d.issues())
    if (i.severity == fhir::Severity::Error || i.severity == fhir::Severity::Fatal)
      errs.push_back({err_location(i.location), err_code(i.code, i.key), 'E', i.message});
  return errs;
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

std::string V2Responder::next_control_id() const {
  auto ms = std::chrono::duration_cast<std::chrono::milliseconds>(std::chrono::system_clock::now().time_since_epoch()).count();
  return "HW" + std::to_string(ms) + "-" + std::to_string(++seq_);
}

std::string V2Responder::answer(std::string_view raw, const Outcome& o) const {
  hl7v2::AckOptions opts;
  opts.control_id = next_control_id();
  opts.timestamp = v2_now();
  hl7v2::ParseError perr;
  // An ACK needs only the MSH segment: parsing just that keeps answering cheap for large messages.
  std::string_view msh = raw.substr(0, raw.find_first_of("\r\n"));
  std::optional<hl7v2::Message> msg = o.kind == Outcome::Kind::Unreadable ? std::nullopt : hl7v2::parse(msh, perr);
  if (!msg) {
    // Kept for replay when it can be; the AR tells the sender to keep it either way.
    if (o.conversion && !o.conversion->diagnostics.empty()) perr.message = o.conversion->diagnostics.issues().front().message;
    if (o.kind == Outcome::Kind::Unavailable) perr.message = "message could not be stored: " + o.error;
    return hl7v2::build_reject(raw, perr, opts);
  }
  switch (o.kind) {
    case Outcome::Kind::Accepted:
      return hl7v2::build_ack(*msg, hl7v2::AckCode::AA, {}, opts);
    case Outcome::Kind::Unavailable:
      // Could not store: AR so the sender keeps the message and retries; nothing is half-done.
      return hl7v2::build_ack(*msg, hl7v2::AckCode::AR, {{"", hl7v2::kApplicationInternalError, 'E', "message could not be stored: " + o.error}},
                              opts);
    case Outcome::Kind::Reused:
      opts.text = "Message not accepted: control id reused";
      return hl7v2::build_ack(*msg, hl7v2::AckCode::AE,
                              {{"MSH^1^10", hl7v2::kApplicationInternalError, 'E',
                                "control id " + std::string(msg->control_id()) + " was already used by message " +
                                    std::to_string(o.first_id) + " with other content; send it with a new control id"}},
                              opts);
    default:
      opts.text = "Message not accepted: content errors";
      return hl7v2::build_ack(*msg, hl7v2::AckCode::AE, o.conversion ? errors_of(o.conversion->diagnostics) : std::vector<hl7v2::AckError>{}, opts);
  }
}

std::string V2Responder::refuse_sender(std::string_view raw, const std::string& why) const {
  hl7v2::AckOptions opts;
  opts.control_id = next_control_id();
  opts.timestamp = v2_now();
  opts.text = "Message not accepted: sender refused";
  hl7v2::ParseError perr;
  std::string_view msh = raw.substr(0, raw.find_first_of("\r\n"));
  std::optional<hl7v2::Message> msg = hl7v2::parse(msh, perr);
  if (!msg) {
    perr.message = why;
    return hl7v2::build_reject(raw, perr, opts);
  }
  return hl7v2::build_ack(*msg, hl7v2::AckCode::AR, {{"", hl7v2::kApplicationInternalError, 'E', why}}, opts);
}

std::string V2Responder::reject_frame(const std::string& error) const {
  hl7v2::ParseError perr;
  perr.message = error;
  hl7v2::AckOptions o;
  o.control_id = next_control_id();
  o.timestamp = v2_now();
  return hl7v2::build_reject("", perr, o);
}

}  // namespace hidewire::plugins
