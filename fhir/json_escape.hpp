// A string as the inside of a JSON string literal: quotes, backslashes and control characters
// escaped. For the small hand-built JSON answers (admin endpoints, benchmark lines).
#pragma once

#include <cstdio>
#include <string>
#include <string_view>

namespace hidewire::fhir {

inline std::string json_escape(std::string_view s) {
  std::string out;
  out.reserve(s.size());
  for (char c : s) {
    if (c == '"' || c == '\\') {
      out += '\\';
      out += c;
    } else if (static_cast<unsigned char>(c) < 0x20) {
      char buf[8];
      std::snprintf(buf, sizeof buf, "\\u%04x", static_cast<unsigned>(static_cast<unsigned char>(c)));
      out += buf;
    } else {
      out += c;
    }
  }
  return out;
}

}  // namespace hidewire::fhir
