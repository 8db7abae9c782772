// String and conversion functions.
#include <cctype>
#include <cmath>
#include <memory>
#include <mutex>
#include <regex>
#include <unordered_map>

#include "fhirpath/functions.hpp"

namespace hidewire::fhirpath {
namespace {

Collection boolean(bool b) { return {Value::boolean(b)}; }

// The input as a single String (FHIR string-like primitives convert); nullopt when empty.
std::optional<std::string> input_string(Fn& f) {
  if (f.input.size() == 1 && f.input.front().type == VType::Node && !f.input.front().node->is_primitive)
    throw EvalError(f.name + "() needs a string, got " + type_name(f.input.front()));
  auto v = singleton_system(f.input, f.name.c_str());
  if (!v) return std::nullopt;
  if (v->type != VType::String) throw EvalError(f.name + "() needs a string, got " + type_name(*v));
  return v->s;
}

std::optional<std::string> string_arg(Fn& f, std::size_t i) {
  auto v = singleton_system(f.arg(i), f.name.c_str());
  if (!v) return std::nullopt;
  return to_display(*v);
}

std::optional<Value> to_boolean(const Value& v) {
  if (v.type == VType::Boolean) return v;
  if (v.type == VType::Integer && (v.i == 0 || v.i == 1)) return Value::boolean(v.i == 1);
  if (v.type == VType::Decimal && (v.d == 0.0 || v.d == 1.0)) return Value::boolean(v.d == 1.0);
  if (v.type == VType::String) {
    std::string s;
    for (char c : v.s) s += static_cast<char>(std::tolower(static_cast<unsigned char>(c)));
    if (s == "true" || s == "t" || s == "yes" || s == "y" || s == "1" || s == "1.0") return Value::boolean(true);
    if (s == "false" || s == "f" || s == "no" || s == "n" || s == "0" || s == "0.0") return Value::boolean(false);
  }
  return std::nullopt;
}

std::optional<Value> to_integer(const Value& v) {
  if (v.type == VType::Integer) return v;
  if (v.type == VType::Boolean) return Value::integer(v.b ? 1 : 0);
  if (v.type == VType::String) {
    static const std::regex kInt("[+-]?[0-9]+");
    if (std::regex_match(v.s, kInt)) return Value::integer(std::strtoll(v.s.c_str(), nullptr, 10));
  }
  return std::nullopt;
}

std::optional<Value> to_decimal(const Value& v) {
  if (v.type == VType::Decimal) return v;
  if (v.type == VType::Integer) return Value::decimal(static_cast<double>(v.i), 0);
  if (v.type == VType::Boolean) return Value::decimal(v.b ? 1 : 0, 1);
  if (v.type == VType::String) {
    static const std::regex kDec("[+-]?[0-9]+(\\.[0-9]+)?");
    if (std::regex_match(v.s, kDec)) return Value::decimal_text(v.s[0] == '+' ? v.s.substr(1) : v.s);
  }
  return std::nullopt;
}

std::optional<Value> to_quantity(const Value& v) {
  if (v.type == VType::Quantity) return v;
  if (v.type == VType::Integer) return Value::quantity(static_cast<double>(v.i), 0, "1");
  if (v.type == VType::Decimal) return Value::quantity(v.d, v.scale, "1");
  if (v.type == VType::Boolean) return Value::quantity(v.b ? 1 : 0, 1, "1");
  if (v.type == VType::String) {
    static const std::regex kQty("([+-]?[0-9]+(?:\\.[0-9]+)?)\\s*(?:'([^']+)'|([a-zA-Z]+))?");
    std::smatch m;
    if (!std::regex_match(v.s, m, kQty)) return std::nullopt;
    Value d = Value::decimal_text(m[1].str()[0] == '+' ? m[1].str().substr(1) : m[1].str());
    std::string unit = m[2].matched ? m[2].str() : m[3].matched ? m[3].str() : "1";
    static const std::regex kWord("(year|month|week|day|hour|minute|second|millisecond)s?");
    if (m[3].matched && !std::regex_match(unit, kWord)) return std::nullopt;  // words only: 'wk' must be quoted
    return Value::quantity(d.d, d.scale, unit);
  }
  return std::nullopt;
}

std::optional<Value> to_date_like(const Value& v, VType want) {
  if (v.type == want) return v;
  if (want == VType::Date && v.type == VType::DateTime) {
    std::string date = v.s.substr(0, v.s.find('T'));
    return Value::date_time(date, VType::Date);
  }
  if (want == VType::DateTime && v.type == VType::Date) {
    auto r = Value::date_time(v.s, VType::Date);
    if (r) r->type = VType::DateTime;
    return r;
  }
  if (v.type != VType::String) return std::nullopt;
  auto r = Value::date_time(v.s, want == VType::Time ? VType::Time : VType::Date);
  if (!r) return std::nullopt;
  if (want == VType::Date && v.s.find('T') != std::string::npos) return std::nullopt;
  if (want == VType::DateTime) r->type = VType::DateTime;
  return r;
}

std::optional<Value> convert(const std::string& to, const Value& v) {
  if (to == "Boolean") return to_boolean(v);
  if (to == "Integer") return to_integer(v);
  if (to == "Decimal") return to_decimal(v);
  if (to == "Quantity") return to_quantity(v);
  if (to == "String") {
    if (v.type == VType::Node) return std::nullopt;
    return Value::string(to_display(v));
  }
  if (to == "Date") return to_date_like(v, VType::Date);
  if (to == "DateTime") return to_date_like(v, VType::DateTime);
  if (to == "Time") return to_date_like(v, VType::Time);
  return std::nullopt;
}

// Compiled regexes by pattern: invariants call matches() on every element they visit, and
// building a std::regex costs far more than running it.
const std::regex& cached_regex(const std::string& pattern) {
  static std::mutex mu;
  static std::unordered_map<std::string, std::unique_ptr<const std::regex>> cache;
  std::lock_guard lock(mu);
  auto it = cache.find(pattern);
  if (it == cache.end()) it = cache.emplace(pattern, std::make_unique<const std::regex>(pattern, std::regex::ECMAScript)).first;
  return *it->second;
}

// FHIRPath regexes run in single-line mode: '.' matches newlines too.
std::string single_line(const std::string& re) {
  std::string out;
  bool in_class = false;
  for (std::size_t i = 0; i < re.size(); ++i) {
    char c = re[i];
    if (c == '\\' && i + 1 < re.size()) { out += c; out += re[++i]; continue; }
    if (c == '[') in_class = true;
    if (c == ']') in_class = false;
    out += (c == '.' && !in_class) ? std::string("[\\s\\S]") : std::string(1, c);
  }
  return out;
}

}  // namespace

bool text_function(Fn& f) {
  NameRef n{f.name};
  bool converts = n.rfind("convertsTo", 0) == 0;
  if (converts || (n.rfind("to", 0) == 0 && n != "toChars" && n != "today")) {
    std::string to = converts ? n.substr(10) : n.substr(2);
    if (to != "Boolean" && to != "Integer" && to != "Decimal" && to != "Quantity" && to != "String" && to != "Date" &&
        to != "DateTime" && to != "Time")
      return false;
    f.arity(0, to == "Quantity" ? 1 : 0);
    auto v = singleton_system(f.input, n.c_str());
    if (!v) return true;
    auto r = convert(to, *v);
    if (r && to == "Quantity" && f.nargs() == 1) {
      auto unit = string_arg(f, 0);
      auto conv = unit ? convert_quantity(r->d, r->s, *unit) : std::nullopt;
      r = conv ? std::optional<Value>(Value::quantity(*conv, -1, *unit)) : std::nullopt;
    }
    if (converts) f.out = boolean(r.has_value());
    else if (r) f.out = {*r};
    return true;
  }
  if (n == "length") { f.arity(0); if (auto s = input_string(f)) f.out = {Value::integer(static_cast<std::int64_t>(s->size()))}; return true; }
  if (n == "upper" || n == "lower") {
    f.arity(0);
    if (auto s = input_string(f)) {
      for (char& c : *s) c = static_cast<char>(n == "upper" ? std::toupper(static_cast<unsigned char>(c)) : std::tolower(static_cast<unsigned char>(c)));
      f.out = {Value::string(*s)};
    }
    return true;
  }
  if (n == "trim") {
    f.arity(0);
    if (auto s = input_string(f)) {
      auto b = s->find_first_not_of(" \t\r\n"), e = s->find_last_not_of(" \t\r\n");
      f.out = {Value::string(b == std::string::npos ? "" : s->substr(b, e - b + 1))};
    }
    return true;
  }
  if (n == "toChars") {
    f.arity(0);
    if (auto s = input_string(f))
      for (char c : *s) f.out.push_back(Value::string(std::string(1, c)));
    return true;
  }
  if (n == "indexOf" || n == "startsWith" || n == "endsWith" || n == "contains" || n == "matches" || n == "matchesFull" ||
      n == "split") {
    f.arity(1);
    auto s = input_string(f);
    auto a = string_arg(f, 0);
    if (!s || !a) return true;
    if (n == "indexOf") f.out = {Value::integer(s->find(*a) == std::string::npos ? -1 : static_cast<std::int64_t>(s->find(*a)))};
    else if (n == "startsWith") f.out = boolean(s->rfind(*a, 0) == 0);
    else if (n == "endsWith") f.out = boolean(s->size() >= a->size() && s->compare(s->size() - a->size(), a->size(), *a) == 0);
    else if (n == "contains") f.out = boolean(s->find(*a) != std::string::npos);
    else if (n == "split") {
      std::size_t st = 0;
      while (true) {
        std::size_t p = a->empty() ? std::string::npos : s->find(*a, st);
        f.out.push_back(Value::string(s->substr(st, p == std::string::npos ? std::string::npos : p - st)));
        if (p == std::string::npos) break;
        st = p + a->size();
      }
    } else {
      try {
        const std::regex& re = cached_regex(single_line(*a));
        f.out = boolean(n == "matches" ? std::regex_search(*s, re) : std::regex_match(*s, re));
      } catch (const std::regex_error& e) {
        throw EvalError("invalid regular expression '" + *a + "': " + e.what());
      }
    }
    return true;
  }
  if (n == "substring") {
    f.arity(1, 2);
    auto s = input_string(f);
    auto start = singleton_system(f.arg(0), "substring()");
    if (!s || !start) return true;
    if (start->i < 0 || start->i >= static_cast<std::int64_t>(s->size())) return true;
    std::size_t len = std::string::npos;
    if (f.nargs() == 2) {
      auto l = singleton_system(f.arg(1), "substring()");
      if (l) len = l->i < 0 ? 0 : static_cast<std::size_t>(l->i);
    }
    f.out = {Value::string(s->substr(static_cast<std::size_t>(start->i), len))};
    return true;
  }
  if (n == "replace" || n == "replaceMatches") {
    f.arity(2);
    auto s = input_string(f);
    auto a = string_arg(f, 0), b = string_arg(f, 1);
    if (!s || !a || !b) return true;
    if (n == "replaceMatches") {
      // FHIRPath uses $1 for groups, as ECMAScript does; an empty pattern changes nothing.
      f.out = {Value::string(a->empty() ? *s : std::regex_replace(*s, cached_regex(*a), *b))};
      return true;
    }
    std::string out;
    if (a->empty()) {
      out = *b;
      for (char c : *s) { out += c; out += *b; }
    } else {
      std::size_t st = 0, p;
      while ((p = s->find(*a, st)) != std::string::npos) { out += s->substr(st, p - st) + *b; st = p + a->size(); }
      out += s->substr(st);
    }
    f.out = {Value::string(out)};
    return true;
  }
  if (n == "join") {
    f.arity(0, 1);
    std::string sep = f.nargs() ? string_arg(f, 0).value_or("") : "";
    std::string out;
    for (std::size_t i = 0; i < f.input.size(); ++i) out += (i ? sep : "") + to_display(f.input[i]);
    f.out = {Value::string(out)};
    return true;
  }
  if (n == "encode" || n == "decode" || n == "escape" || n == "unescape") return text_codec(f);
  return false;
}

}  // namespace hidewire::fhirpath
