// Math functions and the arithmetic operators (numbers, strings, quantities, dates).
#include <cmath>

#include "fhirpath/functions.hpp"
#include "fhirpath/moment_math.hpp"

namespace hidewire::fhirpath {
namespace {

double num(const Value& v) { return v.type == VType::Integer ? static_cast<double>(v.i) : v.d; }
bool is_num(const Value& v) { return v.type == VType::Integer || v.type == VType::Decimal; }

}  // namespace

bool math_function(Fn& f) {
  NameRef n{f.name};
  static const char* kUnary[] = {"abs", "ceiling", "exp", "floor", "ln", "sqrt", "truncate"};
  bool unary = false;
  for (const char* u : kUnary) unary = unary || n.s == u;
  if (!unary && n != "round" && n != "log" && n != "power") return false;
  f.arity(unary ? 0 : n == "round" ? 0 : 1, unary ? 0 : 1);
  auto v = singleton_system(f.input, n.c_str());
  if (!v) return true;
  if (v->type == VType::Quantity && n == "abs") { f.out = {Value::quantity(std::fabs(v->d), v->scale, v->s)}; return true; }
  if (!is_num(*v)) throw EvalError(n + "() needs a number, got " + type_name(*v));
  double x = num(*v);
  if (n == "abs") f.out = {v->type == VType::Integer ? Value::integer(std::llabs(v->i)) : Value::decimal(std::fabs(x), v->scale)};
  else if (n == "ceiling") f.out = {Value::integer(static_cast<std::int64_t>(std::ceil(x)))};
  else if (n == "floor") f.out = {Value::integer(static_cast<std::int64_t>(std::floor(x)))};
  else if (n == "truncate") f.out = {Value::integer(static_cast<std::int64_t>(std::trunc(x)))};
  else if (n == "exp") f.out = {Value::decimal(std::exp(x), -1)};
  else if (n == "ln") { if (x > 0) f.out = {Value::decimal(std::log(x), -1)}; }
  else if (n == "sqrt") { if (x >= 0) f.out = {Value::decimal(std::sqrt(x), -1)}; }
  else if (n == "round") {
    std::int64_t digits = 0;
    if (f.nargs() == 1) {
      auto d = singleton_system(f.arg(0), "round()");
      if (d) digits = d->i;
      if (digits < 0) throw EvalError("round() precision must not be negative");
    }
    double p = std::pow(10.0, static_cast<double>(digits));
    f.out = {Value::decimal(std::round(x * p) / p, static_cast<int>(digits))};
  } else {
    auto a = singleton_system(f.arg(0), n.c_str());
    if (!a) return true;
    if (n == "log") {
      double r = std::log(x) / std::log(num(*a));
      if (std::isfinite(r)) f.out = {Value::decimal(r, -1)};
    } else {
      double r = std::pow(x, num(*a));
      if (!std::isfinite(r)) return true;
      if (v->type == VType::Integer && a->type == VType::Integer && a->i >= 0) f.out = {Value::integer(static_cast<std::int64_t>(r))};
      else f.out = {Value::decimal(r, -1)};
    }
  }
  return true;
}

Collection arithmetic(const std::string& op, const Collection& lc, const Collection& rc) {
  if (op == "&") {
    auto l = singleton_system(lc, "&"), r = singleton_system(rc, "&");
    return {Value::string((l ? to_display(*l) : "") + (r ? to_display(*r) : ""))};
  }
  auto lo = singleton_system(lc, op.c_str()), ro = singleton_system(rc, op.c_str());
  if (!lo || !ro) return {};
  const Value &l = *lo, &r = *ro;
  if (op == "+" && l.type == VType::String && r.type == VType::String) return {Value::string(l.s + r.s)};
  if ((l.type == VType::Date || l.type == VType::DateTime || l.type == VType::Time) && r.type == VType::Quantity &&
      (op == "+" || op == "-"))
    return {add_duration(l, op == "+" ? r.d : -r.d, r.s)};
  if (l.type == VType::Quantity || r.type == VType::Quantity) {
    Value a = l.type == VType::Quantity ? l : Value::quantity(num(l), 0, "1");
    Value b = r.type == VType::Quantity ? r : Value::quantity(num(r), 0, "1");
    if (op == "*" || op == "/") {
      double v = op == "*" ? a.d * b.d : (b.d == 0 ? NAN : a.d / b.d);
      if (std::isnan(v)) return {};
      std::string unit = b.s == "1" ? a.s : a.s == "1" ? (op == "*" ? b.s : "/" + b.s) : a.s + (op == "*" ? "." : "/") + b.s;
      if (op == "/" && a.s == b.s) unit = "1";
      return {Value::quantity(v, -1, unit)};
    }
    auto conv = convert_quantity(b.d, b.s, a.s);
    if (!conv) throw EvalError("cannot add quantities in '" + a.s + "' and '" + b.s + "'");
    return {Value::quantity(op == "+" ? a.d + *conv : a.d - *conv, std::max(a.scale, b.scale), a.s)};
  }
  if (!is_num(l) || !is_num(r)) throw EvalError("operator " + op + " cannot apply to " + type_name(l) + " and " + type_name(r));
  bool ints = l.type == VType::Integer && r.type == VType::Integer;
  int scale = std::max(l.type == VType::Decimal ? l.scale : 0, r.type == VType::Decimal ? r.scale : 0);
  if (op == "+") return {ints ? Value::integer(l.i + r.i) : Value::decimal(num(l) + num(r), scale)};
  if (op == "-") return {ints ? Value::integer(l.i - r.i) : Value::decimal(num(l) - num(r), scale)};
  if (op == "*") return {ints ? Value::integer(l.i * r.i) : Value::decimal(num(l) * num(r), -1)};
  if (op == "/") {
    if (num(r) == 0) return {};
    return {Value::decimal(num(l) / num(r), -1)};
  }
  if (op == "div") {
    if (num(r) == 0) return {};
    return {Value::integer(static_cast<std::int64_t>(std::trunc(num(l) / num(r))))};
  }
  if (op == "mod") {
    if (num(r) == 0) return {};
    if (ints) return {Value::integer(l.i % r.i)};
    return {Value::decimal(std::fmod(num(l), num(r)), scale)};
  }
  throw EvalError("unknown operator " + op);
}

}  // namespace hidewire::fhirpath
