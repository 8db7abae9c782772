// Lexical rules of the R4 primitive types, hand-written (no std::regex: this runs for every
// primitive the validator sees). Each check follows the regex published with the type.
#include "fhir/primitives.hpp"

#include <cctype>

#include <array>
#include <cstdint>

namespace hidewire::fhir {
namespace {

constexpr std::array<std::string_view, 21> kNames = {
    "",        "base64Binary", "boolean", "canonical", "code",     "date",        "dateTime",
    "decimal", "id",           "instant", "integer",   "markdown", "oid",         "positiveInt",
    "string",  "time",         "unsignedInt", "uri",   "url",      "uuid",        "xhtml"};

constexpr std::size_t kMaxString = 1024 * 1024;  // R4: strings SHALL NOT exceed 1 MB

bool digit(char c) { return c >= '0' && c <= '9'; }
bool space(char c) { return c == ' ' || c == '\t' || c == '\r' || c == '\n'; }

std::string bad(Primitive p, std::string_view v, std::string_view why) {
  std::string out = "not a valid ";
  out += kNames[static_cast<std::size_t>(p)];
  out += ": '";
  out += v.size() > 80 ? std::string(v.substr(0, 80)) + "..." : std::string(v);
  out += "'";
  if (!why.empty()) {
    out += " (";
    out += why;
    out += ")";
  }
  return out;
}

// Reads exactly n digits at s[i..]; returns -1 when they are not all digits.
int num(std::string_view s, std::size_t i, std::size_t n) {
  if (i + n > s.size()) return -1;
  int v = 0;
  for (std::size_t k = 0; k < n; ++k) {
    if (!digit(s[i + k])) return -1;
    v = v * 10 + (s[i + k] - '0');
  }
  return v;
}

bool leap(int y) { return (y % 4 == 0 && y % 100 != 0) || y % 400 == 0; }
int days_in(int y, int m) {
  static constexpr int kDays[] = {31, 28, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31};
  return m == 2 && leap(y) ? 29 : kDays[m - 1];
}

// YYYY(-MM(-DD)?)? at the start of s; returns characters used, 0 and `why` on error.
std::size_t date_part(std::string_view s, std::string& why) {
  int y = num(s, 0, 4);
  if (y < 1) { why = y == 0 ? "year 0000 does not exist" : "year must be 4 digits"; return 0; }
  if (s.size() == 4 || s[4] != '-') return 4;
  int m = num(s, 5, 2);
  if (m < 1 || m > 12) { why = "month must be 01 to 12"; return 0; }
  if (s.size() == 7 || s[7] != '-') return 7;
  int d = num(s, 8, 2);
  if (d < 1 || d > days_in(y, m)) {
    why = "day " + std::string(s.substr(8, 2)) + " does not exist in " + std::string(s.substr(0, 7));
    return 0;
  }
  return 10;
}

// hh:mm:ss(.fraction)? at s[i..]; returns characters used, 0 on error.
std::size_t time_part(std::string_view s, std::size_t i, std::string& why) {
  int h = num(s, i, 2), mi = num(s, i + 3, 2), se = num(s, i + 6, 2);
  if (h < 0 || mi < 0 || se < 0 || s[i + 2] != ':' || s[i + 5] != ':') { why = "time must be hh:mm:ss"; return 0; }
  if (h > 23 || mi > 59 || se > 60) { why = "time out of range"; return 0; }
  std::size_t j = i + 8;
  if (j < s.size() && s[j] == '.') {
    std::size_t start = ++j;
    while (j < s.size() && digit(s[j])) ++j;
    if (j == start) { why = "fraction of a second needs digits"; return 0; }
  }
  return j - i;
}

// Z or (+|-)hh:mm with hh:mm up to 14:00, exactly the rest of s.
bool zone(std::string_view z, std::string& why) {
  if (z == "Z") return true;
  if (z.size() == 6 && (z[0] == '+' || z[0] == '-') && z[3] == ':') {
    int h = num(z, 1, 2), m = num(z, 4, 2);
    if (h >= 0 && m >= 0 && m <= 59 && (h < 14 || (h == 14 && m == 0))) return true;
  }
  why = "timezone must be Z or +hh:mm / -hh:mm";
  return false;
}

std::string check_date_time(Primitive p, std::string_view v) {
  std::string why;
  std::size_t n = date_part(v, why);
  if (!n) return bad(p, v, why);
  if (p == Primitive::Date) return n == v.size() ? std::string() : bad(p, v, "a date has no time or other text after it");
  if (n == v.size()) return p == Primitive::Instant ? bad(p, v, "an instant needs a full date and time with timezone") : std::string();
  if (n != 10 || v[n] != 'T') return bad(p, v, "expected 'T' and a time after a full date");
  std::size_t t = time_part(v, n + 1, why);
  if (!t) return bad(p, v, why);
  std::size_t z = n + 1 + t;
  if (z == v.size()) return bad(p, v, "a time needs a timezone");
  if (!zone(v.substr(z), why)) return bad(p, v, why);
  return {};
}

// R4 integer types are 32-bit signed; the regexes also forbid leading zeros.
std::string check_integer(Primitive p, std::string_view v) {
  std::size_t i = 0;
  bool neg = false;
  if (p == Primitive::Integer && i < v.size() && v[i] == '-') { neg = true; ++i; }
  if (p == Primitive::PositiveInt && i < v.size() && v[i] == '+') ++i;
  if (i >= v.size()) return bad(p, v, "no digits");
  if (v[i] == '0' && v.size() - i > 1) return bad(p, v, "leading zeros are not allowed");
  std::int64_t n = 0;
  for (std::size_t k = i; k < v.size(); ++k) {
    if (!digit(v[k])) return bad(p, v, "only digits are allowed");
    n = n * 10 + (v[k] - '0');
    if (n > 2147483648LL) return bad(p, v, "outside the 32-bit range");
  }
  if (neg) n = -n;
  if (n > 2147483647LL) return bad(p, v, "outside the 32-bit range");
  if (p == Primitive::PositiveInt && n < 1) return bad(p, v, "must be at least 1");
  if (neg && n == 0) return bad(p, v, "negative zero");
  return {};
}

std::string check_decimal(std::string_view v) {
  std::size_t i = 0, n = v.size();
  if (i < n && v[i] == '-') ++i;
  if (i >= n || !digit(v[i])) return bad(Primitive::Decimal, v, "expected digits");
  if (v[i] == '0' && i + 1 < n && digit(v[i + 1])) return bad(Primitive::Decimal, v, "leading zeros are not allowed");
  while (i < n && digit(v[i])) ++i;
  if (i < n && v[i] == '.') {
    std::size_t s = ++i;
    while (i < n && digit(v[i])) ++i;
    if (i == s) return bad(Primitive::Decimal, v, "digits must follow the decimal point");
  }
  if (i < n && (v[i] == 'e' || v[i] == 'E')) {
    ++i;
    if (i < n && (v[i] == '+' || v[i] == '-')) ++i;
    std::size_t s = i;
    while (i < n && digit(v[i])) ++i;
    if (i == s) return bad(Primitive::Decimal, v, "exponent needs digits");
  }
  if (i != n) return bad(Primitive::Decimal, v, "unexpected characters");
  if (n > 128) return bad(Primitive::Decimal, v, "more than 128 characters");
  return {};
}

bool hex(char c) { return digit(c) || (c >= 'a' && c <= 'f'); }

std::string check_uuid(std::string_view v) {
  static constexpr std::string_view kPrefix = "urn:uuid:";
  if (v.substr(0, kPrefix.size()) != kPrefix) return bad(Primitive::Uuid, v, "must start with urn:uuid:");
  std::string_view u = v.substr(kPrefix.size());
  if (u.size() != 36) return bad(Primitive::Uuid, v, "expected 8-4-4-4-12 hex digits");
  for (std::size_t i = 0; i < 36; ++i) {
    bool dash = i == 8 || i == 13 || i == 18 || i == 23;
    if (dash ? u[i] != '-' : !hex(u[i])) return bad(Primitive::Uuid, v, "expected 8-4-4-4-12 lower-case hex digits");
  }
  return {};
}

std::string check_oid(std::string_view v) {
  static constexpr std::string_view kPrefix = "urn:oid:";
  if (v.substr(0, kPrefix.size()) != kPrefix) return bad(Primitive::Oid, v, "must start with urn:oid:");
  std::string_view o = v.substr(kPrefix.size());
  if (o.size() < 3 || o[0] < '0' || o[0] > '2' || o[1] != '.') return bad(Primitive::Oid, v, "must start with 0., 1. or 2.");
  std::size_t i = 2;
  while (true) {
    if (i >= o.size() || !digit(o[i])) return bad(Primitive::Oid, v, "empty arc");
    if (o[i] == '0' && i + 1 < o.size() && digit(o[i + 1])) return bad(Primitive::Oid, v, "arcs have no leading zeros");
    while (i < o.size() && digit(o[i])) ++i;
    if (i == o.size()) return {};
    if (o[i] != '.') return bad(Primitive::Oid, v, "only digits and dots are allowed");
    ++i;
  }
}

std::string check_base64(std::string_view v) {
  std::size_t count = 0, pad = 0;
  for (char c : v) {
    if (space(c)) continue;
    bool alpha = (c >= 'A' && c <= 'Z') || (c >= 'a' && c <= 'z') || digit(c) || c == '+' || c == '/';
    if (c == '=') {
      ++pad;
    } else if (!alpha || pad) {
      return bad(Primitive::Base64Binary, v.substr(0, 40), alpha ? "'=' padding only at the end" : "not a base64 character");
    }
    ++count;
  }
  if (count % 4 != 0 || pad > 2) return bad(Primitive::Base64Binary, v.substr(0, 40), "length is not a multiple of 4");
  return {};
}

}  // namespace

Primitive primitive_kind(std::string_view type_code) {
  for (std::size_t i = 1; i < kNames.size(); ++i)
    if (kNames[i] == type_code) return static_cast<Primitive>(i);
  return Primitive::NotPrimitive;
}

std::string_view primitive_name(Primitive p) { return kNames[static_cast<std::size_t>(p)]; }

bool is_json_number(Primitive p) {
  return p == Primitive::Integer || p == Primitive::UnsignedInt || p == Primitive::PositiveInt || p == Primitive::Decimal;
}
bool is_json_bool(Primitive p) { return p == Primitive::Boolean; }

bool is_absolute_uri(std::string_view u) {
  auto colon = u.find(':');
  if (colon == std::string_view::npos || colon == 0 || !std::isalpha(static_cast<unsigned char>(u[0]))) return false;
  for (char ch : u.substr(0, colon))
    if (!std::isalnum(static_cast<unsigned char>(ch)) && ch != '+' && ch != '.' && ch != '-') return false;
  return true;
}

std::string check_primitive(Primitive p, std::string_view v) {
  if (v.empty() && p != Primitive::NotPrimitive) return "value is empty (FHIR primitives must have content or be absent)";
  if (v.size() > kMaxString) return "value is longer than the 1 MiB limit for FHIR strings";
  switch (p) {
    case Primitive::Boolean:
      return v == "true" || v == "false" ? std::string() : bad(p, v, "must be true or false");
    case Primitive::Integer:
    case Primitive::PositiveInt:
    case Primitive::UnsignedInt:
      return check_integer(p, v);
    case Primitive::Decimal:
      return check_decimal(v);
    case Primitive::Date:
    case Primitive::DateTime:
    case Primitive::Instant:
      return check_date_time(p, v);
    case Primitive::Time: {
      std::string why;
      std::size_t n = time_part(v, 0, why);
      if (!n) return bad(p, v, why);
      return n == v.size() ? std::string() : bad(p, v, "a time has no timezone or other text after it");
    }
    case Primitive::Id: {
      if (v.size() > 64) return bad(p, v, "longer than 64 characters");
      for (char c : v)
        if (!(digit(c) || (c >= 'A' && c <= 'Z') || (c >= 'a' && c <= 'z') || c == '-' || c == '.'))
          return bad(p, v, "only A-Z, a-z, 0-9, '-' and '.' are allowed");
      return {};
    }
    case Primitive::Code: {
      if (space(v.front()) || space(v.back())) return bad(p, v, "no leading or trailing whitespace");
      for (std::size_t i = 1; i < v.size(); ++i)
        if (space(v[i]) && (v[i] != ' ' || space(v[i - 1]))) return bad(p, v, "only single spaces between words");
      return {};
    }
    case Primitive::Uri:
    case Primitive::Url:
    case Primitive::Canonical:
      for (char c : v)
        if (space(c)) return bad(p, v, "whitespace is not allowed");
      // a canonical names a resource by its canonical (absolute) URL, or a contained one by #id
      if (p == Primitive::Canonical && v.front() != '#' && !is_absolute_uri(v))
        return bad(p, v, "canonical URLs must be absolute, unless they are fragment references (#id)");
      return {};
    case Primitive::Oid:
      return check_oid(v);
    case Primitive::Uuid:
      return check_uuid(v);
    case Primitive::Base64Binary:
      return check_base64(v);
    case Primitive::String:
    case Primitive::Markdown:
      for (char c : v)
        if (static_cast<unsigned char>(c) < 0x20 && !space(c)) return bad(p, "", "control characters are not allowed");
      return {};
    case Primitive::Xhtml:
    case Primitive::NotPrimitive:
      return {};
  }
  return {};
}

}  // namespace hidewire::fhir
