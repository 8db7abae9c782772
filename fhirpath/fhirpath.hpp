// FHIRPath for hidewire: compile once, evaluate many times over FHIR resource trees.
#pragma once

#include <functional>
#include <map>
#include <optional>
#include <memory>
#include <mutex>
#include <stdexcept>
#include <string>
#include <string_view>
#include <unordered_map>

#include "fhir/schema.hpp"
#include "fhirpath/ast.hpp"
#include "fhirpath/parser.hpp"
#include "fhirpath/value.hpp"

namespace hidewire::fhirpath {

// An expression that parsed but cannot be evaluated on its input (a type error, a function
// given the wrong number of arguments, single() on many items...).
struct EvalError : std::runtime_error {
  using std::runtime_error::runtime_error;
};

struct EvalContext {
  const fhir::Schema* schema = nullptr;   // defaults to Schema::r4()
  const fhir::Node* resource = nullptr;   // %resource (and the focus when `focus` is null)
  const fhir::Node* root_resource = nullptr;  // %rootResource; defaults to resource
  const fhir::Node* focus = nullptr;      // %context: where evaluation starts
  std::map<std::string, Collection, std::less<>> variables;  // user variables, without the %
  bool strict = false;
  // as() on several items filters them, as FHIRPath did when R4's invariants were written
  // (dom-3 calls descendants().as(canonical)); the current specification makes it an error.
  bool collection_as = false;  // unknown element names and choice names such as valueQuantity are errors
  std::string now;  // fixed clock for now()/today()/timeOfDay() (e.g. tests); empty: the real clock
  std::function<void(const std::string& name, const Collection&)> on_trace;
  // memberOf() on value sets beyond R4's own (those loaded with a profile): whether system|code
  // (system empty for a bare code) is in the value set `url`; nullopt when it is not known there.
  std::function<std::optional<bool>(std::string_view url, std::string_view system, std::string_view code)> member_of;
};

class Expression {
 public:
  static Expression compile(std::string_view text);  // throws SyntaxError
  Collection evaluate(const EvalContext& ctx) const;  // throws EvalError
  const std::string& text() const { return text_; }
  const Expr& ast() const { return *ast_; }

 private:
  std::shared_ptr<const Expr> ast_;
  std::string text_;
};

// Thread-safe cache of compiled expressions keyed by their text (validator constraints,
// routing rules): each expression is parsed once per process.
class ExpressionCache {
 public:
  std::shared_ptr<const Expression> get(std::string_view text);  // throws SyntaxError
  std::size_t size() const;

 private:
  mutable std::mutex mu_;
  std::unordered_map<std::string, std::shared_ptr<const Expression>> cache_;
};

// FHIRPath's boolean evaluation of a result: empty -> nullopt, single boolean -> it,
// any other single item -> true; throws EvalError for many items.
std::optional<bool> as_boolean(const Collection& c);

}  // namespace hidewire::fhirpath
