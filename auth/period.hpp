// FHIR periods against an instant, for Consent provisions and care relationships. A FHIR
// dateTime may be partial (2026, 2026-03, 2026-03-01) or carry an offset (+01:00): bounds are
// compared in UTC, a partial bound at its own precision (an end of 2026-03-01 includes that day).
#pragma once

#include <cstdio>
#include <ctime>
#include <optional>
#include <string>
#include <string_view>

namespace hidewire::auth {

// "YYYY[-MM[-DD]]" as is, or a full dateTime as "YYYY-MM-DDThh:mm:ss" in UTC; nullopt when unreadable.
inline std::optional<std::string> utc_bound(std::string_view dt) {
  auto digits = [&](std::size_t at, std::size_t n) {
    if (at + n > dt.size()) return false;
    for (std::size_t i = at; i < at + n; ++i)
      if (dt[i] < '0' || dt[i] > '9') return false;
    return true;
  };
  if (dt.size() == 4 && digits(0, 4)) return std::string(dt);
  if (dt.size() == 7 && digits(0, 4) && dt[4] == '-' && digits(5, 2)) return std::string(dt);
  if (dt.size() == 10 && digits(0, 4) && dt[4] == '-' && digits(5, 2) && dt[7] == '-' && digits(8, 2)) return std::string(dt);
  if (dt.size() < 20 || !digits(0, 4) || dt[4] != '-' || !digits(5, 2) || dt[7] != '-' || !digits(8, 2) || dt[10] != 'T' ||
      !digits(11, 2) || dt[13] != ':' || !digits(14, 2) || dt[16] != ':' || !digits(17, 2))
    return std::nullopt;
  std::size_t z = 19;
  if (dt[z] == '.') {
    ++z;
    while (z < dt.size() && dt[z] >= '0' && dt[z] <= '9') ++z;
  }
  long offset_s = 0;
  if (z + 1 == dt.size() && dt[z] == 'Z') {
  } else if (z + 6 == dt.size() && (dt[z] == '+' || dt[z] == '-') && digits(z + 1, 2) && dt[z + 3] == ':' && digits(z + 4, 2)) {
    offset_s = ((dt[z + 1] - '0') * 10 + (dt[z + 2] - '0')) * 3600L + ((dt[z + 4] - '0') * 10 + (dt[z + 5] - '0')) * 60L;
    if (dt[z] == '-') offset_s = -offset_s;
  } else {
    return std::nullopt;
  }
  auto num = [&](std::size_t at, std::size_t n) {
    int v = 0;
    for (std::size_t i = at; i < at + n; ++i) v = v * 10 + (dt[i] - '0');
    return v;
  };
  std::tm tm{};
  tm.tm_year = num(0, 4) - 1900;
  tm.tm_mon = num(5, 2) - 1;
  tm.tm_mday = num(8, 2);
  tm.tm_hour = num(11, 2);
  tm.tm_min = num(14, 2);
  tm.tm_sec = num(17, 2);
  std::time_t t = timegm(&tm) - offset_s;
  std::tm out{};
  gmtime_r(&t, &out);
  char buf[80];  // room for any int the compiler imagines
  std::snprintf(buf, sizeof buf, "%04d-%02d-%02dT%02d:%02d:%02d", out.tm_year + 1900, out.tm_mon + 1, out.tm_mday, out.tm_hour,
                out.tm_min, out.tm_sec);
  return std::string(buf);
}

enum class PeriodCheck { Within, Outside, Unreadable };

// Whether `now` (a FHIR instant) is within [start, end]; an empty bound is open.
inline PeriodCheck check_period(std::string_view start, std::string_view end, std::string_view now) {
  auto n = utc_bound(now);
  if (!n) return PeriodCheck::Unreadable;
  auto at = [&](const std::string& bound) { return n->substr(0, bound.size()); };
  if (!start.empty()) {
    auto s = utc_bound(start);
    if (!s) return PeriodCheck::Unreadable;
    if (at(*s) < *s) return PeriodCheck::Outside;
  }
  if (!end.empty()) {
    auto e = utc_bound(end);
    if (!e) return PeriodCheck::Unreadable;
    if (at(*e) > *e) return PeriodCheck::Outside;
  }
  return PeriodCheck::Within;
}

}  // namespace hidewire::auth
