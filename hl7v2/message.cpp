#include <cctype>
#include <charconv>

#include "hl7v2/message.hpp"

namespace hidewire::hl7v2 {
namespace {

// The n-th (1-based) piece of `s` split by `d`; empty when there are fewer pieces.
std::string_view nth(std::string_view s, char d, int n) {
  std::size_t start = 0;
  for (int i = 1; i < n; ++i) {
    std::size_t p = s.find(d, start);
    if (p == std::string_view::npos) return {};
    start = p + 1;
  }
  std::size_t end = s.find(d, start);
  return s.substr(start, end == std::string_view::npos ? std::string_view::npos : end - start);
}

int read_int(std::string_view s, std::size_t& i) {
  int v = 0;
  auto r = std::from_chars(s.data() + i, s.data() + s.size(), v);
  i = static_cast<std::size_t>(r.ptr - s.data());
  return v;
}

}  // namespace

const Segment* Message::first(std::string_view name) const {
  for (const Segment& s : segments)
    if (s.name == name) return &s;
  return nullptr;
}

std::vector<const Segment*> Message::all(std::string_view name) const {
  std::vector<const Segment*> out;
  for (const Segment& s : segments)
    if (s.name == name) out.push_back(&s);
  return out;
}

std::string_view Message::piece(std::string_view field, int rep, int comp, int sub) const {
  std::string_view v = field;
  // MSH-2 holds the delimiters themselves: never split it.
  if (rep > 0) v = nth(v, delims.repetition, rep);
  if (comp > 0) v = nth(v, delims.component, comp);
  if (sub > 0) v = nth(v, delims.subcomponent, sub);
  return v;
}

std::size_t Message::repetitions(std::string_view field) const {
  if (field.empty()) return 0;
  std::size_t n = 1;
  for (char c : field) n += c == delims.repetition;
  return n;
}

std::string Message::unescape(std::string_view text) const { return hl7v2::unescape(text, delims); }

std::string Message::get(std::string_view path) const {
  // SEG[(n)]-F[(r)][.C[.S]]
  if (path.size() < 3) return {};
  std::string_view name = path.substr(0, 3);
  std::size_t i = 3;
  int seg_index = 1, rep = 1, comp = 0, sub = 0;
  if (i < path.size() && path[i] == '(') { ++i; seg_index = read_int(path, i); ++i; }
  if (i >= path.size() || path[i] != '-') return {};
  ++i;
  int field = read_int(path, i);
  bool rep_given = false;
  if (i < path.size() && path[i] == '(') { ++i; rep = read_int(path, i); ++i; rep_given = true; }
  if (i < path.size() && path[i] == '.') { ++i; comp = read_int(path, i); }
  if (i < path.size() && path[i] == '.') { ++i; sub = read_int(path, i); }
  const Segment* seg = nullptr;
  int seen = 0;
  for (const Segment& s : segments)
    if (s.name == name && ++seen == seg_index) { seg = &s; break; }
  if (!seg) return {};
  std::string_view f = seg->field(static_cast<std::size_t>(field));
  if (name == "MSH" && field <= 2) return std::string(f);
  std::string_view v = piece(f, rep_given || comp > 0 ? rep : 0, comp, sub);
  return unescape(v);
}

std::string_view Message::message_code() const {
  const Segment* msh = segments.empty() ? nullptr : &segments.front();
  return msh ? piece(msh->field(9), 1, 1) : std::string_view();
}
std::string_view Message::trigger_event() const {
  const Segment* msh = segments.empty() ? nullptr : &segments.front();
  return msh ? piece(msh->field(9), 1, 2) : std::string_view();
}
std::string Message::structure() const {
  const Segment* msh = segments.empty() ? nullptr : &segments.front();
  if (!msh) return {};
  std::string_view s = piece(msh->field(9), 1, 3);
  if (!s.empty()) return std::string(s);
  std::string code(message_code()), event(trigger_event());  // v2.2/v2.3 often leave MSH-9.3 out
  return event.empty() ? code : code + "_" + event;
}
std::string_view Message::control_id() const { return segments.empty() ? std::string_view() : segments.front().field(10); }
std::string_view Message::version() const {
  return segments.empty() ? std::string_view() : piece(segments.front().field(12), 1, 1);
}
std::string_view Message::sending_application() const {
  return segments.empty() ? std::string_view() : piece(segments.front().field(3), 1, 1);
}
std::string_view Message::sending_facility() const {
  return segments.empty() ? std::string_view() : piece(segments.front().field(4), 1, 1);
}

std::string unescape(std::string_view t, const Delimiters& d) {
  if (t.find(d.escape) == std::string_view::npos) return std::string(t);
  std::string out;
  out.reserve(t.size());
  for (std::size_t i = 0; i < t.size(); ++i) {
    if (t[i] != d.escape) {
      out += t[i];
      continue;
    }
    std::size_t end = t.find(d.escape, i + 1);
    if (end == std::string_view::npos) {  // a lone escape character: kept as written
      out.append(t.substr(i));
      break;
    }
    std::string_view code = t.substr(i + 1, end - i - 1);
    if (code == "F") out += d.field;
    else if (code == "S") out += d.component;
    else if (code == "T") out += d.subcomponent;
    else if (code == "R") out += d.repetition;
    else if (code == "E") out += d.escape;
    else if (code == ".br") out += '\n';
    else if (code == "H" || code == "N") {  // highlighting on/off: no meaning in FHIR text
    } else if (!code.empty() && code[0] == 'X' && code.size() % 2 == 1) {
      bool ok = true;
      std::string bytes;
      for (std::size_t k = 1; k + 1 < code.size() + 1 && ok; k += 2) {
        unsigned v = 0;
        auto r = std::from_chars(code.data() + k, code.data() + k + 2, v, 16);
        ok = r.ec == std::errc() && r.ptr == code.data() + k + 2;
        bytes += static_cast<char>(v);
      }
      if (ok) out += bytes;
      else out.append(t.substr(i, end - i + 1));
    } else {
      out.append(t.substr(i, end - i + 1));  // \Cxxyy\, \Mxxyyzz\, unknown: kept verbatim
    }
    i = end;
  }
  return out;
}

std::string escape(std::string_view t, const Delimiters& d) {
  std::string out;
  out.reserve(t.size());
  for (char c : t) {
    if (c == d.escape) out += std::string{d.escape, 'E', d.escape};
    else if (c == d.field) out += std::string{d.escape, 'F', d.escape};
    else if (c == d.component) out += std::string{d.escape, 'S', d.escape};
    else if (c == d.subcomponent) out += std::string{d.escape, 'T', d.escape};
    else if (c == d.repetition) out += std::string{d.escape, 'R', d.escape};
    else if (c == '\n') out += std::string(1, d.escape) + ".br" + d.escape;
    else if (c == '\r') out += std::string(1, d.escape) + "X0D" + d.escape;
    else out += c;
  }
  return out;
}

}  // namespace hidewire::hl7v2
