#include "fhirpath/invariants.hpp"

#include <algorithm>
#include <memory>
#include <optional>
#include <string>
#include <set>
#include <unordered_map>
#include <vector>

#include "fhir/path_frame.hpp"
#include "fhirpath/fhirpath.hpp"
#include "fhirpath/vacuity.hpp"

namespace hidewire::fhirpath {
namespace {

// Compiled once per process: thousands of nodes share a few hundred expressions.
ExpressionCache& cache() {
  static ExpressionCache c;
  return c;
}

// A definition's constraint compiled, with the children it cannot fail without; looked up by
// the constraint's address in a per-thread table: no lock and no hashing of the expression text
// on every element checked. The text is compared on a hit, as a schema freed and another loaded
// could reuse the address.
struct Compiled {
  std::shared_ptr<const Expression> expr;
  std::optional<std::vector<std::string>> needs;  // passes_without
};

const Compiled& compiled(const fhir::Constraint& c) {
  thread_local std::unordered_map<const fhir::Constraint*, Compiled> by_constraint;
  auto it = by_constraint.find(&c);
  if (it != by_constraint.end() && it->second.expr->text() == c.expression) return it->second;
  auto expr = cache().get(c.expression);
  Compiled& slot = by_constraint[&c];
  slot = {expr, passes_without(expr->ast())};
  return slot;
}

// As the evaluator finds children: by name, or a choice by its base name.
bool has_any(const fhir::Node& n, const std::vector<std::string>& names) {
  for (const fhir::Node& c : n.children)
    for (const std::string& name : names)
      if (c.name == name || (c.def && c.def->is_choice && c.def->base_name() == name)) return true;
  return false;
}

// Collects the local references ("#id") anywhere under `n`: Reference.reference, canonical and
// uri values, and the narrative's href/src attributes.
void local_references(const fhir::Node& n, std::set<std::string>& out) {
  if (n.is_xhtml) {
    for (std::string_view attr : {"href=\"#", "src=\"#", "href='#", "src='#"})
      for (auto at = n.value.find(attr); at != std::string::npos; at = n.value.find(attr, at + 1)) {
        std::size_t start = at + attr.size() - 1;
        auto end = n.value.find(attr[attr.size() - 2], start);
        if (end != std::string::npos) out.insert(n.value.substr(start, end - start));
      }
  } else if (n.is_primitive && n.has_value && !n.value.empty() && n.value[0] == '#') {
    out.insert(n.value);
  }
  for (const fhir::Node& c : n.children) local_references(c, out);
}

// dom-3 as its text says: a contained resource is referred to from elsewhere in the resource
// (the narrative included, which R4's expression cannot see into) or refers to its container.
bool contained_referenced(const fhir::Node& resource) {
  std::set<std::string> refs;
  for (const fhir::Node& c : resource.children) local_references(c, refs);
  for (const fhir::Node& c : resource.children) {
    if (c.name != "contained") continue;
    const fhir::Node* id = c.child("id");
    std::set<std::string> own;
    local_references(c, own);
    if (!(id && refs.count("#" + id->value)) && !own.count("#")) return false;
  }
  return true;
}

// Checked by the structural validator on every element, with more precise messages.
bool structural(std::string_view key) { return key == "ele-1" || key == "txt-1" || key == "txt-2"; }

class InvariantChecker {
 public:
  InvariantChecker(const fhir::Schema& s, fhir::Diagnostics& d, InvariantOptions o) : schema_(s), diags_(d), options_(o) {}

  void walk(const fhir::Node& n, const fhir::PathFrame& at, const fhir::Node* resource, const fhir::Node* root) {
    if (n.is_resource) {
      // Contained resources keep their container as %rootResource; entries stand alone.
      bool contained = n.name == "contained";
      resource = &n;
      if (!contained || !root) root = &n;
    }
    std::vector<std::string_view> done;  // keys checked on this node (an element's and its type's lists overlap)
    if (n.def) check(n, n.def->constraints, at, resource, root, done);
    if (n.type && n.type->kind != fhir::TypeKind::Backbone && !n.type->is_primitive())
      check(n, n.type->constraints, at, resource, root, done);
    std::string_view last;
    int index = 0;
    for (const fhir::Node& c : n.children) {
      index = c.name == last ? index + 1 : 0;
      last = c.name;
      fhir::PathFrame cat{&at, c.name, c.def && c.def->is_array() ? index : -1};
      walk(c, cat, resource, root);
    }
  }

 private:
  void check(const fhir::Node& n, const std::vector<fhir::Constraint>& constraints, const fhir::PathFrame& at,
             const fhir::Node* resource, const fhir::Node* root, std::vector<std::string_view>& done) {
    for (const fhir::Constraint& c : constraints) {
      if (structural(c.key) || c.expression.empty() || std::find(done.begin(), done.end(), c.key) != done.end()) continue;
      done.push_back(c.key);
      try {
        const Compiled& cc = compiled(c);
        if (!options_.evaluate_all && cc.needs && !has_any(n, *cc.needs)) continue;  // cannot fail: not evaluated
        const Expression& expr = *cc.expr;
        EvalContext ctx;
        ctx.schema = &schema_;
        ctx.resource = resource;
        ctx.root_resource = root;
        ctx.focus = &n;
        ctx.collection_as = true;
        auto ok = as_boolean(expr.evaluate(ctx));
        if (ok == false && c.key == "dom-3" && contained_referenced(n)) ok = true;
        if (ok == false) {
          fhir::Severity sev = c.severity == "error" ? fhir::Severity::Error : fhir::Severity::Warning;
          diags_.add(sev, "invariant", at.render(), "Constraint failed: " + c.key + ": " + c.human + " (" + c.expression + ")",
                     c.key);
        }
      } catch (const std::exception& e) {
        if (unevaluable_.insert(c.key).second)
          diags_.warning("not-supported", at.render(), "invariant " + c.key + " could not be evaluated: " + e.what(), c.key);
      }
    }
  }

  const fhir::Schema& schema_;
  fhir::Diagnostics& diags_;
  InvariantOptions options_;
  std::set<std::string> unevaluable_;
};

}  // namespace

void check_invariants(const fhir::Node& resource, const fhir::Schema& schema, fhir::Diagnostics& out,
                      InvariantOptions options) {
  InvariantChecker checker(schema, out, options);
  fhir::PathFrame root{nullptr, resource.resource_type(), -1};
  checker.walk(resource, root, nullptr, nullptr);
}

}  // namespace hidewire::fhirpath
