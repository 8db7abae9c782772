#include "plugins/converters/ambulance/epr_codes.hpp"

#include <rapidjson/document.h>

#include <cstdlib>

#include "plugins/converters/ambulance/map_json.hpp"

namespace hidewire::plugins::ambulance {
namespace {

using J = rapidjson::Value;

Coding coding(const J& v, const std::string& at) {
  if (!v.IsObject()) throw MapError(at + ": expected a coding {system, code, display}");
  Coding c{map_string(v, "system", at), map_string(v, "code", at, true), map_string(v, "display", at), map_string(v, "conveyed", at) == "true"};
  return c;
}

std::vector<std::pair<std::optional<double>, int>> bands(const J& o, const char* key, const std::string& at) {
  std::vector<std::pair<std::optional<double>, int>> out;
  auto it = o.FindMember(key);
  if (it == o.MemberEnd()) return out;
  if (!it->value.IsArray()) throw MapError(at + "." + key + ": expected [[upper, points], ...]");
  for (auto& b : it->value.GetArray()) {
    if (!b.IsArray() || b.Size() != 2 || !b[1].IsInt() || !(b[0].IsNumber() || b[0].IsNull()))
      throw MapError(at + "." + key + ": each band is [inclusive upper bound or null, points]");
    out.emplace_back(b[0].IsNull() ? std::nullopt : std::optional<double>(b[0].GetDouble()), b[1].GetInt());
  }
  if (!out.empty() && out.back().first) throw MapError(at + "." + key + ": the last band must be open (null)");
  return out;
}

ObservationDef observation(const J& v, const std::string& at) {
  if (!v.IsObject()) throw MapError(at + ": expected an object");
  ObservationDef d;
  d.profile = map_string(v, "profile", at);
  d.category = map_string(v, "category", at);
  d.unit = map_string(v, "unit", at);
  d.ucum = map_string(v, "ucum", at);
  d.text = map_string(v, "text", at);
  d.value_table = map_string(v, "value_table", at);
  d.code_table = map_string(v, "code_table", at);
  if (auto c = v.FindMember("code"); c != v.MemberEnd()) {
    if (!c->value.IsArray()) throw MapError(at + ".code: expected an array of codings");
    for (rapidjson::SizeType i = 0; i < c->value.Size(); ++i) d.code.push_back(coding(c->value[i], at + ".code[" + std::to_string(i) + "]"));
  }
  if (d.code.empty() && d.code_table.empty()) throw MapError(at + ": needs code or code_table");
  if (auto c = v.FindMember("components"); c != v.MemberEnd())
    for (auto& k : c->value.GetObject()) d.components[k.name.GetString()] = observation(k.value, at + ".components." + k.name.GetString());
  return d;
}

}  // namespace

std::optional<int> ScoreDef::score(const std::string& value, bool on_oxygen) const {
  if (!points.empty()) {
    auto it = points.find(value);
    return it == points.end() ? std::nullopt : std::optional<int>(it->second);
  }
  char* end = nullptr;
  double v = std::strtod(value.c_str(), &end);
  if (value.empty() || *end) return std::nullopt;
  for (const auto& [upper, pts] : on_oxygen && !bands_on_oxygen.empty() ? bands_on_oxygen : bands)
    if (!upper || v <= *upper + 1e-9) return pts;
  return std::nullopt;
}

const Coding* Codes::lookup(const std::string& table, const std::string& word) const {
  auto t = tables.find(table);
  if (t == tables.end()) return nullptr;
  auto c = t->second.find(word);
  return c == t->second.end() ? nullptr : &c->second;
}

std::string Codes::system(const std::string& name, const std::string& ods) const {
  std::string s = systems.at(name);
  if (std::size_t p = s.find("{ods}"); p != std::string::npos) s.replace(p, 5, ods.empty() ? "unknown" : ods);
  return s;
}

Codes load_codes(const std::string& json, const std::string& source) {
  rapidjson::Document doc;
  std::string at;
  parse_map_file(json, source, doc, at);
  Codes c;
  for (auto& s : map_member(doc, "identifier_systems", at).GetObject()) c.systems[s.name.GetString()] = s.value.GetString();
  for (const char* need : {"incident", "patient", "staff", "hcpc"})
    if (!c.systems.count(need)) throw MapError(at + ".identifier_systems." + need + ": required");
  for (auto& o : map_member(doc, "observations", at).GetObject())
    c.observations[o.name.GetString()] = observation(o.value, at + ".observations." + o.name.GetString());
  for (auto& s : map_member(doc, "news2", at).GetObject()) {
    std::string sat = at + ".news2." + s.name.GetString();
    ScoreDef d;
    d.code = coding(map_member(s.value, "code", sat), sat + ".code");
    d.bands = bands(s.value, "bands", sat);
    d.bands_on_oxygen = bands(s.value, "bands_on_oxygen", sat);
    if (auto p = s.value.FindMember("points"); p != s.value.MemberEnd())
      for (auto& w : p->value.GetObject()) d.points[w.name.GetString()] = w.value.GetInt();
    if (d.bands.empty() && d.points.empty()) throw MapError(sat + ": needs bands or points");
    c.news2[s.name.GetString()] = std::move(d);
  }
  for (auto& t : map_member(doc, "tables", at).GetObject())
    for (auto& w : t.value.GetObject())
      c.tables[t.name.GetString()][w.name.GetString()] = coding(w.value, at + ".tables." + t.name.GetString() + "." + w.name.GetString());
  for (const char* need : {"respiratory_rate", "spo2", "pulse", "temperature", "blood_pressure", "acvpu", "supplemental_oxygen", "news2_total"})
    if (!c.observations.count(need)) throw MapError(at + ".observations." + need + ": required");
  for (const char* need : {"acvpu", "air_or_oxygen", "route", "conveyance", "safeguarding", "unit", "gender", "transport"})
    if (!c.tables.count(need)) throw MapError(at + ".tables." + need + ": required");
  return c;
}

}  // namespace hidewire::plugins::ambulance
