// v2 timestamps (DT, DTM) as FHIR date, dateTime and instant; a time with no zone is UK local
// time, GMT or BST for that date.
#include "mapping/engine/datatypes.hpp"

#include <cctype>
#include <charconv>
#include <ctime>

#include "fhir/primitives.hpp"

namespace hidewire::mapping {
namespace {

int uk_offset_minutes(int y, int mo, int d, int h) {
  // BST runs from 01:00 UTC on the last Sunday of March to 01:00 UTC on the last Sunday of October.
  auto last_sunday = [](int year, int month) {
    std::tm t{};
    t.tm_year = year - 1900;
    t.tm_mon = month;  // first day of the next month
    t.tm_mday = 1;
    t.tm_hour = 12;
    std::time_t tt = timegm(&t) - 86400;
    std::tm g{};
    gmtime_r(&tt, &g);
    return g.tm_mday - g.tm_wday;
  };
  if (mo < 3 || mo > 10) return 0;
  if (mo > 3 && mo < 10) return 60;
  int ls = last_sunday(y, mo);
  if (mo == 3) return (d > ls || (d == ls && h >= 1)) ? 60 : 0;
  return (d < ls || (d == ls && h < 1)) ? 60 : 0;
}

}  // namespace

std::string v2_date(std::string_view ts) {
  std::size_t n = 0;
  while (n < ts.size() && std::isdigit(static_cast<unsigned char>(ts[n]))) ++n;
  if (n < 4) return {};
  std::string out;
  out.reserve(10);
  out.append(ts.substr(0, 4));
  if (n >= 6) out.append(1, '-').append(ts.substr(4, 2));
  if (n >= 8) out.append(1, '-').append(ts.substr(6, 2));
  // Month 13 or 31 February would make the Bundle invalid: unreadable instead.
  return fhir::check_primitive(fhir::Primitive::Date, out).empty() ? out : std::string();
}

std::string v2_datetime(std::string_view ts, bool instant) {
  std::size_t i = 0;
  while (i < ts.size() && (std::isdigit(static_cast<unsigned char>(ts[i])) || ts[i] == '.')) ++i;
  std::string_view body = ts.substr(0, i), zone = ts.substr(i);
  std::string_view digits = body.substr(0, body.find('.'));
  std::string_view frac = body.find('.') == std::string_view::npos ? std::string_view() : body.substr(body.find('.'));
  if (digits.size() < 10) return instant ? "" : v2_date(ts);  // no time: a date (dateTime allows it)
  // Only digits reach here, and at most 4 at a time: no overflow.
  auto num = [&](std::size_t p, std::size_t n = 2) {
    int v = 0;
    std::from_chars(digits.data() + p, digits.data() + p + n, v);
    return v;
  };
  std::string out = v2_date(digits);
  out.reserve(out.size() + 16 + frac.size());
  out.append(1, 'T').append(digits.substr(8, 2)).append(1, ':');
  out.append(digits.size() >= 12 ? digits.substr(10, 2) : "00").append(1, ':');
  out.append(digits.size() >= 14 ? digits.substr(12, 2) : "00");
  if (digits.size() >= 14 && frac.size() > 1) out.append(frac);
  if (zone.size() == 5 && (zone[0] == '+' || zone[0] == '-')) {
    out.append(zone.substr(0, 3)).append(1, ':').append(zone.substr(3, 2));
  } else {
    int off = uk_offset_minutes(num(0, 4), num(4), num(6), num(8));
    out += off ? "+01:00" : "+00:00";
  }
  // Hour 25, a bad zone or fraction: unreadable rather than an invalid FHIR value.
  return fhir::check_primitive(instant ? fhir::Primitive::Instant : fhir::Primitive::DateTime, out).empty() ? out : std::string();
}

}  // namespace hidewire::mapping
