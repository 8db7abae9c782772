#include "fhirpath/vacuity.hpp"

#include <algorithm>
#include <cctype>
#include <initializer_list>
#include <string_view>

namespace hidewire::fhirpath {
namespace {

using Names = std::optional<std::vector<std::string>>;

bool one_of(std::string_view s, std::initializer_list<std::string_view> list) {
  return std::find(list.begin(), list.end(), s) != list.end();
}

// Both sets' children must be absent.
Names both(Names a, Names b) {
  if (!a || !b) return std::nullopt;
  for (std::string& n : *b)
    if (std::find(a->begin(), a->end(), n) == a->end()) a->push_back(std::move(n));
  return a;
}

// Either set suffices: the smaller (more likely all absent).
Names either(Names a, Names b) {
  if (!a) return b;
  if (!b) return a;
  return a->size() <= b->size() ? a : b;
}

bool is_call(const Expr& e) { return e.kind == ExprKind::Invocation && e.unit == "()"; }
bool calls(const Expr& e, std::initializer_list<std::string_view> names) { return is_call(e) && one_of(e.text, names); }

Names empty_if(const Expr& e);
Names true_if(const Expr& e);
Names false_if(const Expr& e);
Names not_false_if(const Expr& e);
Names falsy_if(const Expr& e);

// Empty input, empty output: navigation, filters, projections and string functions.
Names empty_if(const Expr& e) {
  switch (e.kind) {
    case ExprKind::Identifier:
      if (e.text.empty() || e.text[0] == '$' || std::isupper(static_cast<unsigned char>(e.text[0]))) return std::nullopt;
      return std::vector<std::string>{e.text};
    case ExprKind::Invocation:
      if (!is_call(e) || one_of(e.text, {"where", "select", "ofType", "first", "last", "tail", "skip", "take", "single",
                                         "distinct", "repeat", "children", "descendants", "extension", "trace", "as",
                                         "substring", "startsWith", "endsWith", "matches", "length", "lower", "upper",
                                         "resolve", "memberOf", "indexOf", "replace", "replaceMatches"}))
        return empty_if(*e.args[0]);
      return std::nullopt;
    case ExprKind::Indexer:
    case ExprKind::Unary:
    case ExprKind::TypeOp: return empty_if(*e.args[0]);
    case ExprKind::Binary:
      if (e.text == "|") return both(empty_if(*e.args[0]), empty_if(*e.args[1]));
      if (one_of(e.text, {"=", "!=", "<", "<=", ">", ">=", "+", "-", "*", "/", "div", "mod", "in"}))
        return empty_if(*e.args[0]);
      return std::nullopt;
    default: return std::nullopt;
  }
}

Names true_if(const Expr& e) {
  if (calls(e, {"empty", "all", "allTrue", "allFalse"})) return empty_if(*e.args[0]);
  if (calls(e, {"not"})) return false_if(*e.args[0]);
  if (e.kind != ExprKind::Binary) return std::nullopt;
  if (e.text == "or") return either(true_if(*e.args[0]), true_if(*e.args[1]));
  if (e.text == "and") return both(true_if(*e.args[0]), true_if(*e.args[1]));
  if (e.text == "implies") return either(false_if(*e.args[0]), true_if(*e.args[1]));
  return std::nullopt;
}

Names false_if(const Expr& e) {
  if (calls(e, {"exists", "hasValue", "anyTrue"})) return empty_if(*e.args[0]);
  if (calls(e, {"not"})) return true_if(*e.args[0]);
  if (e.kind != ExprKind::Binary) return std::nullopt;
  if (e.text == "and") return either(false_if(*e.args[0]), false_if(*e.args[1]));
  if (e.text == "or") return both(false_if(*e.args[0]), false_if(*e.args[1]));
  return std::nullopt;
}

// True or empty.
Names not_false_if(const Expr& e) {
  Names own = either(true_if(e), empty_if(e));
  if (calls(e, {"not"})) return either(own, falsy_if(*e.args[0]));
  if (e.kind != ExprKind::Binary) return own;
  if (e.text == "or") return either(own, either(not_false_if(*e.args[0]), not_false_if(*e.args[1])));
  if (e.text == "and") return either(own, both(not_false_if(*e.args[0]), not_false_if(*e.args[1])));
  if (e.text == "implies") return either(own, either(falsy_if(*e.args[0]), not_false_if(*e.args[1])));
  return own;
}

// False or empty.
Names falsy_if(const Expr& e) {
  Names own = either(false_if(e), empty_if(e));
  if (calls(e, {"not"})) return either(own, not_false_if(*e.args[0]));
  if (e.kind != ExprKind::Binary) return own;
  if (e.text == "and") return either(own, either(falsy_if(*e.args[0]), falsy_if(*e.args[1])));
  if (e.text == "or") return either(own, both(falsy_if(*e.args[0]), falsy_if(*e.args[1])));
  return own;
}

}  // namespace

std::optional<std::vector<std::string>> passes_without(const Expr& e) { return not_false_if(e); }

}  // namespace hidewire::fhirpath
