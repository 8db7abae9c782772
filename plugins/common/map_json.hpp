// Reading a converter's map file (JSON): members that must be there and strings, each problem
// an `Error` (the converter's MapError) naming its JSON path. Header only.
#pragma once

#include <rapidjson/document.h>

#include <string>

namespace hidewire::plugins {

// Parses a map file that must be a JSON object; `at` becomes "SOURCE: $".
template <class Error>
void parse_map_file(const std::string& json, const std::string& source, rapidjson::Document& doc, std::string& at) {
  doc.Parse(json.c_str());
  if (doc.HasParseError() || !doc.IsObject()) throw Error(source + ": not a JSON object");
  at = source + ": $";
}

template <class Error>
const rapidjson::Value& map_member(const rapidjson::Value& o, const char* key, const std::string& at) {
  auto it = o.FindMember(key);
  if (it == o.MemberEnd()) throw Error(at + "." + key + ": required");
  return it->value;
}

// A string member; empty when absent and not `required`.
template <class Error>
std::string map_string(const rapidjson::Value& o, const char* key, const std::string& at, bool required = false) {
  auto it = o.FindMember(key);
  if (it == o.MemberEnd()) {
    if (required) throw Error(at + "." + key + ": required");
    return {};
  }
  if (!it->value.IsString()) throw Error(at + "." + key + ": expected a string");
  return it->value.GetString();
}

}  // namespace hidewire::plugins
