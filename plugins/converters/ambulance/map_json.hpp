// Reading the ambulance map files: each problem a MapError naming its JSON path.
#pragma once

#include <rapidjson/document.h>

#include <string>

#include "plugins/converters/ambulance/epr_map.hpp"

namespace hidewire::plugins::ambulance {

// Parses a map file that must be a JSON object; `at` becomes "SOURCE: $".
inline void parse_map_file(const std::string& json, const std::string& source, rapidjson::Document& doc, std::string& at) {
  doc.Parse(json.c_str());
  if (doc.HasParseError() || !doc.IsObject()) throw MapError(source + ": not a JSON object");
  at = source + ": $";
}

inline const rapidjson::Value& map_member(const rapidjson::Value& o, const char* key, const std::string& at) {
  auto it = o.FindMember(key);
  if (it == o.MemberEnd()) throw MapError(at + "." + key + ": required");
  return it->value;
}

// A string member; empty when absent and not `required`.
inline std::string map_string(const rapidjson::Value& o, const char* key, const std::string& at, bool required = false) {
  auto it = o.FindMember(key);
  if (it == o.MemberEnd()) {
    if (required) throw MapError(at + "." + key + ": required");
    return {};
  }
  if (!it->value.IsString()) throw MapError(at + "." + key + ": expected a string");
  return it->value.GetString();
}

}  // namespace hidewire::plugins::ambulance
