// encode/decode (base64, urlbase64, hex) and escape/unescape (html, json).
#include <cctype>
#include <cstring>

#include "fhirpath/functions.hpp"

namespace hidewire::fhirpath {
namespace {

const char* kB64 = "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/";

std::string b64_encode(const std::string& in, bool url) {
  std::string out;
  unsigned val = 0;
  int bits = -6;
  for (unsigned char c : in) {
    val = (val << 8) + c;
    bits += 8;
    while (bits >= 0) { out += kB64[(val >> bits) & 0x3F]; bits -= 6; }
  }
  if (bits > -6) out += kB64[((val << 8) >> (bits + 8)) & 0x3F];
  while (out.size() % 4) out += '=';
  if (url)
    for (char& c : out) c = c == '+' ? '-' : c == '/' ? '_' : c;
  return out;
}

std::string b64_decode(std::string in) {
  for (char& c : in) c = c == '-' ? '+' : c == '_' ? '/' : c;
  std::string out;
  unsigned val = 0;
  int bits = -8;
  for (char c : in) {
    const char* p = std::strchr(kB64, c);
    if (c == '=' || !p || !*p) break;
    val = (val << 6) + static_cast<unsigned>(p - kB64);
    bits += 6;
    if (bits >= 0) { out += static_cast<char>((val >> bits) & 0xFF); bits -= 8; }
  }
  return out;
}

}  // namespace

bool text_codec(Fn& f) {
  f.arity(1);
  auto s = singleton_system(f.input, f.name.c_str());
  auto mode = singleton_system(f.arg(0), f.name.c_str());
  if (!s || !mode) return true;
  const std::string& in = s->s;
  const std::string& m = mode->s;
  std::string out;
  if (f.name == "encode") {
    if (m == "hex") {
      static const char* kHex = "0123456789abcdef";
      for (unsigned char c : in) { out += kHex[c >> 4]; out += kHex[c & 15]; }
    } else {
      out = b64_encode(in, m == "urlbase64");
    }
  } else if (f.name == "decode") {
    if (m == "hex") {
      // Not std::stoi, which reads '4g' as 4 and throws a std::invalid_argument on 'zz'.
      auto digit = [](char c) { return std::isdigit(static_cast<unsigned char>(c)) ? c - '0' : std::isxdigit(static_cast<unsigned char>(c)) ? (std::tolower(c) - 'a' + 10) : -1; };
      for (std::size_t i = 0; i + 1 < in.size(); i += 2) {
        int hi = digit(in[i]), lo = digit(in[i + 1]);
        if (hi < 0 || lo < 0) throw EvalError("decode('hex'): '" + in.substr(i, 2) + "' is not hexadecimal");
        out += static_cast<char>(hi * 16 + lo);
      }
    } else {
      out = b64_decode(in);
    }
  } else if (f.name == "escape") {
    for (char c : in) {
      if (m == "html") {
        switch (c) {
          case '<': out += "&lt;"; break;
          case '>': out += "&gt;"; break;
          case '&': out += "&amp;"; break;
          case '"': out += "&quot;"; break;
          default: out += c;
        }
      } else {
        switch (c) {
          case '"': out += "\\\""; break;
          case '\\': out += "\\\\"; break;
          case '\n': out += "\\n"; break;
          case '\t': out += "\\t"; break;
          case '\r': out += "\\r"; break;
          default: out += c;
        }
      }
    }
  } else {  // unescape
    for (std::size_t i = 0; i < in.size(); ++i) {
      if (m == "html" && in[i] == '&') {
        static const std::pair<const char*, char> kEnt[] = {{"&lt;", '<'}, {"&gt;", '>'}, {"&amp;", '&'}, {"&quot;", '"'}};
        bool done = false;
        for (auto [ent, ch] : kEnt)
          if (in.compare(i, std::strlen(ent), ent) == 0) { out += ch; i += std::strlen(ent) - 1; done = true; break; }
        if (!done) out += in[i];
      } else if (m == "json" && in[i] == '\\' && i + 1 < in.size()) {
        char e = in[++i];
        out += e == 'n' ? '\n' : e == 't' ? '\t' : e == 'r' ? '\r' : e;
      } else {
        out += in[i];
      }
    }
  }
  f.out = {Value::string(out)};
  return true;
}

}  // namespace hidewire::fhirpath
