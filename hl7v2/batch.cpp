#include "hl7v2/batch.hpp"

#include <charconv>

#include "hl7v2/message.hpp"

namespace hidewire::hl7v2 {
namespace {

struct Line {
  std::size_t begin = 0, end = 0;  // [begin, end) of the segment, without its terminator
  std::string_view name;           // the first three characters after any preamble
};

// Calls f(line) for each segment of `text` (ends \r, \n or \r\n; blank lines and byte-order
// marks skipped) until f returns false.
template <typename F>
void each_line(std::string_view text, F&& f) {
  std::size_t pos = 0;
  while (pos < text.size()) {
    std::size_t begin = skip_preamble(text, pos);
    if (begin == std::string_view::npos) break;
    std::size_t end = text.find_first_of("\r\n", begin);
    if (end == std::string_view::npos) end = text.size();
    if (!f(Line{begin, end, text.substr(begin, std::min<std::size_t>(3, end - begin))})) break;
    pos = end;
  }
}

bool envelope(std::string_view name) { return name == "FHS" || name == "BHS" || name == "BTS" || name == "FTS"; }

// Field n (1-based, as the standard numbers header fields: n = 1 is the separator) of a
// header line such as BHS.
std::string_view header_field(std::string_view line, int n) {
  if (line.size() < 4) return {};
  char fs = line[3];
  if (n == 1) return line.substr(3, 1);
  std::size_t start = 4;
  for (int i = 2; i < n; ++i) {
    std::size_t p = line.find(fs, start);
    if (p == std::string_view::npos) return {};
    start = p + 1;
  }
  std::size_t end = line.find(fs, start);
  return line.substr(start, end == std::string_view::npos ? std::string_view::npos : end - start);
}

}  // namespace

Batch split_batch(std::string_view text) {
  Batch b;
  std::string fhs, bhs;
  std::size_t start = std::string_view::npos, last_end = 0;
  auto close = [&] {
    if (start != std::string_view::npos) b.messages.push_back(text.substr(start, last_end - start));
    start = std::string_view::npos;
  };
  each_line(text, [&](const Line& l) {
    std::string_view line = text.substr(l.begin, l.end - l.begin);
    if (l.name == "MSH") {
      close();
      start = l.begin;
    } else if (envelope(l.name)) {
      close();
      b.enveloped = b.enveloped || l.name == "FHS" || l.name == "BHS";
      b.file = b.file || l.name == "FHS";
      if (l.name == "FHS" && fhs.empty()) fhs = line;
      if (l.name == "BHS" && bhs.empty()) bhs = line;
      if (l.name == "BTS") {
        std::string_view count = header_field(line, 2);
        long n = 0;
        if (!count.empty() && std::from_chars(count.data(), count.data() + count.size(), n).ec == std::errc()) b.declared_count = n;
      }
      return true;
    } else if (start == std::string_view::npos) {
      start = l.begin;  // something before any MSH: kept, so that it is answered (AR)
    }
    last_end = l.end;
    return true;
  });
  close();
  b.header = !bhs.empty() ? bhs : fhs;
  if (b.messages.empty() && !text.empty() && !b.enveloped) b.messages.push_back(text);
  return b;
}

bool is_batch(std::string_view text) {
  // Asked of every message a source receives: walks the segments in place, no list of them.
  int msh = 0;
  bool batch = false;
  each_line(text, [&](const Line& l) {
    batch = l.name == "FHS" || l.name == "BHS" || (l.name == "MSH" && ++msh > 1);
    return !batch;
  });
  return batch;
}

std::string batch_answer(const Batch& batch, const std::vector<std::string>& acks, std::string_view timestamp) {
  std::string body;
  for (const std::string& a : acks) body += a;
  if (!batch.enveloped) return body;
  std::string_view h = batch.header;
  std::string fs = h.size() > 3 ? std::string(1, h[3]) : "|";
  std::string enc = header_field(h, 2).empty() ? "^~\\&" : std::string(header_field(h, 2));
  // Receiver and sender swapped; the answer names the batch it answers (BHS-12).
  std::string head = fs + enc + fs + std::string(header_field(h, 5)) + fs + std::string(header_field(h, 6)) + fs +
                     std::string(header_field(h, 3)) + fs + std::string(header_field(h, 4)) + fs + std::string(timestamp) + fs +
                     fs + fs + fs + fs + std::string(header_field(h, 11));
  bool file = batch.file;
  std::string out;
  if (file) out += "FHS" + head + "\r";
  out += "BHS" + head + "\r" + body + "BTS" + fs + std::to_string(acks.size()) + "\r";
  if (file) out += "FTS" + fs + "1\r";
  return out;
}

}  // namespace hidewire::hl7v2
