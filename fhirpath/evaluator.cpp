#include "fhirpath/evaluator.hpp"

#include "fhir/clock.hpp"
#include "fhirpath/name_ref.hpp"
#include "fhirpath/value_index.hpp"

#include <cctype>
#include <chrono>
#include <cmath>

namespace hidewire::fhirpath {

namespace {
Collection boolean(bool b) { return {Value::boolean(b)}; }
}  // namespace

std::optional<bool> as_boolean(const Collection& c) {
  if (c.empty()) return std::nullopt;
  if (c.size() > 1) throw EvalError("expected a single boolean, got " + std::to_string(c.size()) + " items");
  auto v = to_system(c.front());
  if (v && v->type == VType::Boolean) return v->b;
  return true;
}

Evaluator::Evaluator(const EvalContext& ctx) : ctx_(ctx), schema_(ctx.schema ? ctx.schema : &fhir::Schema::r4()) {
  if (ctx.resource) resource_ = Value::of_node(ctx.resource);
  root_ = ctx.root_resource ? Value::of_node(ctx.root_resource) : resource_;
}

std::string Evaluator::now_text() const {
  return ctx_.now.empty() ? fhir::utc_now_instant() : ctx_.now;
}

Collection Evaluator::children_of(const Value& v, std::string_view name) const {
  Collection out;
  if (v.type == VType::TypeInfo) {
    auto dot = v.s.find('.');
    if (name == "namespace") out.push_back(Value::string(v.s.substr(0, dot)));
    if (name == "name") out.push_back(Value::string(v.s.substr(dot + 1)));
    return out;
  }
  if (v.type != VType::Node) return out;
  constexpr std::size_t kWide = 64;  // below this a scan costs less than the lookup
  std::optional<Collection>* memo = nullptr;
  if (v.node->children.size() >= kWide) {
    auto [it, first] = wide_children_.try_emplace({v.node, std::string(name)});
    if (it->second) return *it->second;
    if (!first) memo = &it->second;  // kept from the second time on: most are read only once
  }
  for (const fhir::Node& c : v.node->children) {
    if (c.name == name || (c.def && c.def->is_choice && c.def->base_name() == name)) out.push_back(Value::of_node(&c));
  }
  if (memo) *memo = out;
  return out;
}

void Evaluator::descendants(const Value& v, Collection& out) const {
  if (v.type != VType::Node) return;
  for (const fhir::Node& c : v.node->children) {
    out.push_back(Value::of_node(&c));
    descendants(Value::of_node(&c), out);
  }
}

bool Evaluator::is_type(const Value& v, const std::string& spec, bool exact) const {
  std::string ns, name = spec;
  if (auto dot = spec.find('.'); dot != std::string::npos) {
    ns = spec.substr(0, dot);
    name = spec.substr(dot + 1);
  }
  static const char* kSystem[] = {"Boolean", "Integer", "Decimal", "String", "Date", "DateTime", "Time", "Quantity"};
  bool system_name = false;
  for (const char* s : kSystem) system_name = system_name || name == s;
  if (ns == "System" && !system_name) return false;
  if ((ns == "FHIR" && !schema_->type(name)) ||
      (ns.empty() && !system_name && !schema_->type(name)) || (!ns.empty() && ns != "System" && ns != "FHIR"))
    throw EvalError("unknown type '" + spec + "'");
  if (v.type == VType::Node) {
    if (ns == "System") return false;
    const fhir::TypeDef* t = v.node->type;
    if (!t) return false;
    if (t->kind == fhir::TypeKind::Backbone) return name == "BackboneElement" || name == "Element";
    if (t->is_primitive() && exact) return t->name == name;
    if (ns.empty() && system_name && !schema_->type(name)) return false;
    return t->derives_from(name);
  }
  if (ns == "FHIR") return false;
  return type_name(v) == name;
}

Collection Evaluator::navigate(const Collection& focus, const std::string& name, bool at_root) {
  Collection out;
  for (const Value& v : focus) {
    if (v.type == VType::TypeInfo) {
      Collection kids = children_of(v, name);
      out.insert(out.end(), kids.begin(), kids.end());
      continue;
    }
    if (v.type != VType::Node) continue;
    // A type name at the start of a path selects the context resource itself (Patient.name).
    if (at_root && !name.empty() && std::isupper(static_cast<unsigned char>(name[0])) && v.node->is_resource &&
        v.node->type && v.node->type->derives_from(name)) {
      out.push_back(v);
      continue;
    }
    Collection kids = children_of(v, name);
    if (ctx_.strict && kids.empty() && v.node->type) {
      const fhir::ChildRef* cr = v.node->type->find(name);
      bool choice_base = false;
      for (const fhir::ElementDef* el : v.node->type->elements) choice_base = choice_base || (el->is_choice && el->base_name() == name);
      if (!cr && !choice_base) throw EvalError("'" + name + "' is not an element of " + v.node->type->name);
    }
    // FHIRPath names a choice by its base name (value), never by the JSON name (valueQuantity).
    if (!kids.empty() && kids.front().node->def && kids.front().node->def->is_choice && kids.front().node->name == name)
      throw EvalError("'" + name + "': use the choice element '" + std::string(kids.front().node->def->base_name()) + "'");
    out.insert(out.end(), kids.begin(), kids.end());
  }
  return out;
}

Collection Evaluator::literal(const Expr& e) {
  switch (e.literal_type) {
    case LiteralType::Boolean: return boolean(e.text == "true");
    case LiteralType::String: return {Value::string(e.text)};
    case LiteralType::Integer:
    case LiteralType::Long: return {Value::integer(std::strtoll(e.text.c_str(), nullptr, 10))};
    case LiteralType::Decimal: return {Value::decimal_text(e.text)};
    case LiteralType::Quantity: {
      Value d = Value::decimal_text(e.text);
      return {Value::quantity(d.d, d.scale, e.unit)};
    }
    case LiteralType::Date:
    case LiteralType::DateTime:
    case LiteralType::Time: {
      VType t = e.literal_type == LiteralType::Time ? VType::Time : e.literal_type == LiteralType::Date ? VType::Date : VType::DateTime;
      std::string text = e.text;
      if (t == VType::DateTime && text.back() == 'T') text.pop_back();  // @2015T: a DateTime at year precision
      auto v = Value::date_time(text, t == VType::DateTime && text.find('T') == std::string::npos ? VType::Date : t);
      if (!v) throw EvalError("invalid date/time literal @" + e.text);
      if (e.literal_type == LiteralType::DateTime) v->type = VType::DateTime;
      return {*v};
    }
  }
  return {};
}

Collection Evaluator::variable(const Expr& e, const Env& env) {
  const std::string& n = e.text;
  if (n == "$this") return env.this_item ? Collection{*env.this_item} : Collection{};
  if (n == "$index") return {Value::integer(env.index)};
  if (n == "$total") return env.total ? *env.total : Collection{};
  if (n == "resource") return resource_.node ? Collection{resource_} : Collection{};
  if (n == "context") {
    if (ctx_.focus) return {Value::of_node(ctx_.focus)};
    return resource_.node ? Collection{resource_} : Collection{};
  }
  if (n == "rootResource") return root_.node ? Collection{root_} : Collection{};
  if (n == "ucum") return {Value::string("http://unitsofmeasure.org")};
  if (n == "sct") return {Value::string("http://snomed.info/sct")};
  if (n == "loinc") return {Value::string("http://loinc.org")};
  if (n.rfind("vs-", 0) == 0) return {Value::string("http://hl7.org/fhir/ValueSet/" + n.substr(3))};
  if (n.rfind("ext-", 0) == 0) return {Value::string("http://hl7.org/fhir/StructureDefinition/" + n.substr(4))};
  auto it = ctx_.variables.find(n);
  if (it == ctx_.variables.end()) throw EvalError("unknown variable %" + n);
  return it->second;
}

Collection Evaluator::eval_on(const Expr& e, const Value& item, std::int64_t index, const Env& env) {
  Env inner = env;
  inner.this_item = &item;
  inner.index = index;
  return eval(e, {item}, inner);
}

Collection Evaluator::eval(const Expr& e, const Collection& focus, const Env& env) {
  switch (e.kind) {
    case ExprKind::Literal: return literal(e);
    case ExprKind::Empty: return {};
    case ExprKind::Variable: return variable(e, env);
    case ExprKind::Identifier: {
      if (e.text == "$this") return env.this_item ? Collection{*env.this_item} : focus;
      return navigate(focus, e.text, true);
    }
    case ExprKind::Invocation: {
      Collection input = eval(*e.args[0], focus, env);
      return call(e, input, env);
    }
    case ExprKind::Function: return call(e, focus, env);
    case ExprKind::Indexer: {
      Collection base = eval(*e.args[0], focus, env);
      Collection idx = eval(*e.args[1], focus, env);
      auto i = singleton_system(idx, "[]");
      if (!i) return {};
      if (i->type != VType::Integer) throw EvalError("an index must be an integer");
      if (i->i < 0 || static_cast<std::size_t>(i->i) >= base.size()) return {};
      return {base[static_cast<std::size_t>(i->i)]};
    }
    case ExprKind::Unary: {
      Collection v = eval(*e.args[0], focus, env);
      if (e.text == "+" || v.empty()) return v;
      auto s = singleton_system(v, "unary -");
      if (!s) return {};
      if (s->type == VType::Integer) return {Value::integer(-s->i)};
      if (s->type == VType::Decimal) return {Value::decimal(-s->d, s->scale)};
      if (s->type == VType::Quantity) return {Value::quantity(-s->d, s->scale, s->s)};
      throw EvalError("cannot negate " + type_name(*s));
    }
    case ExprKind::TypeOp: {
      Collection v = eval(*e.args[0], focus, env);
      const std::string& type = e.args[1]->text;
      if (v.empty()) return {};
      if (e.text == "is") {
        if (v.size() > 1) throw EvalError("'is' needs a single item");
        return boolean(is_type(v.front(), type));
      }
      if (v.size() > 1) throw EvalError("'as' needs a single item");
      return is_type(v.front(), type, true) ? v : Collection{};
    }
    case ExprKind::Binary: return binary(e, focus, env);
  }
  return {};
}

Collection Evaluator::call(const Expr& e, const Collection& input, const Env& env) {
  std::size_t first_arg = e.kind == ExprKind::Invocation ? 1 : 0;
  Collection out;
  // The parser marks `x.f()` with unit "()": member access (`x.f`) has no argument list.
  if (e.unit == "()" || e.kind == ExprKind::Function) {
    if (call_function(*this, e, first_arg, input, env, out)) return out;
    throw EvalError("unknown function '" + e.text + "'");
  }
  return navigate(input, e.text, false);
}

Collection Evaluator::binary(const Expr& e, const Collection& focus, const Env& env) {
  NameRef op{e.text};
  if (op == "and" || op == "or" || op == "xor" || op == "implies") {
    auto l = as_boolean(eval(*e.args[0], focus, env));
    if (op == "and" && l == false) return boolean(false);
    if (op == "or" && l == true) return boolean(true);
    if (op == "implies" && l == false) return boolean(true);
    auto r = as_boolean(eval(*e.args[1], focus, env));
    if (op == "and") {
      if (r == false) return boolean(false);
      if (l && r) return boolean(true);
      return {};
    }
    if (op == "or") {
      if (r == true) return boolean(true);
      if (l && r) return boolean(false);
      return {};
    }
    if (op == "xor") return l && r ? boolean(*l != *r) : Collection{};
    if (l == true) return r ? boolean(*r) : Collection{};
    return r == true ? boolean(true) : Collection{};  // implies with an empty left
  }
  Collection l = eval(*e.args[0], focus, env);
  Collection r = eval(*e.args[1], focus, env);
  if (op == "|") {
    Collection out;
    ValueIndex seen;
    for (const Collection* c : {&l, &r})
      for (const Value& v : *c)
        if (seen.insert(v)) out.push_back(v);
    return out;
  }
  if (op == "=" || op == "!=") {
    if (l.empty() || r.empty()) return {};
    if (l.size() != r.size()) return boolean(op == "!=");
    bool all = true;
    for (std::size_t i = 0; i < l.size(); ++i) {
      auto eq = equal(l[i], r[i]);
      if (!eq) return {};
      all = all && *eq;
    }
    return boolean(op == "=" ? all : !all);
  }
  if (op == "~" || op == "!~") {
    bool same = l.size() == r.size();
    if (same) {
      std::vector<bool> used(r.size(), false);
      for (const Value& a : l) {
        bool found = false;
        for (std::size_t k = 0; k < r.size() && !found; ++k)
          if (!used[k] && equivalent(a, r[k])) used[k] = found = true;
        if (!found) { same = false; break; }
      }
    }
    return boolean(op == "~" ? same : !same);
  }
  if (op == "<" || op == ">" || op == "<=" || op == ">=") {
    if (l.empty() || r.empty()) return {};
    if (l.size() > 1 || r.size() > 1) throw EvalError("comparison needs single items");
    std::optional<int> c;
    try {
      c = compare(l.front(), r.front());
    } catch (const std::runtime_error& err) {
      throw EvalError(err.what());
    }
    if (!c) return {};
    if (op == "<") return boolean(*c < 0);
    if (op == ">") return boolean(*c > 0);
    if (op == "<=") return boolean(*c <= 0);
    return boolean(*c >= 0);
  }
  if (op == "in" || op == "contains") {
    const Collection& item = op == "in" ? l : r;
    const Collection& coll = op == "in" ? r : l;
    if (item.empty()) return {};
    if (item.size() > 1) throw EvalError("'" + op + "' needs a single item");
    for (const Value& v : coll) {
      auto eq = equal(item.front(), v);
      if (eq && *eq) return boolean(true);
    }
    return boolean(false);
  }
  return arithmetic(op, l, r);
}

Expression Expression::compile(std::string_view text) {
  Expression x;
  x.ast_ = std::shared_ptr<const Expr>(parse(text).release());
  x.text_ = std::string(text);
  return x;
}

Collection Expression::evaluate(const EvalContext& ctx) const {
  Evaluator ev(ctx);
  Collection focus;
  if (ctx.focus) focus.push_back(Value::of_node(ctx.focus));
  else if (ctx.resource) focus.push_back(Value::of_node(ctx.resource));
  try {
    return ev.eval(*ast_, focus, Env{});
  } catch (const EvalError&) {
    throw;
  } catch (const std::exception& e) {
    throw EvalError(e.what());
  }
}

std::shared_ptr<const Expression> ExpressionCache::get(std::string_view text) {
  std::lock_guard lock(mu_);
  auto it = cache_.find(std::string(text));
  if (it != cache_.end()) return it->second;
  auto x = std::make_shared<const Expression>(Expression::compile(text));
  cache_.emplace(std::string(text), x);
  return x;
}

std::size_t ExpressionCache::size() const {
  std::lock_guard lock(mu_);
  return cache_.size();
}

}  // namespace hidewire::fhirpath
