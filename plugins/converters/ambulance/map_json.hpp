// Reading the ambulance map files: each problem a MapError naming its JSON path.
#pragma once

#include <rapidjson/document.h>

#include <string>

#include "plugins/common/map_json.hpp"
#include "plugins/converters/ambulance/epr_map.hpp"

namespace hidewire::plugins::ambulance {

// Parses a map file that must be a JSON object; `at` becomes "SOURCE: $".
inline void parse_map_file(const std::string& json, const std::string& source, rapidjson::Document& doc, std::string& at) {
  plugins::parse_map_file<MapError>(json, source, doc, at);
}

inline const rapidjson::Value& map_member(const rapidjson::Value& o, const char* key, const std::string& at) {
  return plugins::map_member<MapError>(o, key, at);
}

// A string member; empty when absent and not `required`.
inline std::string map_string(const rapidjson::Value& o, const char* key, const std::string& at, bool required = false) {
  return plugins::map_string<MapError>(o, key, at, required);
}

}  // namespace hidewire::plugins::ambulance
