#include "plugins/converters/delimited/delimited_text.hpp"

namespace hidewire::plugins::social {

std::string read_delimited(std::string_view text, char delimiter, char quote, std::vector<DelimitedRecord>& out) {
  std::size_t i = 0, line = 1;
  if (text.substr(0, 3) == "\xEF\xBB\xBF") i = 3;  // a byte order mark, as spreadsheet exports write it
  while (i < text.size()) {
    DelimitedRecord rec;
    rec.begin = i;
    rec.line = line;
    std::string cell;
    bool quoted = false, any = false;
    for (;;) {
      if (i >= text.size()) {
        if (quoted) return "line " + std::to_string(rec.line) + ": a quoted cell is never closed";
        break;
      }
      char ch = text[i];
      if (quoted) {
        if (ch == quote) {
          if (i + 1 < text.size() && text[i + 1] == quote) {
            cell += quote;
            i += 2;
            continue;
          }
          quoted = false;
        } else {
          if (ch == '\n') ++line;
          cell += ch;
        }
        ++i;
        continue;
      }
      if (ch == quote && cell.empty()) {
        quoted = any = true;
        ++i;
      } else if (ch == delimiter) {
        rec.cells.push_back(std::move(cell));
        cell.clear();
        any = true;
        ++i;
      } else if (ch == '\r' || ch == '\n') {
        break;
      } else {
        cell += ch;
        any = true;
        ++i;
      }
    }
    rec.end = i;
    if (i < text.size() && text[i] == '\r') ++i;
    if (i < text.size() && text[i] == '\n') ++i, ++line;
    if (!any) continue;  // a blank line
    rec.cells.push_back(std::move(cell));
    out.push_back(std::move(rec));
  }
  return {};
}

}  // namespace hidewire::plugins::social
