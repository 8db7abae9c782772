// Which of an invariant's inputs must be present for it to fail. Most of R4's invariants guard
// elements that are usually absent (`contained.contained.empty()`, `reference.startsWith('#').not()
// or ...`): without `contained` or `reference` on the element they cannot be false, and looking
// for a child by name costs far less than evaluating the expression (a quarter of a microsecond
// at the least, fifty times per converted message).
#pragma once

#include <optional>
#include <string>
#include <vector>

#include "fhirpath/ast.hpp"

namespace hidewire::fhirpath {

// Names of the focus's children such that, when the focus has none of them, `e` evaluates to
// true or to the empty collection (so an invariant passes). Nullopt when no such set is known.
// The analysis follows this evaluator's semantics (three-valued and/or/implies, empty
// propagation through navigation, filters and comparisons); names starting with a capital
// letter are type names, never children.
std::optional<std::vector<std::string>> passes_without(const Expr& e);

}  // namespace hidewire::fhirpath
