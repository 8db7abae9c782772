// The vendor maps (mapping/ambulance/vendor_*.json), read once into typed structs: where each
// ePR vendor puts each item of the handover report, how it writes dates, and the vendor's words
// for coded values (ACVPU, routes, conveyance outcomes...) in the report model's terms. Applying
// a map gives a Record in one vocabulary whatever the vendor, which epr_bundle turns into FHIR.
#pragma once

#include <map>
#include <stdexcept>
#include <string>
#include <vector>

#include "fhir/diagnostics.hpp"
#include "plugins/converters/ambulance/epr_tree.hpp"

namespace hidewire::plugins::ambulance {

struct MapError : std::runtime_error {
  using std::runtime_error::runtime_error;
};

// One item as the vendor sent it (dates already FHIR dateTimes), with where it was.
struct Value {
  std::string text;
  std::string at;  // the input location: "observations[2]/pulse", "Disposition/Destination/@code"
};
using Fields = std::map<std::string, Value>;

// The handover report in the model's terms (keys: docs/AMBULANCE.md, "The report model").
struct Record {
  Fields fields;                                   // "incident.number", "patient.nhs_number", ...
  std::map<std::string, std::vector<Fields>> lists;  // "observations", "medications", "crew", "safeguarding"
  const Value* get(const std::string& key) const;
};

struct FieldSpec {
  std::string key;     // the model's name
  std::string path;    // in the vendor's tree
  std::string values;  // the vendor's value table that translates it; empty: as sent
  std::string date;    // the vendor's date pattern (dd/MM/yyyy HH:mm:ss); empty: ISO 8601
};

struct ListSpec {
  std::string key, path;
  std::vector<FieldSpec> fields;
};

struct VendorMap {
  std::string name;
  std::string format;  // json | xml
  std::string root;    // xml: the document element's local name
  std::string key, equals;  // json: the member that names the vendor's schema, and its value's prefix
  std::vector<FieldSpec> fields;
  std::vector<ListSpec> lists;
  std::map<std::string, std::map<std::string, std::string>> values;  // table -> lower-cased vendor word -> model word
  std::vector<std::string> ignore;  // paths left out on purpose (not reported as unmapped)

  bool recognises(const TreeNode& root, const std::string& syntax) const;
  // Reads the report; date and table problems go to `d` at their input location.
  Record apply(const TreeNode& root, fhir::Diagnostics& d) const;
};

// Reads one vendor map; throws MapError naming the JSON path of each problem (`source` names the file).
VendorMap load_vendor_map(const std::string& json, const std::string& source);

// A vendor date into a FHIR date (`date_only`) or dateTime: ISO 8601 when `pattern` is empty, else
// the pattern's dd MM yyyy HH mm ss (seconds may be left off). No zone: UK local time. Empty: unreadable.
std::string vendor_date(const std::string& text, const std::string& pattern, bool date_only);

}  // namespace hidewire::plugins::ambulance
