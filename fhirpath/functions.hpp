// One call of a FHIRPath function, as the function families see it (internal to fhirpath/).
#pragma once

#include "fhirpath/evaluator.hpp"
#include "fhirpath/name_ref.hpp"

namespace hidewire::fhirpath {

struct Fn {
  Evaluator& ev;
  const Expr& call;
  std::size_t first_arg;
  const Collection& input;
  const Env& env;
  const std::string& name;
  Collection out;

  std::size_t nargs() const { return call.args.size() - first_arg; }
  void arity(std::size_t min, std::size_t max) const {
    if (nargs() < min || nargs() > max)
      throw EvalError(name + "() takes " + std::to_string(min) + (min == max ? "" : " to " + std::to_string(max)) +
                      " arguments, got " + std::to_string(nargs()));
  }
  void arity(std::size_t n) const { arity(n, n); }
  const Expr& arg_expr(std::size_t i) const { return *call.args[first_arg + i]; }
  // A plain argument: evaluated against the expression's context, as at the start of a path.
  Collection arg(std::size_t i) const;
  // A lambda argument (where, select, all...): evaluated with $this = item.
  Collection lambda(std::size_t i, const Value& item, std::size_t index) const {
    return ev.eval_on(arg_expr(i), item, static_cast<std::int64_t>(index), env);
  }
  Collection lambda_focus(std::size_t i) const { return arg(i); }
  Collection lambda_total(std::size_t i, const Value& item, std::size_t index, const Collection& total) const {
    Env inner = env;
    inner.this_item = &item;
    inner.index = static_cast<std::int64_t>(index);
    inner.total = &total;
    return ev.eval(arg_expr(i), {item}, inner);
  }
  // A type specifier argument: ofType(Quantity), is(FHIR.string).
  std::string type_arg(std::size_t i) const;
};

bool core_function(Fn& f);
bool text_function(Fn& f);
bool math_function(Fn& f);
bool time_function(Fn& f);
bool text_codec(Fn& f);
Collection resolve_references(Evaluator& ev, const Collection& refs);

}  // namespace hidewire::fhirpath
