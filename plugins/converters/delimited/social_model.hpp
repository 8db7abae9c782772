// The social-care record model shared by the `delimited` and `prsb_xml` converters: one person's
// record as a council's system exported it, read through a per-sender map (mapping/social/*.json)
// into one vocabulary (docs/SOCIAL_CARE.md, "The record model"), which social_bundle turns into
// FHIR. A map says where each item is (a column's header name or position, or an XML path), how
// the sender writes dates, how its codes translate, and which cells hold several values.
#pragma once

#include <map>
#include <stdexcept>
#include <string>
#include <vector>

#include "fhir/diagnostics.hpp"

namespace hidewire::plugins::social {

struct MapError : std::runtime_error {
  using std::runtime_error::runtime_error;
};

// One value as the sender wrote it (dates already FHIR dates, codes translated), with where it was.
struct Value {
  std::string text;
  std::string at;  // the input location: "row 3, column 'Carer Name'", "Carers/Carer[1]/Name"
};

// One item of a section (a carer, a visit, the plan): each key's values (several for multi-valued cells).
struct Item {
  std::map<std::string, std::vector<Value>> fields;  // "name", "goal", ... (the section's own keys)
  const Value* get(const std::string& key) const;
  const std::string& text(const std::string& key) const;  // empty when absent
  std::vector<std::string> all(const std::string& key) const;
  bool empty() const { return fields.empty(); }
};

// Sections (docs/SOCIAL_CARE.md): "person" is one item; "carer", "coordinator", "episode", "plan",
// "referral", "visit", "condition", "alert" are lists.
struct Record {
  Item person;
  std::map<std::string, std::vector<Item>> lists;
  // Adds `item` to `section`, merged into the one with the same "id" (or the same content) when there is one.
  void add(const std::string& section, Item item);
};

struct FieldSpec {
  std::string section, key;  // "carer.name" -> carer, name
  std::string column;        // a header name (delimited with a header row)
  int position = 0;          // or a 1-based column position (delimited without one)
  std::string path;          // or a path below the document element or list item (XML)
  std::string values;        // the sender's value table that translates it; empty: as sent
  std::string date;          // the sender's date pattern (dd/MM/yyyy); empty: not a date
  std::string split;         // the separator of a multi-valued cell; empty: one value
};

// XML: a repeating element, each one an item of the fields' sections.
struct ListSpec {
  std::string path;
  std::vector<FieldSpec> fields;
};

struct SocialMap {
  std::string name, format;           // format: delimited | xml
  std::string council_ods, council_name;
  // delimited
  char delimiter = ',', quote = '"';
  bool header = true;
  std::string person_key = "person.id";  // the rows of one person share it
  std::string recognise;                 // a header name only this sender's exports have
  // xml
  std::string root;  // the document element's local name
  std::vector<FieldSpec> fields;
  std::vector<ListSpec> lists;
  std::map<std::string, std::map<std::string, std::string>> values;  // table -> lower-cased sender word -> model word
  std::vector<std::string> ignore;  // columns or paths left out on purpose (not reported as unmapped)

  // The value of `raw` for `spec`: a date converted, a code translated; empty with a warning at `at` when neither works.
  bool read(const FieldSpec& spec, const std::string& raw, const std::string& at, Item& into, fhir::Diagnostics& d) const;
  bool ignored(const std::string& column_or_path) const;
};

// Reads one map; throws MapError naming the JSON path of each problem (`source` names the file).
SocialMap load_social_map(const std::string& json, const std::string& source);

// A sender's date into a FHIR date: dd, MM, yyyy (or yy), and any other characters matched as
// written; ISO 8601 when `pattern` is empty. Empty when unreadable or not a real day.
std::string social_date(const std::string& text, const std::string& pattern);

}  // namespace hidewire::plugins::social
