#include "plugins/converters/delimited/social_codes.hpp"

#include <rapidjson/document.h>

#include "plugins/common/map_json.hpp"
#include "plugins/converters/delimited/social_model.hpp"

namespace hidewire::plugins::social {

std::string plain(const std::string& word) { return word.rfind("text:", 0) == 0 ? word.substr(5) : word; }

const Coding* Codes::lookup(const std::string& table, const std::string& word) const {
  auto t = tables.find(table);
  if (t == tables.end()) return nullptr;
  auto it = t->second.find(word);
  return it == t->second.end() ? nullptr : &it->second;
}

std::string Codes::system(const std::string& name, const std::string& ods) const {
  std::string s = systems.at(name);
  if (auto p = s.find("{ods}"); p != std::string::npos) s.replace(p, 5, ods);
  return s;
}

Codes load_codes(const std::string& json, const std::string& source) {
  rapidjson::Document doc;
  std::string at;
  plugins::parse_map_file<MapError>(json, source, doc, at);
  Codes c;
  auto sys = doc.FindMember("identifier_systems");
  if (sys == doc.MemberEnd() || !sys->value.IsObject()) throw MapError(at + ".identifier_systems: required object");
  for (const auto& s : sys->value.GetObject()) {
    if (!s.value.IsString()) throw MapError(at + ".identifier_systems." + s.name.GetString() + ": expected a string");
    c.systems[s.name.GetString()] = s.value.GetString();
  }
  for (const char* needed : {"person", "record"})
    if (!c.systems.count(needed)) throw MapError(at + ".identifier_systems." + needed + ": required");
  auto tables = doc.FindMember("tables");
  if (tables == doc.MemberEnd() || !tables->value.IsObject()) throw MapError(at + ".tables: required object");
  for (const auto& t : tables->value.GetObject()) {
    std::string tat = at + ".tables." + t.name.GetString();
    if (!t.value.IsObject()) throw MapError(tat + ": expected an object");
    auto& table = c.tables[t.name.GetString()];
    for (const auto& e : t.value.GetObject()) {
      std::string eat = tat + "." + e.name.GetString();
      if (!e.value.IsObject()) throw MapError(eat + ": expected an object");
      Coding code;
      auto get = [&](const char* k, std::string& out) {
        if (auto m = e.value.FindMember(k); m != e.value.MemberEnd()) {
          if (!m->value.IsString()) throw MapError(eat + "." + k + ": expected a string");
          out = m->value.GetString();
        }
      };
      get("system", code.system);
      get("code", code.code);
      get("display", code.display);
      get("kind", code.kind);
      if (!code.system.empty() && code.code.empty()) throw MapError(eat + ": a system needs a code");
      if (code.display.empty()) throw MapError(eat + ".display: required");
      table[e.name.GetString()] = code;
    }
  }
  return c;
}

}  // namespace hidewire::plugins::social
