// now/today/timeOfDay, date arithmetic, boundaries, precision, comparable, sort.
#include <algorithm>
#include <cmath>
#include <cstdio>

#include "fhirpath/functions.hpp"
#include "fhirpath/moment_math.hpp"

namespace hidewire::fhirpath {
namespace {

// Days since 1970-01-01 for a civil date (Howard Hinnant's algorithm).
long days_from_civil(long y, unsigned m, unsigned d) {
  y -= m <= 2;
  long era = (y >= 0 ? y : y - 399) / 400;
  unsigned yoe = static_cast<unsigned>(y - era * 400);
  unsigned doy = (153 * (m + (m > 2 ? -3 : 9)) + 2) / 5 + d - 1;
  unsigned doe = yoe * 365 + yoe / 4 - yoe / 100 + doy;
  return era * 146097 + static_cast<long>(doe) - 719468;
}

void civil_from_days(long z, int& y, int& m, int& d) {
  z += 719468;
  long era = (z >= 0 ? z : z - 146096) / 146097;
  unsigned doe = static_cast<unsigned>(z - era * 146097);
  unsigned yoe = (doe - doe / 1460 + doe / 36524 - doe / 146096) / 365;
  long yy = static_cast<long>(yoe) + era * 400;
  unsigned doy = doe - (365 * yoe + yoe / 4 - yoe / 100);
  unsigned mp = (5 * doy + 2) / 153;
  d = static_cast<int>(doy - (153 * mp + 2) / 5 + 1);
  m = static_cast<int>(mp < 10 ? mp + 3 : mp - 9);
  y = static_cast<int>(yy + (m <= 2));
}

int month_days(int y, int m) {
  static const int kDays[] = {31, 28, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31};
  bool leap = (y % 4 == 0 && y % 100 != 0) || y % 400 == 0;
  return m == 2 && leap ? 29 : kDays[m - 1];
}

}  // namespace

std::string render_moment(const Moment& m, VType type) {
  char buf[64];
  std::string out;
  if (!m.is_time) {
    std::snprintf(buf, sizeof buf, "%04d", m.year);
    out = buf;
    if (m.precision >= 2) { std::snprintf(buf, sizeof buf, "-%02d", m.month); out += buf; }
    if (m.precision >= 3) { std::snprintf(buf, sizeof buf, "-%02d", m.day); out += buf; }
    if (m.precision >= 4 || (type == VType::DateTime && m.precision > 3)) out += 'T';
  }
  if (m.precision >= 4) { std::snprintf(buf, sizeof buf, "%02d", m.hour); out += buf; }
  if (m.precision >= 5) { std::snprintf(buf, sizeof buf, ":%02d", m.minute); out += buf; }
  if (m.precision >= 6) { std::snprintf(buf, sizeof buf, ":%02d", m.second); out += buf; }
  if (m.precision >= 7) { std::snprintf(buf, sizeof buf, ".%03d", m.millis); out += buf; }
  if (!m.is_time && m.precision >= 4 && m.has_tz) {
    if (m.tz_minutes == 0) out += 'Z';
    else {
      int t = std::abs(m.tz_minutes);
      std::snprintf(buf, sizeof buf, "%c%02d:%02d", m.tz_minutes < 0 ? '-' : '+', t / 60, t % 60);
      out += buf;
    }
  }
  return out;
}

Value add_duration(const Value& v, double amount, const std::string& unit_text) {
  std::string unit = calendar_unit(unit_text);
  if (unit.empty() || ((unit_text == "a" || unit_text == "mo")))
    throw EvalError("cannot add a quantity in '" + unit_text + "' to a date or time");
  Moment m = v.m;
  auto whole = static_cast<long>(std::trunc(amount));
  if (unit == "year") m.year += static_cast<int>(whole);
  else if (unit == "month") {
    long total = m.year * 12L + (m.month - 1) + whole;
    m.year = static_cast<int>(total / 12);
    m.month = static_cast<int>(total % 12) + 1;
  } else {
    long ms_per = unit == "week" ? 604800000L : unit == "day" ? 86400000L : unit == "hour" ? 3600000L
                  : unit == "minute" ? 60000L : unit == "second" ? 1000L : 1L;
    // Amounts finer than the value's precision are dropped, as the specification says.
    int need = unit == "week" || unit == "day" ? 3 : unit == "hour" ? 4 : unit == "minute" ? 5 : 6;
    int base = m.is_time ? 4 : 1;
    if (m.precision < need && !m.is_time) {
      if (unit == "week" || unit == "day") {
        double days = amount * (unit == "week" ? 7 : 1);
        if (m.precision == 2) { long mo = static_cast<long>(std::trunc(days / 30)); long t = m.year * 12L + (m.month - 1) + mo; m.year = static_cast<int>(t / 12); m.month = static_cast<int>(t % 12) + 1; }
        else if (m.precision == 1) m.year += static_cast<int>(std::trunc(days / 365));
      }
      Value out = v;
      out.m = m;
      out.s = render_moment(m, v.type);
      return out;
    }
    (void)base;
    long long delta = static_cast<long long>(whole) * ms_per;  // calendar arithmetic uses whole units
    long long day_ms = ((m.hour * 60LL + m.minute) * 60 + m.second) * 1000 + m.millis + delta;
    long long days = m.is_time ? 0 : days_from_civil(m.year, static_cast<unsigned>(m.month), static_cast<unsigned>(m.day));
    long long day_shift = static_cast<long long>(std::floor(static_cast<double>(day_ms) / 86400000.0));
    day_ms -= day_shift * 86400000LL;
    days += day_shift;
    m.hour = static_cast<int>(day_ms / 3600000);
    m.minute = static_cast<int>(day_ms / 60000 % 60);
    m.second = static_cast<int>(day_ms / 1000 % 60);
    m.millis = static_cast<int>(day_ms % 1000);
    if (!m.is_time) civil_from_days(static_cast<long>(days), m.year, m.month, m.day);
  }
  if (!m.is_time && m.precision >= 3) m.day = std::min(m.day, month_days(m.year, m.month));
  Value out = v;
  out.m = m;
  out.s = render_moment(m, v.type);
  return out;
}

bool time_function(Fn& f) {
  NameRef n{f.name};
  if (n == "now" || n == "today" || n == "timeOfDay") {
    f.arity(0);
    std::string now = f.ev.now_text();
    if (n == "now") { f.out = {*Value::date_time(now, VType::Date)}; f.out[0].type = VType::DateTime; }
    else if (n == "today") f.out = {*Value::date_time(now.substr(0, 10), VType::Date)};
    else f.out = {*Value::date_time(now.substr(11, 12), VType::Time)};
    return true;
  }
  if (n == "precision") {
    f.arity(0);
    auto v = singleton_system(f.input, "precision()");
    if (!v) return true;
    if (v->type == VType::Decimal) f.out = {Value::integer(std::max(v->scale, 0))};
    else if (v->type == VType::Integer) f.out = {Value::integer(0)};
    else if (v->type == VType::Date || v->type == VType::DateTime) {
      static const int kDigits[] = {0, 4, 6, 8, 10, 12, 14, 17};
      f.out = {Value::integer(kDigits[v->m.precision])};
    } else if (v->type == VType::Time) {
      static const int kDigits[] = {0, 0, 0, 0, 2, 4, 6, 9};
      f.out = {Value::integer(kDigits[v->m.precision])};
    }
    return true;
  }
  if (n == "lowBoundary" || n == "highBoundary") {
    f.arity(0, 1);
    auto v = singleton_system(f.input, n.c_str());
    if (!v) return true;
    bool high = n == "highBoundary";
    std::optional<Value> p;
    if (f.nargs() == 1) p = singleton_system(f.arg(0), n.c_str());
    if (v->type == VType::Decimal || v->type == VType::Integer || v->type == VType::Quantity) {
      int scale = v->type == VType::Integer ? 0 : std::max(v->scale, 0);
      int target = p ? static_cast<int>(p->i) : 8;
      if (target < 0 || target > 28) return true;
      double x = v->type == VType::Integer ? static_cast<double>(v->i) : v->d;
      double half = 0.5 * std::pow(10.0, -scale);
      double b = high ? x + half : x - half;
      double q = std::pow(10.0, target);
      b = high ? std::ceil(b * q - 1e-9) / q : std::floor(b * q + 1e-9) / q;
      if (b == 0) b = 0;  // no negative zero
      Value out = v->type == VType::Quantity ? Value::quantity(b, target, v->s) : Value::decimal(b, target);
      f.out = {out};
      return true;
    }
    if (v->type == VType::Date || v->type == VType::DateTime || v->type == VType::Time) {
      Moment m = v->m;
      int target = p ? static_cast<int>(p->i) : (v->type == VType::Date ? 8 : v->type == VType::Time ? 9 : 17);
      static const int kDigitsDT[] = {4, 6, 8, 10, 12, 14, 17};
      int prec = -1;
      if (v->type == VType::Time) { static const int kT[] = {2, 4, 6, 9}; for (int i = 0; i < 4; ++i) if (kT[i] == target) prec = i + 4; }
      else for (int i = 0; i < 7; ++i) if (kDigitsDT[i] == target) prec = i + 1;
      if (prec < 0) return true;
      if (v->type == VType::Date && prec > 3) return true;
      for (int k = m.precision + 1; k <= prec; ++k) {
        if (k == 2) m.month = high ? 12 : 1;
        if (k == 3) m.day = high ? month_days(m.year, m.month) : 1;
        if (k == 4) m.hour = high ? 23 : 0;
        if (k == 5) m.minute = high ? 59 : 0;
        if (k == 6) m.second = high ? 59 : 0;
        if (k == 7) m.millis = high ? 999 : 0;
      }
      if (v->type == VType::DateTime && prec >= 4 && !m.has_tz) {
        m.has_tz = true;
        m.tz_minutes = high ? -12 * 60 : 14 * 60;
      }
      m.precision = prec;
      Value out = *v;
      out.m = m;
      out.s = render_moment(m, v->type);
      f.out = {out};
    }
    return true;
  }
  if (n == "comparable") {
    f.arity(1);
    auto a = singleton_system(f.input, "comparable()");
    auto b = singleton_system(f.arg(0), "comparable()");
    if (!a || !b) return true;
    f.out = {Value::boolean(a->type == VType::Quantity && b->type == VType::Quantity &&
                            convert_quantity(1, b->s, a->s).has_value())};
    return true;
  }
  if (n == "sort") {
    Collection items = f.input;
    std::vector<std::pair<Collection, bool>> keys;  // per item keys, descending flags
    auto key_of = [&](const Value& item, std::size_t i, std::size_t k, bool& desc) {
      const Expr& e = f.arg_expr(k);
      desc = e.kind == ExprKind::Unary && e.text == "-";
      return desc ? f.ev.eval_on(*e.args[0], item, static_cast<std::int64_t>(i), f.env) : f.lambda(k, item, i);
    };
    std::vector<std::size_t> order(items.size());
    for (std::size_t i = 0; i < order.size(); ++i) order[i] = i;
    std::stable_sort(order.begin(), order.end(), [&](std::size_t x, std::size_t y) {
      if (f.nargs() == 0) {
        auto c = compare(items[x], items[y]);
        return c && *c < 0;
      }
      for (std::size_t k = 0; k < f.nargs(); ++k) {
        bool desc = false;
        Collection kx = key_of(items[x], x, k, desc), ky = key_of(items[y], y, k, desc);
        if (kx.empty() || ky.empty()) {
          if (kx.empty() != ky.empty()) return kx.empty();  // items without a key sort first
          continue;
        }
        auto c = compare(kx.front(), ky.front());
        if (c && *c != 0) return desc ? *c > 0 : *c < 0;
      }
      return false;
    });
    for (std::size_t i : order) f.out.push_back(items[i]);
    return true;
  }
  return false;
}

}  // namespace hidewire::fhirpath
