// Delimited text (CSV, pipe, tab) as councils' systems export it: records of cells, quoted cells
// may hold the delimiter, doubled quotes and line breaks. Each record keeps where it was in the
// text, so a file is split into one message per person from its own bytes.
#pragma once

#include <string>
#include <string_view>
#include <vector>

namespace hidewire::plugins::social {

struct DelimitedRecord {
  std::vector<std::string> cells;
  std::size_t begin = 0, end = 0;  // its bytes in the text, without the line break
  std::size_t line = 0;            // 1-based line it starts on
};

// Empty on success, else why the text cannot be read (a quote never closed). Blank lines are skipped.
std::string read_delimited(std::string_view text, char delimiter, char quote, std::vector<DelimitedRecord>& out);

}  // namespace hidewire::plugins::social
