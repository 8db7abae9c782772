// Existence, filtering, subsetting, combining, tree and FHIR-specific functions.
#include <algorithm>
#include <deque>

#include "fhir/codec.hpp"
#include "fhir/xhtml_check.hpp"
#include "fhirpath/evaluator.hpp"
#include "fhirpath/functions.hpp"
#include "fhirpath/value_index.hpp"

namespace hidewire::fhirpath {

Collection single_or_throw(const Collection& c, const char* what) {
  if (c.size() > 1) throw EvalError(std::string(what) + " expects a single item, got " + std::to_string(c.size()));
  return c;
}

std::optional<Value> singleton_system(const Collection& c, const char* fn) {
  if (c.empty()) return std::nullopt;
  if (c.size() > 1) throw EvalError(std::string(fn) + " expects a single item, got " + std::to_string(c.size()));
  return to_system(c.front());
}

namespace {

Collection boolean(bool b) { return {Value::boolean(b)}; }

// `other` as an index, for asking of each item whether `other` holds an equal one; `other`
// must outlive it.
ValueIndex index_of(const Collection& other) {
  ValueIndex idx;
  idx.reserve(other.size());
  for (const Value& v : other) idx.add(v);
  return idx;
}

}  // namespace

bool core_function(Fn& f) {
  NameRef n{f.name};
  const Collection& in = f.input;
  if (n == "empty") { f.arity(0); f.out = boolean(in.empty()); return true; }
  if (n == "exists") {
    f.arity(0, 1);
    if (f.nargs() == 0) { f.out = boolean(!in.empty()); return true; }
    for (std::size_t i = 0; i < in.size(); ++i)
      if (as_boolean(f.lambda(0, in[i], i)) == true) { f.out = boolean(true); return true; }
    f.out = boolean(false);
    return true;
  }
  if (n == "all") {
    f.arity(1);
    for (std::size_t i = 0; i < in.size(); ++i)
      if (as_boolean(f.lambda(0, in[i], i)) != true) { f.out = boolean(false); return true; }
    f.out = boolean(true);
    return true;
  }
  if (n == "allTrue" || n == "anyTrue" || n == "allFalse" || n == "anyFalse") {
    f.arity(0);
    bool want = n == "allTrue" || n == "anyTrue", all = n.rfind("all", 0) == 0;
    bool result = all;
    for (const Value& v : in) {
      auto s = to_system(v);
      if (!s || s->type != VType::Boolean) throw EvalError(n + "() needs booleans, got " + type_name(v));
      bool match = s->b == want;
      if (all && !match) result = false;
      if (!all && match) result = true;
    }
    f.out = boolean(result);
    return true;
  }
  if (n == "subsetOf" || n == "supersetOf") {
    f.arity(1);
    Collection other = f.arg(0);
    const Collection& small = n == "subsetOf" ? in : other;
    ValueIndex big = index_of(n == "subsetOf" ? other : in);
    bool ok = std::all_of(small.begin(), small.end(), [&](const Value& v) { return big.contains(v); });
    f.out = boolean(ok);
    return true;
  }
  if (n == "count") { f.arity(0); f.out = {Value::integer(static_cast<std::int64_t>(in.size()))}; return true; }
  if (n == "distinct") { f.arity(0); f.out = distinct_values(in); return true; }
  if (n == "isDistinct") {
    f.arity(0);
    ValueIndex seen;
    seen.reserve(in.size());
    f.out = boolean(std::all_of(in.begin(), in.end(), [&](const Value& v) { return seen.insert(v); }));
    return true;
  }
  if (n == "where") {
    f.arity(1);
    for (std::size_t i = 0; i < in.size(); ++i)
      if (as_boolean(f.lambda(0, in[i], i)) == true) f.out.push_back(in[i]);
    return true;
  }
  if (n == "select") {
    f.arity(1);
    for (std::size_t i = 0; i < in.size(); ++i) {
      Collection r = f.lambda(0, in[i], i);
      f.out.insert(f.out.end(), r.begin(), r.end());
    }
    return true;
  }
  if (n == "repeat") {
    f.arity(1);
    Collection frontier = in;
    std::deque<Value> kept;  // f.out's values where the index can point at them (a vector moves them)
    ValueIndex seen;
    while (!frontier.empty()) {
      Collection next;
      for (std::size_t i = 0; i < frontier.size(); ++i) {
        for (const Value& v : f.lambda(0, frontier[i], i)) {
          if (seen.contains(v)) continue;
          seen.add(kept.emplace_back(v));
          f.out.push_back(v);
          next.push_back(v);
        }
      }
      frontier = std::move(next);
    }
    return true;
  }
  if (n == "ofType") {
    f.arity(1);
    std::string type = f.type_arg(0);
    for (const Value& v : in)
      if (f.ev.is_type(v, type, true)) f.out.push_back(v);
    return true;
  }
  if (n == "as" && in.size() > 1 && f.ev.context().collection_as) {
    // R4's own invariants (dom-3) call as() on collections: it filters, as ofType() does.
    f.arity(1);
    std::string type = f.type_arg(0);
    for (const Value& v : in)
      if (f.ev.is_type(v, type, true)) f.out.push_back(v);
    return true;
  }
  if (n == "is" || n == "as") {
    f.arity(1);
    if (in.empty()) return true;
    if (in.size() > 1) throw EvalError(n + "() needs a single item");
    bool is = f.ev.is_type(in.front(), f.type_arg(0), n == "as");
    if (n == "is") f.out = boolean(is);
    else if (is) f.out = in;
    return true;
  }
  if (f.ev.context().strict && (n == "skip" || n == "take" || n == "first" || n == "last" || n == "tail") &&
      f.first_arg == 1 && (f.call.args[0]->text == "children" || f.call.args[0]->text == "descendants"))
    throw EvalError(n + "() relies on an order that " + f.call.args[0]->text + "() does not define");
  if (n == "single") { f.arity(0); f.out = single_or_throw(in, "single()"); return true; }
  if (n == "first") { f.arity(0); if (!in.empty()) f.out = {in.front()}; return true; }
  if (n == "last") { f.arity(0); if (!in.empty()) f.out = {in.back()}; return true; }
  if (n == "tail") { f.arity(0); if (in.size() > 1) f.out.assign(in.begin() + 1, in.end()); return true; }
  if (n == "skip" || n == "take") {
    f.arity(1);
    auto k = singleton_system(f.arg(0), n.c_str());
    if (!k) return true;
    if (k->type != VType::Integer) throw EvalError(n + "() needs an integer");
    std::size_t count = k->i < 0 ? 0 : static_cast<std::size_t>(k->i);
    if (n == "skip") { if (count < in.size()) f.out.assign(in.begin() + static_cast<long>(count), in.end()); }
    else f.out.assign(in.begin(), in.begin() + static_cast<long>(std::min(count, in.size())));
    return true;
  }
  if (n == "intersect") {
    f.arity(1);
    Collection arg = f.arg(0);
    ValueIndex other = index_of(arg);
    for (const Value& v : distinct_values(in))
      if (other.contains(v)) f.out.push_back(v);
    return true;
  }
  if (n == "exclude") {
    f.arity(1);
    Collection arg = f.arg(0);
    ValueIndex other = index_of(arg);
    for (const Value& v : in)
      if (!other.contains(v)) f.out.push_back(v);
    return true;
  }
  if (n == "union") {
    f.arity(1);
    Collection other = f.arg(0);
    ValueIndex seen;
    seen.reserve(in.size() + other.size());
    for (const Collection* c : {&in, static_cast<const Collection*>(&other)})
      for (const Value& v : *c)
        if (seen.insert(v)) f.out.push_back(v);
    return true;
  }
  if (n == "combine") {
    f.arity(1);
    f.out = in;
    Collection other = f.arg(0);
    f.out.insert(f.out.end(), other.begin(), other.end());
    return true;
  }
  if (n == "type") {
    f.arity(0);
    for (const Value& v : in) {
      if (v.type == VType::Node && v.node->type) f.out.push_back(Value::type_info("FHIR", type_name(v)));
      else if (v.type != VType::Node) f.out.push_back(Value::type_info("System", type_name(v)));
    }
    return true;
  }
  if (n == "children") {
    f.arity(0);
    for (const Value& v : in)
      if (v.type == VType::Node)
        for (const fhir::Node& c : v.node->children) f.out.push_back(Value::of_node(&c));
    return true;
  }
  if (n == "descendants") {
    f.arity(0);
    for (const Value& v : in) f.ev.descendants(v, f.out);
    return true;
  }
  if (n == "not") {
    f.arity(0);
    auto b = as_boolean(in);
    if (b) f.out = boolean(!*b);
    return true;
  }
  if (n == "iif") {
    f.arity(2, 3);
    if (in.size() > 1) throw EvalError("iif() on more than one item");
    // Branches see the enclosing $this and $index (iif inside select uses the outer $index).
    Env inner = f.env;  // $this is the input item; $index stays the enclosing one
    if (!in.empty()) inner.this_item = &in.front();
    auto branch = [&](std::size_t k) { return in.empty() ? f.lambda_focus(k) : f.ev.eval(f.arg_expr(k), in, inner); };
    Collection cond = branch(0);
    auto c = cond.empty() ? std::nullopt : std::optional<bool>(as_boolean(cond));
    if (!cond.empty()) {
      auto s = to_system(cond.front());
      if (cond.size() > 1 || !s || s->type != VType::Boolean) throw EvalError("iif() criterion must be a boolean");
    }
    if (c == true) f.out = branch(1);
    else if (f.nargs() == 3) f.out = branch(2);
    return true;
  }
  if (n == "trace") {
    f.arity(1, 2);
    auto name = singleton_system(f.arg(0), "trace()");
    if (f.ev.context().on_trace) {
      Collection shown = in;
      if (f.nargs() == 2) {
        shown.clear();
        for (std::size_t i = 0; i < in.size(); ++i) {
          Collection r = f.lambda(1, in[i], i);
          shown.insert(shown.end(), r.begin(), r.end());
        }
      }
      f.ev.context().on_trace(name ? name->s : "", shown);
    }
    f.out = in;
    return true;
  }
  if (n == "aggregate") {
    f.arity(1, 2);
    Collection total = f.nargs() == 2 ? f.arg(1) : Collection{};
    for (std::size_t i = 0; i < in.size(); ++i) total = f.lambda_total(0, in[i], i, total);
    f.out = total;
    return true;
  }
  if (n == "extension") {
    f.arity(1);
    auto url = singleton_system(f.arg(0), "extension()");
    if (!url) return true;
    for (const Value& v : in)
      for (const Value& e : f.ev.children_of(v, "extension"))
        for (const Value& u : f.ev.children_of(e, "url"))
          if (u.node->value == url->s) f.out.push_back(e);
    return true;
  }
  if (n == "htmlChecks") {  // FHIR's narrative rules (txt-1, txt-2) on an xhtml element
    f.arity(0);
    if (in.size() == 1 && in.front().type == VType::Node && in.front().node->is_xhtml)
      f.out = boolean(fhir::check_narrative_xhtml(in.front().node->value).empty());
    return true;
  }
  if (n == "hasValue") {
    f.arity(0);
    f.out = boolean(in.size() == 1 && in.front().type == VType::Node && in.front().node->is_primitive && in.front().node->has_value);
    return true;
  }
  if (n == "getValue") {
    f.arity(0);
    if (in.size() == 1) {
      auto s = to_system(in.front());
      if (s && in.front().type == VType::Node && in.front().node->is_primitive) f.out = {*s};
    }
    return true;
  }
  if (n == "resolve") { f.arity(0); f.out = resolve_references(f.ev, in); return true; }
  if (n == "conformsTo") {
    f.arity(1);
    auto url = singleton_system(f.arg(0), "conformsTo()");
    if (!url || in.empty()) return true;
    static const std::string kPrefix = "http://hl7.org/fhir/StructureDefinition/";
    if (url->s.rfind(kPrefix, 0) != 0) throw EvalError("unknown profile " + url->s);
    const fhir::TypeDef* t = f.ev.schema().type(url->s.substr(kPrefix.size()));
    if (!t) throw EvalError("unknown profile " + url->s);
    f.out = boolean(in.size() == 1 && f.ev.is_type(in.front(), t->name));
    return true;
  }
  if (n == "memberOf") {
    f.arity(1);
    auto url = singleton_system(f.arg(0), "memberOf()");
    if (!url || in.empty()) return true;
    const Value& v = in.front();
    if (const auto& loaded = f.ev.context().member_of) {
      std::optional<bool> found;  // true once a code is in it, false once one is known not to be
      auto ask = [&](std::string_view system, std::string_view code) {
        if (auto r = loaded(url->s, system, code); r && !(found && *found)) found = r;
      };
      auto coding = [&](const fhir::Node& c) {
        const fhir::Node* sys = c.child("system");
        const fhir::Node* code = c.child("code");
        if (code && code->has_value) ask(sys && sys->has_value ? sys->value : std::string(), code->value);
      };
      if (v.type == VType::Node && v.node->type && v.node->type->name == "Coding") coding(*v.node);
      else if (v.type == VType::Node && v.node->type && v.node->type->name == "CodeableConcept") {
        for (const fhir::Node& c : v.node->children)
          if (c.name == "coding") coding(c);
      } else if (auto s = to_system(v)) ask("", s->s);
      if (found) {
        f.out = boolean(*found);
        return true;
      }
    }
    const fhir::ValueSetCodes* vs = f.ev.schema().value_set(url->s);
    if (!vs) return true;  // unknown value set: empty, not false
    auto code_in = [&](const fhir::Node& coding) {
      const fhir::Node* sys = coding.child("system");
      const fhir::Node* code = coding.child("code");
      if (!code) return false;
      return sys ? vs->system_codes.count(sys->value + "|" + code->value) > 0 : vs->codes.count(code->value) > 0;
    };
    bool member = false;
    if (v.type == VType::Node && v.node->type && v.node->type->name == "Coding") member = code_in(*v.node);
    else if (v.type == VType::Node && v.node->type && v.node->type->name == "CodeableConcept") {
      for (const fhir::Node& c : v.node->children) member = member || (c.name == "coding" && code_in(c));
    } else if (auto s = to_system(v)) member = vs->codes.count(s->s) > 0;
    f.out = boolean(member);
    return true;
  }
  return false;
}

}  // namespace hidewire::fhirpath
