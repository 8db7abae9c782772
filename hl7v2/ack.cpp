#include "hl7v2/ack.hpp"

namespace hidewire::hl7v2 {

std::string_view ack_code_name(AckCode c) {
  switch (c) {
    case AckCode::AA: return "AA";
    case AckCode::AE: return "AE";
    case AckCode::AR: return "AR";
  }
  return "AR";
}

namespace {

struct Header {
  Delimiters d;
  std::string send_app, send_fac, recv_app, recv_fac, event, control_id, processing, version;
};

std::string assemble(const Header& h, AckCode code, const std::vector<AckError>& errors, const AckOptions& opts) {
  const Delimiters& d = h.d;
  std::string f(1, d.field), c(1, d.component);
  std::string enc{d.component, d.repetition, d.escape, d.subcomponent};
  if (d.truncation) enc += d.truncation;
  std::string out = "MSH" + f + enc + f + h.recv_app + f + h.recv_fac + f + h.send_app + f + h.send_fac + f +
                    opts.timestamp + f + f + "ACK" + (h.event.empty() ? "" : c + h.event) + c + "ACK" + f +
                    escape(opts.control_id, d) + f + h.processing + f + h.version + "\r";
  out += "MSA" + f + std::string(ack_code_name(code)) + f + h.control_id;
  if (!opts.text.empty()) out += f + escape(opts.text, d);
  out += "\r";
  for (const AckError& e : errors) {
    // v2.5 ERR: ERR-2 location, ERR-3 code^text^HL70357, ERR-4 severity, ERR-8 user message.
    std::string loc = e.location;
    for (char& ch : loc)
      if (ch == '^') ch = d.component;
    out += "ERR" + f + f + loc + f + std::to_string(e.code) + c + escape(e.message.substr(0, 80), d) + c + "HL70357" + f +
           std::string(1, e.severity) + f + f + f + f + escape(e.message, d) + "\r";
  }
  return out;
}

}  // namespace

std::string build_ack(const Message& m, AckCode code, const std::vector<AckError>& errors, const AckOptions& opts) {
  Header h;
  h.d = m.delims;
  const Segment& msh = m.segments.front();
  h.send_app = std::string(msh.field(3));
  h.send_fac = std::string(msh.field(4));
  h.recv_app = std::string(msh.field(5));
  h.recv_fac = std::string(msh.field(6));
  h.event = std::string(m.trigger_event());
  h.control_id = std::string(m.control_id());
  h.processing = std::string(msh.field(11));
  h.version = std::string(msh.field(12));
  return assemble(h, code, errors, opts);
}

std::string build_reject(std::string_view raw, const ParseError& why, const AckOptions& opts) {
  Header h;
  std::size_t start = raw.find("MSH");
  if (start != std::string_view::npos && start + 8 < raw.size()) {
    std::string_view line = raw.substr(start);
    line = line.substr(0, line.find_first_of("\r\n"));
    char fs = line[3];
    std::vector<std::string_view> fields{"MSH", line.substr(3, 1)};
    for (std::size_t p = 4; p <= line.size();) {
      std::size_t n = line.find(fs, p);
      if (n == std::string_view::npos) n = line.size();
      fields.push_back(line.substr(p, n - p));
      p = n + 1;
    }
    auto field = [&](std::size_t i) { return i < fields.size() ? std::string(fields[i]) : std::string(); };
    // Only delimiters that parse() would accept are reused; otherwise the defaults, and no
    // fields are echoed: a reject must itself be a valid message.
    ParseError ignored;
    std::optional<Delimiters> declared = read_delimiters(line, ignored);
    bool usable = declared.has_value();
    if (usable) h.d = *declared;
    auto first_component = [&](std::string s) { return s.substr(0, s.find(h.d.component)); };
    // Only fields that read cleanly are echoed: a reject must itself be a valid message.
    auto clean = [&](const std::string& s) { return s.find_first_of("\r\n") == std::string::npos ? s : std::string(); };
    if (usable) {
      h.send_app = clean(field(3));
      h.send_fac = clean(field(4));
      h.recv_app = clean(field(5));
      h.recv_fac = clean(field(6));
      std::string type = field(9);
      std::size_t c1 = type.find(h.d.component);
      if (c1 != std::string::npos) h.event = first_component(type.substr(c1 + 1));
      h.control_id = clean(field(10));
      h.processing = clean(field(11));
      h.version = clean(field(12));
    }
  }
  AckError e;
  e.code = kSegmentSequenceError;
  e.location = why.segment ? "^" + std::to_string(why.segment) : "";
  e.message = why.message;
  return assemble(h, AckCode::AR, {e}, opts);
}

}  // namespace hidewire::hl7v2
