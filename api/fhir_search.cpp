#include "api/fhir_search.hpp"

#include <algorithm>
#include <chrono>
#include <cstdint>
#include <cstdio>
#include <cstdlib>
#include <iterator>

namespace hidewire::http {
namespace {

using Ms = std::int64_t;  // milliseconds since 1970-01-01T00:00:00Z
constexpr Ms kDay = 86'400'000;

// Days since 1970-01-01 of a proleptic Gregorian date, and back (H. Hinnant's algorithms).
std::int64_t days_from_civil(std::int64_t y, unsigned m, unsigned d) {
  y -= m <= 2;
  const std::int64_t era = (y >= 0 ? y : y - 399) / 400;
  const auto yoe = static_cast<unsigned>(y - era * 400);
  const unsigned doy = (153 * (m > 2 ? m - 3 : m + 9) + 2) / 5 + d - 1;
  const unsigned doe = yoe * 365 + yoe / 4 - yoe / 100 + doy;
  return era * 146097 + static_cast<std::int64_t>(doe) - 719468;
}

void civil_from_days(std::int64_t z, std::int64_t& y, unsigned& m, unsigned& d) {
  z += 719468;
  const std::int64_t era = (z >= 0 ? z : z - 146096) / 146097;
  const auto doe = static_cast<unsigned>(z - era * 146097);
  const unsigned yoe = (doe - doe / 1460 + doe / 36524 - doe / 146096) / 365;
  const unsigned doy = doe - (365 * yoe + yoe / 4 - yoe / 100);
  const unsigned mp = (5 * doy + 2) / 153;
  d = doy - (153 * mp + 2) / 5 + 1;
  m = mp < 10 ? mp + 3 : mp - 9;
  y = static_cast<std::int64_t>(yoe) + era * 400 + (m <= 2);
}

unsigned days_in_month(std::int64_t y, unsigned m) {
  static const unsigned kDays[] = {31, 28, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31};
  bool leap = (y % 4 == 0 && y % 100 != 0) || y % 400 == 0;
  return m == 2 && leap ? 29 : kDays[m - 1];
}

// As the store writes instants. Bounds past year 9999 (or before year 1, after a zone shift)
// become strings that sort after (before) every stored instant.
std::string instant(Ms t) {
  static const Ms kFirst = days_from_civil(1, 1, 1) * kDay, kEnd = days_from_civil(10000, 1, 1) * kDay;
  if (t >= kEnd) return "9999-12-31T24:00:00.000Z";
  if (t < kFirst) return "0000-01-01T00:00:00.000Z";
  std::int64_t days = t / kDay - (t % kDay < 0), y = 0;
  Ms rem = t - days * kDay;
  unsigned m = 0, d = 0;
  civil_from_days(days, y, m, d);
  char buf[40];
  std::snprintf(buf, sizeof buf, "%04d-%02u-%02uT%02d:%02d:%02d.%03dZ", static_cast<int>(y), m, d, static_cast<int>(rem / 3'600'000),
                static_cast<int>(rem / 60'000 % 60), static_cast<int>(rem / 1000 % 60), static_cast<int>(rem % 1000));
  return buf;
}

struct Scanner {
  std::string_view s;
  std::size_t i = 0;
  bool number(int width, int& out, int lo, int hi) {
    if (i + static_cast<std::size_t>(width) > s.size()) return false;
    out = 0;
    for (int k = 0; k < width; ++k, ++i) {
      if (s[i] < '0' || s[i] > '9') return false;
      out = out * 10 + (s[i] - '0');
    }
    return out >= lo && out <= hi;
  }
  bool lit(char c) { return i < s.size() && s[i] == c ? (++i, true) : false; }
  bool done() const { return i == s.size(); }
};

// [start, end) of a date (YYYY, YYYY-MM, YYYY-MM-DD) or a dateTime/instant to the minute,
// second or fraction, with an optional zone (Z or +hh:mm).
bool parse_date(std::string_view v, Ms& start, Ms& end, std::string& why) {
  why = "'" + std::string(v) + "' is not a FHIR date, dateTime or instant (YYYY, YYYY-MM, YYYY-MM-DD, YYYY-MM-DDThh:mm[:ss[.sss]][Z|+hh:mm])";
  Scanner c{v};
  int y = 0, mo = 1, d = 1, h = 0, mi = 0, sec = 0, frac = 0;
  if (!c.number(4, y, 1, 9999)) return false;
  if (c.done()) {
    start = days_from_civil(y, 1, 1) * kDay;
    end = days_from_civil(y + 1, 1, 1) * kDay;
    return true;
  }
  if (!c.lit('-') || !c.number(2, mo, 1, 12)) return false;
  if (c.done()) {
    start = days_from_civil(y, mo, 1) * kDay;
    end = start + days_in_month(y, mo) * kDay;
    return true;
  }
  if (!c.lit('-') || !c.number(2, d, 1, static_cast<int>(days_in_month(y, mo)))) return false;
  start = days_from_civil(y, mo, d) * kDay;
  if (c.done()) {
    end = start + kDay;
    return true;
  }
  if (!c.lit('T') || !c.number(2, h, 0, 23) || !c.lit(':') || !c.number(2, mi, 0, 59)) return false;
  Ms width = 60'000;
  if (c.lit(':')) {
    if (!c.number(2, sec, 0, 59)) return false;
    width = 1000;
    if (c.lit('.')) {
      int digits = 0;
      for (; !c.done() && c.s[c.i] >= '0' && c.s[c.i] <= '9'; ++c.i, ++digits)
        if (digits < 3) frac = frac * 10 + (c.s[c.i] - '0');  // finer than the store's milliseconds: cut
      if (digits == 0) return false;
      for (int k = digits; k < 3; ++k) frac *= 10;
      width = digits >= 3 ? 1 : digits == 2 ? 10 : 100;
    }
  }
  Ms offset = 0;
  if (!c.lit('Z') && !c.done()) {
    bool minus = c.s[c.i] == '-';
    int oh = 0, om = 0;
    if (!(c.lit('+') || c.lit('-')) || !c.number(2, oh, 0, 14) || !c.lit(':') || !c.number(2, om, 0, 59)) return false;
    offset = (minus ? -1 : 1) * (oh * 3'600'000LL + om * 60'000LL);
  }
  if (!c.done()) return false;
  start += h * 3'600'000LL + mi * 60'000LL + sec * 1000LL + frac - offset;
  end = start + width;
  return true;
}

bool unreserved(char c) {
  return (c >= 'A' && c <= 'Z') || (c >= 'a' && c <= 'z') || (c >= '0' && c <= '9') || c == '-' || c == '.' || c == '_' || c == '~';
}

std::string url_encode(const std::string& s) {
  std::string out;
  for (char c : s) {
    if (unreserved(c)) {
      out += c;
    } else {
      char buf[4];
      std::snprintf(buf, sizeof buf, "%%%02X", static_cast<unsigned char>(c));
      out += buf;
    }
  }
  return out;
}

}  // namespace

bool date_range(std::string_view v, std::string& from, std::string& before, std::string& why) {
  Ms start = 0, end = 0;
  if (!parse_date(v, start, end, why)) return false;
  from = instant(start);
  before = instant(end);
  return true;
}

bool last_updated_range(std::string_view v, node::InstantRange& out, std::string& why) {
  std::string_view prefix = "eq";
  auto letter = [](char c) { return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z'); };
  if (v.size() >= 2 && letter(v[0]) && letter(v[1])) {
    prefix = v.substr(0, 2);
    static const std::string_view kPrefixes[] = {"eq", "ne", "gt", "lt", "ge", "le", "sa", "eb", "ap"};
    if (std::find(std::begin(kPrefixes), std::end(kPrefixes), prefix) == std::end(kPrefixes)) {
      why = "unknown prefix '" + std::string(prefix) + "' (eq, ne, gt, lt, ge, le, sa, eb, ap)";
      return false;
    }
    v.remove_prefix(2);
  }
  Ms start = 0, end = 0;
  if (!parse_date(v, start, end, why)) return false;
  // lastUpdated is an instant, so each prefix is a bound on one side of the value's range.
  if (prefix == "ap") {  // within 10% of the time between now and the value, as the spec suggests
    Ms now = std::chrono::duration_cast<std::chrono::milliseconds>(std::chrono::system_clock::now().time_since_epoch()).count();
    Ms margin = std::llabs(now - start) / 10;
    start -= margin;
    end += margin;
  }
  std::string lo = instant(start), hi = instant(end);
  out = {};
  if (prefix == "eq" || prefix == "ap") out = {lo, hi, false};
  else if (prefix == "ne") out = {lo, hi, true};
  else if (prefix == "gt" || prefix == "sa") out.from = hi;
  else if (prefix == "ge") out.from = lo;
  else if (prefix == "lt" || prefix == "eb") out.before = lo;
  else out.before = hi;  // le
  return true;
}

SearchQuery read_search_query(const std::multimap<std::string, std::string>& query) {
  SearchQuery q;
  q.params.count = kDefaultCount;
  bool summary_count = false;
  auto refuse = [&](std::string code, std::string why) {
    q.error_code = std::move(code);
    q.error = std::move(why);
    return q;
  };
  for (const auto& [k, v] : query) {
    if (k == "identifier") {
      auto bar = v.find('|');
      q.params.identifier_system = bar == std::string::npos ? "" : v.substr(0, bar);
      q.params.identifier_value = bar == std::string::npos ? v : v.substr(bar + 1);
    } else if (k == "patient" || k == "subject") {
      q.params.patient = v;
    } else if (k == "_lastUpdated") {
      node::InstantRange r;
      std::string why;
      if (!last_updated_range(v, r, why)) return refuse("invalid", "_lastUpdated: " + why);
      if (q.params.last_updated.size() == 4) return refuse("not-supported", "at most 4 _lastUpdated conditions");
      q.params.last_updated.push_back(r);
    } else if (k == "_count") {
      if (v.empty() || v.find_first_not_of("0123456789") != std::string::npos)
        return refuse("invalid", "_count must be a whole number, 0 or more, not '" + v + "'");
      int n = v.size() > 9 ? kMaxCount + 1 : std::atoi(v.c_str());
      q.capped_from = n > kMaxCount ? n : 0;
      q.params.count = n > kMaxCount ? kMaxCount : n;
    } else if (k == "_summary") {
      if (v != "count") return refuse("not-supported", "_summary supports count only");
      summary_count = true;
    } else if (k == "_page_after") {
      q.params.page_after = v;
    } else if (k == "_offset") {
      return refuse("not-supported", "_offset is not supported: searches page by key, follow the Bundle's next link");
    } else if (k == "_id") {
      q.by_id = true;
      q.id = v;
    } else {
      return refuse("not-supported", "search parameter '" + k + "' is not supported");
    }
  }
  if (summary_count) {
    q.params.count = 0;
    q.capped_from = 0;
  }
  return q;
}

std::string next_query(const std::multimap<std::string, std::string>& query, int count, const std::string& cursor) {
  std::string out;
  for (const auto& [k, v] : query)
    if (k != "_page_after" && k != "_count") out += url_encode(k) + "=" + url_encode(v) + "&";
  return out + "_count=" + std::to_string(count) + "&_page_after=" + url_encode(cursor);
}

}  // namespace hidewire::http
