#include "plugins/converters/delimited/delimited_converter.hpp"

#include <algorithm>
#include <unordered_map>

#include "node/intake.hpp"
#include "plugins/converters/delimited/delimited_text.hpp"

namespace hidewire::plugins::delimited {
namespace {

using node::Conversion;
using social::DelimitedRecord;
using social::SocialMap;

std::string first_line(std::string_view raw) { return std::string(raw.substr(0, raw.find_first_of("\r\n"))); }

class DelimitedConverter final : public social::SocialConverter {
 public:
  explicit DelimitedConverter(social::Selected maps) : SocialConverter(std::move(maps), "the delimited converter") {}

  // One message per person: the header row (when the map has one) and that person's rows, in
  // the order they first appear; a row without a person key is a message of its own.
  std::vector<std::string> split(std::string_view raw, const node::MessageInfo& info) const override {
    const SocialMap* map = maps_.choose(info, first_line(raw), "");
    if (!map) return {};
    std::vector<DelimitedRecord> rows;
    if (!social::read_delimited(raw, map->delimiter, map->quote, rows).empty() || rows.size() < 2) return {};
    std::size_t first = map->header ? 1 : 0;
    int key_col = key_column(*map, rows.front());
    if (key_col < 0) return {};
    std::string head = map->header ? std::string(raw.substr(rows[0].begin, rows[0].end - rows[0].begin)) + "\n" : "";
    std::vector<std::string> parts;
    std::unordered_map<std::string, std::size_t> part_of;  // person key -> its part
    for (std::size_t i = first; i < rows.size(); ++i) {
      const auto& cells = rows[i].cells;
      std::string key = static_cast<std::size_t>(key_col) < cells.size() ? cells[static_cast<std::size_t>(key_col)] : "";
      std::string line = std::string(raw.substr(rows[i].begin, rows[i].end - rows[i].begin)) + "\n";
      auto it = key.empty() ? part_of.end() : part_of.find(key);
      if (it == part_of.end()) {
        if (!key.empty()) part_of.emplace(key, parts.size());
        parts.push_back(head + line);
      } else {
        parts[it->second] += line;
      }
    }
    return parts;
  }

 private:
  static int column_of(const SocialMap& map, const social::FieldSpec& f, const DelimitedRecord& header) {
    if (!map.header) return f.position - 1;
    auto it = std::find(header.cells.begin(), header.cells.end(), f.column);
    return it == header.cells.end() ? -1 : static_cast<int>(it - header.cells.begin());
  }
  static int key_column(const SocialMap& map, const DelimitedRecord& header) {
    for (const auto& f : map.fields)
      if (f.section + "." + f.key == map.person_key) return column_of(map, f, header);
    return -1;
  }

  void convert_into(std::string_view raw, const node::MessageInfo& info, Conversion& out) const override {
    out.control_id = info.content_hash.empty() ? node::sha256_hex(raw) : info.content_hash;
    const SocialMap* map = maps_.choose(info, first_line(raw), "");
    if (!map) {
      out.status = Conversion::Status::Refused;
      out.diagnostics.error("not-supported", "", "no social-care map for this file: name one for its source (converters.delimited.source_maps; hidewire convert --map)", "unsupported-message");
      return;
    }
    std::vector<DelimitedRecord> rows;
    if (std::string why = social::read_delimited(raw, map->delimiter, map->quote, rows); !why.empty()) {
      out.status = Conversion::Status::Unreadable;
      out.diagnostics.add(fhir::Severity::Fatal, "structure", "", why);
      return;
    }
    std::size_t first = map->header ? 1 : 0;
    if (rows.size() <= first) {
      out.status = Conversion::Status::Unreadable;
      out.diagnostics.add(fhir::Severity::Fatal, "structure", "", "no rows");
      return;
    }
    const DelimitedRecord& header = rows.front();
    std::vector<int> cols;
    std::vector<bool> mapped(map->header ? header.cells.size() : 0, false);
    for (const auto& f : map->fields) {
      int c = column_of(*map, f, header);
      if (c < 0) out.diagnostics.warning("not-found", "column '" + f.column + "'", "the map's column is not in the file");
      else if (static_cast<std::size_t>(c) < mapped.size()) mapped[static_cast<std::size_t>(c)] = true;
      cols.push_back(c);
    }
    // Every column the map does not read, and does not leave out on purpose, is reported.
    for (std::size_t i = 0; i < mapped.size(); ++i)
      if (!mapped[i] && !map->ignored(header.cells[i])) out.unmapped.push_back("column '" + header.cells[i] + "'");
    social::Record rec;
    std::string person;
    for (std::size_t r = first; r < rows.size(); ++r) {
      const DelimitedRecord& row = rows[r];
      std::map<std::string, social::Item> items;
      for (std::size_t k = 0; k < map->fields.size(); ++k) {
        const auto& f = map->fields[k];
        if (cols[k] < 0 || static_cast<std::size_t>(cols[k]) >= row.cells.size()) continue;
        std::string at = "line " + std::to_string(row.line) + ", column " + (map->header ? "'" + f.column + "'" : std::to_string(f.position));
        map->read(f, row.cells[static_cast<std::size_t>(cols[k])], at, items[f.section], out.diagnostics);
      }
      if (!map->header)
        for (std::size_t c = 0; c < row.cells.size(); ++c)
          if (!row.cells[c].empty() && std::none_of(cols.begin(), cols.end(), [&](int m) { return m == static_cast<int>(c); }) &&
              !map->ignored(std::to_string(c + 1))) {
            std::string name = "column " + std::to_string(c + 1);
            if (std::find(out.unmapped.begin(), out.unmapped.end(), name) == out.unmapped.end()) out.unmapped.push_back(name);
          }
      if (map->header && row.cells.size() > header.cells.size())
        out.diagnostics.warning("structure", "line " + std::to_string(row.line),
                                "more cells than the header names: the extra ones are left out");
      // Every row of one message is one person's; their details from the first row that has each.
      const std::string& id = items["person"].text("id");
      if (person.empty()) person = id;
      else if (!id.empty() && id != person) {
        out.status = Conversion::Status::Refused;
        out.diagnostics.error("structure", "line " + std::to_string(row.line),
                              "rows of more than one person in one message: a file is split into one message per person");
        return;
      }
      for (auto& [key, vs] : items["person"].fields)
        if (!rec.person.get(key)) rec.person.fields[key] = std::move(vs);
      for (auto& [section, item] : items)
        if (section != "person" && !item.empty()) rec.add(section, std::move(item));
    }
    social::finish_conversion(rec, *map, *maps_.codes, raw, info, out);
  }
};

}  // namespace

node::ConverterBuilder factory(node::ConfigReader& r) { return social::factory_of<DelimitedConverter>(r, "delimited"); }

}  // namespace hidewire::plugins::delimited
