// X-Request-ID as the node keeps it: it goes into logs, AuditEvents and the answer's headers,
// so only a plain token is taken (letters, digits, . _ : -; at most 64); anything else, a
// newline, a quote or a megabyte, is dropped and the node makes its own.
#pragma once

#include <string>
#include <string_view>

namespace hidewire::auth {

inline std::string safe_request_id(std::string_view id) {
  if (id.empty() || id.size() > 64) return {};
  for (char c : id) {
    bool ok = (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9') || c == '.' || c == '_' || c == ':' || c == '-';
    if (!ok) return {};
  }
  return std::string(id);
}

}  // namespace hidewire::auth
