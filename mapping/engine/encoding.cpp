#include "mapping/engine/encoding.hpp"

namespace hidewire::mapping {

std::vector<std::string_view> split_repetitions(std::string_view field, char repetition) {
  std::vector<std::string_view> out;
  if (field.empty()) return out;
  for (std::size_t start = 0;;) {
    std::size_t end = field.find(repetition, start);
    out.push_back(field.substr(start, end == std::string_view::npos ? std::string_view::npos : end - start));
    if (end == std::string_view::npos) return out;
    start = end + 1;
  }
}

std::string base64(std::string_view text) {
  static const char* kB64 = "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/";
  std::string b64;
  b64.reserve((text.size() + 2) / 3 * 4);
  for (std::size_t i = 0; i < text.size(); i += 3) {
    unsigned v = static_cast<unsigned char>(text[i]) << 16;
    if (i + 1 < text.size()) v |= static_cast<unsigned char>(text[i + 1]) << 8;
    if (i + 2 < text.size()) v |= static_cast<unsigned char>(text[i + 2]);
    b64 += kB64[v >> 18 & 63];
    b64 += kB64[v >> 12 & 63];
    b64 += i + 1 < text.size() ? kB64[v >> 6 & 63] : '=';
    b64 += i + 2 < text.size() ? kB64[v & 63] : '=';
  }
  return b64;
}

}  // namespace hidewire::mapping
