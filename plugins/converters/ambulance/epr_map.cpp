#include "plugins/converters/ambulance/epr_map.hpp"

#include <rapidjson/document.h>

#include <algorithm>
#include <cctype>
#include <set>

#include "fhir/primitives.hpp"
#include "mapping/engine/datatypes.hpp"
#include "plugins/converters/ambulance/map_json.hpp"

namespace hidewire::plugins::ambulance {
namespace {

// The report model: every key a vendor map may fill (the contract with epr_bundle).
const std::set<std::string> kFields = {
    "report.id",          "incident.number",     "incident.call",       "incident.mobile",        "incident.at_scene",
    "incident.left_scene", "incident.at_hospital", "incident.handover",  "service.ods",            "service.name",
    "patient.nhs_number", "patient.family",      "patient.given",       "patient.birth_date",     "patient.gender",
    "patient.address_line", "patient.town",      "patient.postcode",    "patient.local_id",       "impression.code",
    "impression.text",    "conveyance.outcome",  "conveyance.destination_ods", "conveyance.destination_name"};
const std::map<std::string, std::set<std::string>> kLists = {
    {"crew", {"family", "given", "role", "staff_id", "registration"}},
    {"observations", {"time", "respiratory_rate", "spo2", "spo2_scale", "supplemental_oxygen", "systolic", "diastolic", "pulse",
                      "acvpu", "temperature", "news2_total"}},
    {"medications", {"time", "name", "code", "dose", "unit", "route"}},
    {"safeguarding", {"category", "concern", "referred"}}};
const std::set<std::string> kDateTimes = {"incident.call",       "incident.mobile",   "incident.at_scene", "incident.left_scene",
                                          "incident.at_hospital", "incident.handover", "time"};

std::string lower(std::string s) {
  std::transform(s.begin(), s.end(), s.begin(), [](unsigned char c) { return static_cast<char>(std::tolower(c)); });
  return s;
}

FieldSpec field_spec(const std::string& key, const rapidjson::Value& v, const std::string& at, const VendorMap& m) {
  FieldSpec f;
  f.key = key;
  if (v.IsString()) {
    f.path = v.GetString();
  } else if (v.IsObject()) {
    for (auto& mem : v.GetObject())
      if (std::string k = mem.name.GetString(); k != "path" && k != "values" && k != "date")
        throw MapError(at + "." + k + ": unknown key (path, values, date)");
    f.path = map_string(v, "path", at, true);
    f.values = map_string(v, "values", at, false);
    f.date = map_string(v, "date", at, false);
    if (!f.values.empty() && !m.values.count(f.values)) throw MapError(at + ".values: no value table '" + f.values + "'");
  } else {
    throw MapError(at + ": expected a path or {path, values, date}");
  }
  if (f.path.empty()) throw MapError(at + ": empty path");
  return f;
}

// One leaf into the model's terms: dates as FHIR, table words translated (a word the table does
// not know is kept as sent, for epr_bundle to carry as text).
void put(Fields& out, const FieldSpec& f, const TreeNode& base, const std::string& at, const VendorMap& m, fhir::Diagnostics& d) {
  const TreeNode* leaf = take_leaf(base, f.path);
  if (!leaf) return;
  Value v{leaf->text, at.empty() ? f.path : at + "/" + f.path};
  if (kDateTimes.count(f.key) || f.key == "patient.birth_date") {
    std::string when = vendor_date(v.text, f.date, f.key == "patient.birth_date");
    if (when.empty()) {
      d.error("value", v.at, "'" + v.text + "' is not a date" + std::string(f.key == "patient.birth_date" ? "" : " and time") +
                                 (f.date.empty() ? " (ISO 8601 expected)" : " in the form " + f.date));
      return;
    }
    v.text = when;
  } else if (!f.values.empty()) {
    const auto& table = m.values.at(f.values);
    if (auto it = table.find(lower(v.text)); it != table.end()) v.text = it->second;
  }
  out[f.key] = std::move(v);
}

}  // namespace

const Value* Record::get(const std::string& key) const {
  auto it = fields.find(key);
  return it == fields.end() ? nullptr : &it->second;
}

std::string vendor_date(const std::string& text, const std::string& pattern, bool date_only) {
  if (pattern.empty()) {
    // ISO 8601 as FHIR writes it; a time without a zone is UK local time.
    if (date_only) return fhir::check_primitive(fhir::Primitive::Date, text).empty() ? text : std::string();
    if (text.size() < 16 || text[10] != 'T') return {};
    bool zoned = text.back() == 'Z' || (text.size() > 19 && (text[text.size() - 6] == '+' || text[text.size() - 6] == '-'));
    std::string full = text.size() == 16 ? text + ":00" : text;
    if (zoned) return fhir::check_primitive(fhir::Primitive::DateTime, full).empty() ? full : std::string();
    std::string digits;
    for (char c : full.substr(0, 19))
      if (std::isdigit(static_cast<unsigned char>(c))) digits += c;
    if (digits.size() != 14) return {};
    std::string out = mapping::v2_datetime(digits, false);
    return out.substr(0, 19) == full.substr(0, 19) ? out : std::string();
  }
  std::string y, mo, d, h, mi, s;
  std::size_t i = 0;
  for (std::size_t p = 0; p < pattern.size();) {
    auto field = [&](const char* tok, std::size_t n, std::string& out) {
      if (pattern.compare(p, n, tok) != 0) return false;
      if (i + n > text.size()) return true;  // ran out: fields left are empty
      out = text.substr(i, n);
      i += n;
      p += n;
      return true;
    };
    if (field("yyyy", 4, y) || field("MM", 2, mo) || field("dd", 2, d) || field("HH", 2, h) || field("mm", 2, mi) ||
        field("ss", 2, s)) {
      if (i >= text.size() && p < pattern.size()) break;
      continue;
    }
    if (i >= text.size() || text[i] != pattern[p]) return {};
    ++i;
    ++p;
  }
  if (i != text.size()) return {};
  std::string all = y + mo + d + h + mi + s;
  if (!std::all_of(all.begin(), all.end(), [](unsigned char c) { return std::isdigit(c); })) return {};
  if (y.size() != 4 || mo.size() != 2 || d.size() != 2) return {};
  if (date_only) return mapping::v2_date(y + mo + d);
  if (h.size() != 2 || mi.size() != 2) return {};
  return mapping::v2_datetime(y + mo + d + h + mi + (s.size() == 2 ? s : "00"), false);
}

bool VendorMap::recognises(const TreeNode& root, const std::string& syntax) const {
  if (syntax != format) return false;
  if (format == "xml") return root.name == this->root;
  for (const TreeNode& k : root.kids)
    if (k.name == key && k.leaf) return k.text.rfind(equals, 0) == 0;
  return false;
}

Record VendorMap::apply(const TreeNode& root, fhir::Diagnostics& d) const {
  Record r;
  if (format == "json") take_leaf(root, key);  // the schema marker is read, not content
  for (const FieldSpec& f : fields) put(r.fields, f, root, "", *this, d);
  for (const ListSpec& l : lists) {
    std::vector<const TreeNode*> items = find_all(root, l.path);
    for (std::size_t n = 0; n < items.size(); ++n) {
      Fields item;
      std::string at = l.path + "[" + std::to_string(n + 1) + "]";
      for (const FieldSpec& f : l.fields) put(item, f, *items[n], at, *this, d);
      if (!item.empty()) r.lists[l.key].push_back(std::move(item));
    }
  }
  return r;
}

VendorMap load_vendor_map(const std::string& json, const std::string& source) {
  rapidjson::Document doc;
  std::string at;
  parse_map_file(json, source, doc, at);
  static const std::set<std::string> kKeys = {"vendor", "format", "root", "schema_key", "schema_prefix", "fields", "lists", "values", "ignore", "notes"};
  for (auto& mem : doc.GetObject())
    if (!kKeys.count(mem.name.GetString())) throw MapError(at + "." + mem.name.GetString() + ": unknown key");
  VendorMap m;
  m.name = map_string(doc, "vendor", at, true);
  m.format = map_string(doc, "format", at, true);
  if (m.format != "json" && m.format != "xml") throw MapError(at + ".format: json or xml");
  m.root = map_string(doc, "root", at, m.format == "xml");
  m.key = map_string(doc, "schema_key", at, m.format == "json");
  m.equals = map_string(doc, "schema_prefix", at, m.format == "json");
  if (auto v = doc.FindMember("values"); v != doc.MemberEnd()) {
    if (!v->value.IsObject()) throw MapError(at + ".values: expected an object of tables");
    for (auto& t : v->value.GetObject()) {
      std::string tat = at + ".values." + t.name.GetString();
      if (!t.value.IsObject()) throw MapError(tat + ": expected an object");
      auto& table = m.values[t.name.GetString()];
      for (auto& w : t.value.GetObject()) {
        if (!w.value.IsString()) throw MapError(tat + "." + w.name.GetString() + ": expected a string");
        table[lower(w.name.GetString())] = w.value.GetString();
      }
    }
  }
  auto fields = doc.FindMember("fields");
  if (fields == doc.MemberEnd() || !fields->value.IsObject()) throw MapError(at + ".fields: required object");
  for (auto& f : fields->value.GetObject()) {
    std::string key = f.name.GetString();
    if (!kFields.count(key)) throw MapError(at + ".fields." + key + ": not an item of the report model");
    m.fields.push_back(field_spec(key, f.value, at + ".fields." + key, m));
  }
  if (auto lists = doc.FindMember("lists"); lists != doc.MemberEnd()) {
    if (!lists->value.IsObject()) throw MapError(at + ".lists: expected an object");
    for (auto& l : lists->value.GetObject()) {
      std::string key = l.name.GetString(), lat = at + ".lists." + key;
      auto known = kLists.find(key);
      if (known == kLists.end()) throw MapError(lat + ": not a list of the report model");
      if (!l.value.IsObject()) throw MapError(lat + ": expected {path, fields}");
      ListSpec spec;
      spec.key = key;
      spec.path = map_string(l.value, "path", lat, true);
      auto lf = l.value.FindMember("fields");
      if (lf == l.value.MemberEnd() || !lf->value.IsObject()) throw MapError(lat + ".fields: required object");
      for (auto& f : lf->value.GetObject()) {
        std::string fk = f.name.GetString();
        if (!known->second.count(fk)) throw MapError(lat + ".fields." + fk + ": not an item of " + key);
        spec.fields.push_back(field_spec(fk, f.value, lat + ".fields." + fk, m));
      }
      m.lists.push_back(std::move(spec));
    }
  }
  if (auto ig = doc.FindMember("ignore"); ig != doc.MemberEnd()) {
    if (!ig->value.IsArray()) throw MapError(at + ".ignore: expected an array of paths");
    for (auto& p : ig->value.GetArray()) {
      if (!p.IsString()) throw MapError(at + ".ignore: expected strings");
      m.ignore.push_back(p.GetString());
    }
  }
  return m;
}

}  // namespace hidewire::plugins::ambulance
