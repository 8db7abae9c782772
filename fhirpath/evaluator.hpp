// The tree-walking evaluator, shared by the function families (internal to fhirpath/).
#pragma once

#include <map>
#include <optional>
#include <string>
#include <utility>

#include "fhirpath/fhirpath.hpp"

namespace hidewire::fhirpath {

struct Env {
  const Value* this_item = nullptr;  // $this
  std::int64_t index = 0;            // $index
  const Collection* total = nullptr; // $total (aggregate)
};

class Evaluator {
 public:
  explicit Evaluator(const EvalContext& ctx);
  Collection eval(const Expr& e, const Collection& focus, const Env& env);
  // Evaluates `e` once per item of `input` with $this/$index bound (where, select, all...).
  Collection eval_on(const Expr& e, const Value& item, std::int64_t index, const Env& env);

  const fhir::Schema& schema() const { return *schema_; }
  const EvalContext& context() const { return ctx_; }
  Collection children_of(const Value& v, std::string_view name) const;
  void descendants(const Value& v, Collection& out) const;
  // `exact`: as()/ofType() match a FHIR primitive's own type only (code is not taken as
  // string), while is() follows derivation.
  bool is_type(const Value& v, const std::string& type_spec, bool exact = false) const;
  std::string now_text() const;

 private:
  Collection navigate(const Collection& focus, const std::string& name, bool at_root);
  Collection binary(const Expr& e, const Collection& focus, const Env& env);
  Collection call(const Expr& e, const Collection& input, const Env& env);
  Collection variable(const Expr& e, const Env& env);
  Collection literal(const Expr& e);

  const EvalContext& ctx_;
  const fhir::Schema* schema_;
  Value resource_, root_;
  // Children of elements with many of them (a Bundle's entries, a Provenance's targets), by
  // name: a lambda that reads %resource.type for each of N entries would otherwise scan the N
  // entries N times. The tree does not change during one evaluation.
  mutable std::map<std::pair<const fhir::Node*, std::string>, std::optional<Collection>> wide_children_;
};

// Function dispatch: returns false when `name` is not a known function.
bool call_function(Evaluator& ev, const Expr& call, std::size_t first_arg, const Collection& input, const Env& env,
                   Collection& out);

// Helpers for function families.
Collection single_or_throw(const Collection& c, const char* what);
std::optional<Value> singleton_system(const Collection& c, const char* fn);
Collection arithmetic(const std::string& op, const Collection& l, const Collection& r);

}  // namespace hidewire::fhirpath
