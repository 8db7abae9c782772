#include "fhirpath/value.hpp"

#include <cctype>
#include <cmath>
#include <cstdio>
#include <cstdlib>
#include <stdexcept>
#include <string_view>
#include <utility>

#include "fhir/schema.hpp"

namespace hidewire::fhirpath {

using fhir::Primitive;

Value Value::decimal(double v, int scale) {
  Value x;
  x.type = VType::Decimal;
  x.d = v;
  x.scale = scale;
  return x;
}

Value Value::decimal_text(const std::string& text) {
  auto dot = text.find('.');
  int scale = dot == std::string::npos ? 0 : static_cast<int>(text.size() - dot - 1);
  return decimal(std::strtod(text.c_str(), nullptr), scale);
}

namespace {
int digits(const std::string& s, std::size_t& i, int n) {
  int v = 0;
  for (int k = 0; k < n; ++k, ++i) {
    if (i >= s.size() || !std::isdigit(static_cast<unsigned char>(s[i]))) return -1;
    v = v * 10 + (s[i] - '0');
  }
  return v;
}

bool parse_time(const std::string& s, std::size_t& i, Moment& m, int base) {
  m.hour = digits(s, i, 2);
  if (m.hour < 0) return false;
  m.precision = base;
  if (i < s.size() && s[i] == ':') {
    ++i;
    if ((m.minute = digits(s, i, 2)) < 0) return false;
    m.precision = base + 1;
    if (i < s.size() && s[i] == ':') {
      ++i;
      if ((m.second = digits(s, i, 2)) < 0) return false;
      m.precision = base + 2;
      if (i < s.size() && s[i] == '.') {
        ++i;
        std::size_t st = i;
        int ms = 0, n = 0;
        while (i < s.size() && std::isdigit(static_cast<unsigned char>(s[i]))) {
          if (n < 3) { ms = ms * 10 + (s[i] - '0'); ++n; }
          ++i;
        }
        if (i == st) return false;
        while (n < 3) { ms *= 10; ++n; }
        m.millis = ms;
        m.precision = base + 3;
      }
    }
  }
  return true;
}
}  // namespace

std::optional<Value> Value::date_time(const std::string& text, VType t) {
  Moment m;
  std::size_t i = 0;
  if (t == VType::Time) {
    m.is_time = true;
    if (!parse_time(text, i, m, 4) || i != text.size()) return std::nullopt;
  } else {
    if ((m.year = digits(text, i, 4)) < 0) return std::nullopt;
    m.precision = 1;
    if (i < text.size() && text[i] == '-') {
      ++i;
      if ((m.month = digits(text, i, 2)) < 1 || m.month > 12) return std::nullopt;
      m.precision = 2;
      if (i < text.size() && text[i] == '-') {
        ++i;
        if ((m.day = digits(text, i, 2)) < 1 || m.day > 31) return std::nullopt;
        m.precision = 3;
      }
    }
    if (i < text.size() && text[i] == 'T') {
      ++i;
      if (i < text.size() && !parse_time(text, i, m, 4)) return std::nullopt;
      if (i < text.size() && text[i] == 'Z') {
        m.has_tz = true;
        ++i;
      } else if (i < text.size() && (text[i] == '+' || text[i] == '-')) {
        int sign = text[i] == '-' ? -1 : 1;
        ++i;
        int h = digits(text, i, 2);
        if (h < 0 || i >= text.size() || text[i] != ':') return std::nullopt;
        ++i;
        int mi = digits(text, i, 2);
        if (mi < 0) return std::nullopt;
        m.has_tz = true;
        m.tz_minutes = sign * (h * 60 + mi);
      }
      t = VType::DateTime;
    }
    if (i != text.size()) return std::nullopt;
  }
  Value v;
  v.type = t;
  v.s = text;
  v.m = m;
  return v;
}

bool is_system(const Value& v) { return v.type != VType::Node; }

std::optional<Value> to_system(const Value& v) {
  if (v.type != VType::Node) return v;
  const fhir::Node* n = v.node;
  if (!n->type) return n->has_value ? std::optional<Value>(Value::string(n->value)) : std::nullopt;
  if (!n->is_primitive) {
    if (n->type->derives_from("Quantity")) {
      const fhir::Node* val = n->child("value");
      if (!val || !val->has_value) return std::nullopt;
      const fhir::Node* code = n->child("code");
      const fhir::Node* unit = n->child("unit");
      std::string u = code && code->has_value ? code->value : unit && unit->has_value ? unit->value : "1";
      Value d = Value::decimal_text(val->value);
      return Value::quantity(d.d, d.scale, u);
    }
    return std::nullopt;
  }
  if (!n->has_value) return std::nullopt;
  switch (n->type->primitive) {
    case Primitive::Boolean: return Value::boolean(n->value == "true");
    case Primitive::Integer:
    case Primitive::PositiveInt:
    case Primitive::UnsignedInt: return Value::integer(std::strtoll(n->value.c_str(), nullptr, 10));
    case Primitive::Decimal: return Value::decimal_text(n->value);
    case Primitive::Date: return Value::date_time(n->value, VType::Date);
    case Primitive::DateTime:
    case Primitive::Instant: {
      auto r = Value::date_time(n->value, VType::Date);
      if (r) r->type = n->value.find('T') == std::string::npos ? VType::DateTime : VType::DateTime;
      return r;
    }
    case Primitive::Time: return Value::date_time(n->value, VType::Time);
    default: return Value::string(n->value);
  }
}

std::string type_name(const Value& v) {
  switch (v.type) {
    case VType::Node: {
      const fhir::TypeDef* t = v.node->type;
      if (!t) return "";
      if (t->kind == fhir::TypeKind::Backbone) return t->base ? t->base->name : "BackboneElement";
      return t->name;
    }
    case VType::Boolean: return "Boolean";
    case VType::Integer: return "Integer";
    case VType::Decimal: return "Decimal";
    case VType::String: return "String";
    case VType::Date: return "Date";
    case VType::DateTime: return "DateTime";
    case VType::Time: return "Time";
    case VType::Quantity: return "Quantity";
    case VType::TypeInfo: return "TypeInfo";
  }
  return "";
}

std::string format_decimal(double d, int scale) {
  char buf[64];
  if (scale >= 0) {
    std::snprintf(buf, sizeof buf, "%.*f", scale, d);
    return buf;
  }
  std::snprintf(buf, sizeof buf, "%.15g", d);  // shortest faithful form for computed results
  std::string s = buf;
  if (s.find('e') == std::string::npos && s.find('.') != std::string::npos) {
    while (s.back() == '0') s.pop_back();
    if (s.back() == '.') s.pop_back();
  }
  return s;
}

std::string to_display(const Value& v) {
  switch (v.type) {
    case VType::Node: {
      auto s = to_system(v);
      return s ? to_display(*s) : "";
    }
    case VType::Boolean: return v.b ? "true" : "false";
    case VType::Integer: return std::to_string(v.i);
    case VType::Decimal: return format_decimal(v.d, v.scale);
    case VType::String: return v.s;
    case VType::Date:
    case VType::DateTime:
    case VType::Time: return v.s;
    case VType::Quantity: {
      // Calendar durations print as words (1 week), UCUM units quoted (1 'wk').
      bool word = !calendar_unit(v.s).empty() && v.s.size() > 3 && v.s != "min";
      return format_decimal(v.d, v.scale) + (word ? " " + v.s : " '" + v.s + "'");
    }
    case VType::TypeInfo: return v.s;
  }
  return "";
}

std::string calendar_unit(const std::string& u) {
  static const std::pair<const char*, const char*> kMap[] = {
      {"year", "year"}, {"years", "year"}, {"month", "month"}, {"months", "month"}, {"week", "week"},
      {"weeks", "week"}, {"day", "day"}, {"days", "day"}, {"hour", "hour"}, {"hours", "hour"},
      {"minute", "minute"}, {"minutes", "minute"}, {"second", "second"}, {"seconds", "second"},
      {"millisecond", "millisecond"}, {"milliseconds", "millisecond"}, {"a", "year"}, {"mo", "month"},
      {"wk", "week"}, {"d", "day"}, {"h", "hour"}, {"min", "minute"}, {"s", "second"}, {"ms", "millisecond"}};
  for (auto [k, v] : kMap)
    if (u == k) return v;
  return "";
}

namespace {
// UCUM units the suite and common clinical data use, as (dimension, factor to the base unit).
struct UnitInfo {
  const char* unit;
  const char* dim;
  double factor;
};
constexpr UnitInfo kUnits[] = {
    {"g", "mass", 1}, {"mg", "mass", 1e-3}, {"kg", "mass", 1e3}, {"ug", "mass", 1e-6}, {"[lb_av]", "mass", 453.59237},
    {"m", "length", 1}, {"cm", "length", 1e-2}, {"mm", "length", 1e-3}, {"km", "length", 1e3}, {"[in_i]", "length", 0.0254},
    {"s", "time", 1}, {"ms", "time", 1e-3}, {"min", "time", 60}, {"h", "time", 3600}, {"d", "time", 86400},
    {"wk", "time", 604800}, {"second", "time", 1}, {"seconds", "time", 1}, {"millisecond", "time", 1e-3},
    {"milliseconds", "time", 1e-3}, {"minute", "time", 60}, {"minutes", "time", 60}, {"hour", "time", 3600},
    {"hours", "time", 3600}, {"day", "time", 86400}, {"days", "time", 86400}, {"week", "time", 604800},
    {"weeks", "time", 604800}, {"L", "volume", 1}, {"mL", "volume", 1e-3}, {"dL", "volume", 0.1},
    {"1", "one", 1}, {"%", "one", 0.01}};
// Metric prefixes on the base atoms of kUnits and a few more (mmol, mU, kPa...), for units the
// table does not name.
constexpr UnitInfo kAtoms[] = {{"g", "mass", 1}, {"m", "length", 1}, {"L", "volume", 1}, {"l", "volume", 1},
                               {"s", "time", 1}, {"mol", "amount", 1}, {"eq", "equivalents", 1},
                               {"U", "enzyme", 1}, {"Pa", "pressure", 1}};
constexpr std::pair<std::string_view, double> kPrefixes[] = {
    {"k", 1e3}, {"h", 1e2}, {"da", 1e1}, {"d", 1e-1}, {"c", 1e-2}, {"m", 1e-3},
    {"u", 1e-6}, {"n", 1e-9}, {"p", 1e-12}, {"f", 1e-15}};

std::optional<std::pair<std::string_view, double>> unit_info(const std::string& u) {
  for (const UnitInfo& i : kUnits)
    if (u == i.unit) return std::pair<std::string_view, double>{i.dim, i.factor};
  for (const UnitInfo& a : kAtoms) {
    std::string_view atom = a.unit;
    if (u == atom) return std::pair<std::string_view, double>{a.dim, a.factor};
    for (const auto& [prefix, f] : kPrefixes)
      if (u.size() == prefix.size() + atom.size() && u.starts_with(prefix) && u.ends_with(atom))
        return std::pair<std::string_view, double>{a.dim, a.factor * f};
  }
  return std::nullopt;
}
}  // namespace

std::optional<double> convert_quantity(double value, const std::string& from, const std::string& to) {
  if (from == to) return value;
  auto a = unit_info(from), b = unit_info(to);
  if (!a || !b || a->first != b->first) return std::nullopt;
  return value * a->second / b->second;
}

Moment moment_in_utc(Moment m) {
  if (!m.has_tz || m.tz_minutes == 0 || m.precision < 5) return m;
  long total = ((((static_cast<long>(m.day) * 24) + m.hour) * 60) + m.minute) - m.tz_minutes;
  // Days may roll over; dates stay as calendar days in a simple proleptic calendar.
  int day_shift = static_cast<int>(std::floor(total / 1440.0)) - m.day;
  long rem = total - static_cast<long>(std::floor(total / 1440.0)) * 1440;
  m.hour = static_cast<int>(rem / 60);
  m.minute = static_cast<int>(rem % 60);
  m.day += day_shift;
  m.tz_minutes = 0;
  return m;
}

namespace {
bool close(double a, double b) { return std::fabs(a - b) <= 1e-9 * std::max(1.0, std::max(std::fabs(a), std::fabs(b))); }

std::string normalise_ws(const std::string& s) {
  std::string out;
  bool space = false;
  for (char c : s) {
    if (std::isspace(static_cast<unsigned char>(c))) { space = true; continue; }
    if (space && !out.empty()) out += ' ';
    space = false;
    out += static_cast<char>(std::tolower(static_cast<unsigned char>(c)));
  }
  return out;
}

// Moments compared field by field to the common precision, after moving both to UTC when
// both carry a zone. nullopt: equal as far as both go, but their precisions differ.
std::optional<int> compare_moments(Moment a, Moment b) {
  if (a.has_tz && b.has_tz) {
    a = moment_in_utc(a);
    b = moment_in_utc(b);
  } else if (a.has_tz != b.has_tz && std::min(a.precision, b.precision) >= 4 && !a.is_time) {
    return std::nullopt;  // one has a zone, the other not: not comparable
  }
  int pa = std::min(a.precision, 6), pb = std::min(b.precision, 6);  // seconds and millis: one precision
  int common = std::min(pa, pb);
  int base = a.is_time ? 4 : 1;
  const int fa[] = {a.year, a.month, a.day, a.hour, a.minute, a.second};
  const int fb[] = {b.year, b.month, b.day, b.hour, b.minute, b.second};
  for (int p = base; p <= common; ++p) {
    int k = a.is_time ? p - 1 : p - 1;
    if (fa[k] != fb[k]) return fa[k] < fb[k] ? -1 : 1;
  }
  if (pa != pb) return std::nullopt;
  if (a.precision >= 6 || b.precision >= 6)
    if (a.millis != b.millis) return a.millis < b.millis ? -1 : 1;
  return 0;
}

bool deep_equal(const fhir::Node& a, const fhir::Node& b) {
  if (a.name != b.name || a.value != b.value || a.has_value != b.has_value || a.children.size() != b.children.size())
    return false;
  for (std::size_t i = 0; i < a.children.size(); ++i)
    if (!deep_equal(a.children[i], b.children[i])) return false;
  return true;
}
}  // namespace

std::optional<bool> equal(const Value& x, const Value& y) {
  if (x.type == VType::Node && y.type == VType::Node && !x.node->is_primitive && !y.node->is_primitive &&
      !(x.node->type && x.node->type->derives_from("Quantity")))
    return deep_equal(*x.node, *y.node);
  auto ao = to_system(x), bo = to_system(y);
  if (!ao || !bo) return false;
  const Value &a = *ao, &b = *bo;
  auto numeric = [](const Value& v) { return v.type == VType::Integer || v.type == VType::Decimal; };
  if (numeric(a) && numeric(b)) {
    double da = a.type == VType::Integer ? static_cast<double>(a.i) : a.d;
    double db = b.type == VType::Integer ? static_cast<double>(b.i) : b.d;
    return close(da, db);
  }
  if (a.type == VType::Quantity && b.type == VType::Quantity) {
    std::string ca = calendar_unit(a.s), cb = calendar_unit(b.s);
    bool cal_a = !ca.empty() && a.s.size() > 2, cal_b = !cb.empty() && b.s.size() > 2;  // calendar words
    if ((ca == "year" || ca == "month") && cal_a != cal_b) return std::nullopt;
    auto conv = convert_quantity(b.d, b.s, a.s);
    if (!conv) return std::nullopt;
    return close(a.d, *conv);
  }
  bool dated_a = a.type == VType::Date || a.type == VType::DateTime, dated_b = b.type == VType::Date || b.type == VType::DateTime;
  if (dated_a && dated_b) {
    auto c = compare_moments(a.m, b.m);
    if (!c) return std::nullopt;
    return *c == 0;
  }
  if (a.type == VType::Time && b.type == VType::Time) {
    auto c = compare_moments(a.m, b.m);
    if (!c) return std::nullopt;
    return *c == 0;
  }
  if (a.type != b.type) {
    if ((a.type == VType::String) != (b.type == VType::String)) return false;
    return false;
  }
  if (a.type == VType::String) return a.s == b.s;
  if (a.type == VType::Boolean) return a.b == b.b;
  return false;
}

bool equivalent(const Value& x, const Value& y) {
  auto ao = to_system(x), bo = to_system(y);
  if (x.type == VType::Node && y.type == VType::Node && (!ao || !bo)) return deep_equal(*x.node, *y.node);
  if (!ao || !bo) return false;
  const Value &a = *ao, &b = *bo;
  if (a.type == VType::String && b.type == VType::String) return normalise_ws(a.s) == normalise_ws(b.s);
  auto numeric = [](const Value& v) { return v.type == VType::Integer || v.type == VType::Decimal; };
  if (numeric(a) && numeric(b)) {
    double da = a.type == VType::Integer ? static_cast<double>(a.i) : a.d;
    double db = b.type == VType::Integer ? static_cast<double>(b.i) : b.d;
    // Compared at the precision of the less precise operand; computed results (scale -1)
    // take the other's.
    int sa = a.type == VType::Integer ? 0 : a.scale, sb = b.type == VType::Integer ? 0 : b.scale;
    int scale = sa < 0 ? sb : sb < 0 ? sa : std::min(sa, sb);
    if (scale < 0) return close(da, db);
    double f = std::pow(10.0, scale);
    return std::round(da * f) == std::round(db * f);
  }
  if (a.type == VType::Quantity && b.type == VType::Quantity) {
    std::string ca = calendar_unit(a.s), cb = calendar_unit(b.s);
    if (!ca.empty() && ca == cb) return close(a.d, b.d);
    auto conv = convert_quantity(b.d, b.s, a.s);
    if (!conv) return false;
    int scale = std::min(std::max(a.scale, 0), std::max(b.scale, 0));
    double f = std::pow(10.0, scale);
    return std::round(a.d * f) == std::round(*conv * f);
  }
  bool dated = (a.type == VType::Date || a.type == VType::DateTime || a.type == VType::Time) &&
               (b.type == VType::Date || b.type == VType::DateTime || b.type == VType::Time);
  if (dated) {
    auto c = compare_moments(a.m, b.m);
    return c && *c == 0;
  }
  auto e = equal(a, b);
  return e && *e;
}

std::optional<int> compare(const Value& x, const Value& y) {
  auto ao = to_system(x), bo = to_system(y);
  if (!ao || !bo) return std::nullopt;
  const Value &a = *ao, &b = *bo;
  auto numeric = [](const Value& v) { return v.type == VType::Integer || v.type == VType::Decimal; };
  if (numeric(a) && numeric(b)) {
    double da = a.type == VType::Integer ? static_cast<double>(a.i) : a.d;
    double db = b.type == VType::Integer ? static_cast<double>(b.i) : b.d;
    return close(da, db) ? 0 : (da < db ? -1 : 1);
  }
  if (a.type == VType::String && b.type == VType::String) return a.s < b.s ? -1 : (a.s == b.s ? 0 : 1);
  bool dated_a = a.type == VType::Date || a.type == VType::DateTime, dated_b = b.type == VType::Date || b.type == VType::DateTime;
  if ((dated_a && dated_b) || (a.type == VType::Time && b.type == VType::Time)) return compare_moments(a.m, b.m);
  if (a.type == VType::Quantity && b.type == VType::Quantity) {
    auto conv = convert_quantity(b.d, b.s, a.s);
    if (!conv) throw std::runtime_error("cannot compare quantities in '" + a.s + "' and '" + b.s + "'");
    return close(a.d, *conv) ? 0 : (a.d < *conv ? -1 : 1);
  }
  throw std::runtime_error("cannot compare " + type_name(a) + " with " + type_name(b));
}

}  // namespace hidewire::fhirpath
