#include <algorithm>
#include <cctype>

#include "hl7v2/message.hpp"
#include "hl7v2/structures.hpp"

namespace hidewire::hl7v2 {
namespace {

bool fail(ParseError& e, std::string msg, std::size_t segment, std::size_t offset) {
  e.message = std::move(msg);
  e.segment = segment;
  e.offset = offset;
  return false;
}

bool check_delimiters(std::string_view buf, Delimiters& d, ParseError& err) {
  if (buf.size() < 8 || buf.compare(0, 3, "MSH") != 0)
    return fail(err, buf.compare(0, 3, "FHS") == 0 || buf.compare(0, 3, "BHS") == 0
                         ? "batch envelopes (FHS/BHS) are not accepted: send one message per frame"
                         : "message does not start with an MSH segment",
                1, 0);
  d.field = buf[3];
  const char stops[] = {d.field, '\r', '\n'};  // MSH-2 ends at the next field or segment
  std::size_t end = buf.find_first_of(std::string_view(stops, 3), 4);
  std::string_view enc = buf.substr(4, end == std::string_view::npos ? std::string_view::npos : end - 4);
  if (enc.size() < 4 || enc.size() > 5)
    return fail(err, "MSH-2 must hold 4 or 5 encoding characters, found '" + std::string(enc) + "'", 1, 4);
  d.component = enc[0];
  d.repetition = enc[1];
  d.escape = enc[2];
  d.subcomponent = enc[3];
  d.truncation = enc.size() == 5 ? enc[4] : 0;
  std::string all = std::string(1, d.field) + std::string(enc);
  for (std::size_t i = 0; i < all.size(); ++i) {
    char c = all[i];
    auto u = static_cast<unsigned char>(c);
    if (std::isalnum(u) || u <= ' ' || u >= 0x7F)  // printable punctuation only
      return fail(err, std::string("delimiter '") + c + "' in MSH-1/MSH-2 is not allowed", 1, 3 + i);
    if (all.find(c, i + 1) != std::string::npos)
      return fail(err, std::string("delimiter '") + c + "' is used twice in MSH-1/MSH-2", 1, 3 + i);
  }
  return true;
}

constexpr std::string_view kBom = "\xEF\xBB\xBF";

}  // namespace

std::size_t skip_preamble(std::string_view text, std::size_t from) {
  std::size_t i = from;
  while (i < text.size()) {
    if (text.substr(i, 3) == kBom) i += 3;
    else if (text[i] == '\r' || text[i] == '\n' || text[i] == ' ' || text[i] == '\t' || text[i] == '\f' || text[i] == '\v') ++i;
    else return i;
  }
  return std::string_view::npos;
}

std::optional<Delimiters> read_delimiters(std::string_view msh_line, ParseError& error) {
  Delimiters d;
  if (!check_delimiters(msh_line, d, error)) return std::nullopt;
  return d;
}

std::optional<Message> parse(std::string_view text, ParseError& err, const ParseLimits& limits) {
  if (text.size() > limits.max_bytes) {
    fail(err, "message is " + std::to_string(text.size()) + " bytes, over the limit of " + std::to_string(limits.max_bytes), 0, 0);
    return std::nullopt;
  }
  Message m;
  m.buffer_ = std::make_unique<std::string>();
  std::string& buf = *m.buffer_;
  buf.reserve(text.size() + 1);
  // One segment terminator, \r, whatever the sender used (\r, \n, \r\n).
  for (std::size_t i = 0; i < text.size();) {  // the runs between line feeds copied whole
    std::size_t lf = text.find('\n', i);
    if (lf == std::string_view::npos) {
      buf.append(text.substr(i));
      break;
    }
    buf.append(text.substr(i, lf - i));
    if (!(!buf.empty() && buf.back() == '\r' && lf > 0 && text[lf - 1] == '\r')) buf += '\r';
    i = lf + 1;
  }
  // Files from Windows systems often start with a UTF-8 byte-order mark; whitespace and blank
  // lines before MSH carry nothing either.
  std::size_t lead = skip_preamble(buf);
  if (lead == std::string::npos) {
    fail(err, "message is empty", 0, 0);
    return std::nullopt;
  }
  std::string_view all(buf);
  all.remove_prefix(lead);
  if (!check_delimiters(all, m.delims, err)) return std::nullopt;
  const char fs = m.delims.field;
  m.segments.reserve(std::min<std::size_t>(static_cast<std::size_t>(std::count(buf.begin(), buf.end(), '\r')) + 1, limits.max_segments));
  std::size_t pos = lead;
  while (pos < buf.size()) {
    std::size_t end = buf.find('\r', pos);
    if (end == std::string::npos) end = buf.size();
    std::string_view line(buf.data() + pos, end - pos);
    std::size_t line_offset = pos;
    pos = end + 1;
    if (line.find_first_not_of(" \t") == std::string_view::npos) continue;  // blank lines between or after
    if (m.segments.size() >= limits.max_segments) {
      fail(err, "message has more than " + std::to_string(limits.max_segments) + " segments", m.segments.size() + 1, line_offset);
      return std::nullopt;
    }
    std::size_t seg_no = m.segments.size() + 1;
    if (line.size() < 3 || !std::isupper(static_cast<unsigned char>(line[0])) ||
        !std::isalnum(static_cast<unsigned char>(line[1])) || !std::isalnum(static_cast<unsigned char>(line[2])) ||
        (line.size() > 3 && line[3] != fs)) {
      fail(err, "segment " + std::to_string(seg_no) + " does not start with a segment name: '" +
                    std::string(line.substr(0, 20)) + "'", seg_no, line_offset);
      return std::nullopt;
    }
    Segment s;
    s.name = line.substr(0, 3);
    s.offset = line_offset;
    s.fields.push_back(s.name);
    bool msh = s.name == "MSH";
    if (msh && seg_no != 1) {
      fail(err, "MSH appears again at segment " + std::to_string(seg_no) + ": one message per frame", seg_no, line_offset);
      return std::nullopt;
    }
    s.fields.reserve(std::min(line.size() / 3 + 3, limits.max_fields + 2));  // growth was a tenth of the parse
    if (msh) s.fields.push_back(line.substr(3, 1));  // MSH-1 is the field separator itself
    std::size_t f = 4;
    while (line.size() > 3 && f <= line.size()) {
      std::size_t next = line.find(fs, f);
      if (next == std::string_view::npos) next = line.size();
      s.fields.push_back(line.substr(f, next - f));
      if (s.fields.size() > limits.max_fields) {
        fail(err, "segment " + std::string(s.name) + " has more than " + std::to_string(limits.max_fields) + " fields", seg_no,
             line_offset);
        return std::nullopt;
      }
      f = next + 1;
    }
    m.segments.push_back(std::move(s));
  }
  if (m.segments.empty() || m.segments.front().name != "MSH") {
    fail(err, "message does not start with an MSH segment", 1, 0);
    return std::nullopt;
  }
  build_groups(m);
  return m;
}

std::string encode(const Message& m) {
  std::string out;
  out.reserve(m.text().size());
  const char fs = m.delims.field;
  for (const Segment& s : m.segments) {
    out += s.name;
    std::size_t first = s.name == "MSH" ? 2 : 1;  // MSH-1 is written by the separator itself
    if (s.name == "MSH") out += fs;
    for (std::size_t i = first; i < s.fields.size(); ++i) {
      if (i > first || s.name != "MSH") out += fs;
      out += s.fields[i];
    }
    out += '\r';
  }
  return out;
}

}  // namespace hidewire::hl7v2
