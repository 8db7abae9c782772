#include "fhirpath/functions.hpp"

namespace hidewire::fhirpath {

Collection Fn::arg(std::size_t i) const {
  Collection focus;
  if (env.this_item) focus.push_back(*env.this_item);
  else if (ev.context().focus) focus.push_back(Value::of_node(ev.context().focus));
  else if (ev.context().resource) focus.push_back(Value::of_node(ev.context().resource));
  Env inner = env;
  if (!inner.this_item && !focus.empty()) inner.this_item = &focus.front();  // $this at the top level
  return ev.eval(arg_expr(i), focus, inner);
}

std::string Fn::type_arg(std::size_t i) const {
  const Expr& e = arg_expr(i);
  if (e.kind == ExprKind::Identifier) return e.text;
  if (e.kind == ExprKind::Invocation && e.unit != "()" && e.args.size() == 1 && e.args[0]->kind == ExprKind::Identifier)
    return e.args[0]->text + "." + e.text;
  throw EvalError(name + "() needs a type name");
}

// Reference.reference resolved within the resource: contained (#id) and Bundle entries
// (fullUrl or Type/id).
Collection resolve_references(Evaluator& ev, const Collection& refs) {
  Collection out;
  const fhir::Node* root = ev.context().root_resource ? ev.context().root_resource : ev.context().resource;
  if (!root) return out;
  auto id_of = [](const fhir::Node& r) {
    const fhir::Node* id = r.child("id");
    return id ? id->value : std::string();
  };
  for (const Value& v : refs) {
    std::string ref;
    if (v.type == VType::Node && !v.node->is_primitive) {
      const fhir::Node* r = v.node->child("reference");
      if (!r) continue;
      ref = r->value;
    } else if (auto s = to_system(v)) {
      ref = s->s;
    }
    if (ref.empty()) continue;
    if (ref[0] == '#') {
      for (const fhir::Node& c : (ev.context().resource ? ev.context().resource : root)->children)
        if (c.name == "contained" && id_of(c) == ref.substr(1)) out.push_back(Value::of_node(&c));
      continue;
    }
    for (const fhir::Node& entry : root->children) {
      if (entry.name != "entry") continue;
      const fhir::Node* full = entry.child("fullUrl");
      const fhir::Node* res = entry.child("resource");
      if (!res) continue;
      std::string local = std::string(res->resource_type()) + "/" + id_of(*res);
      if ((full && full->value == ref) || local == ref ||
          (ref.size() > local.size() && ref.compare(ref.size() - local.size(), local.size(), local) == 0 &&
           ref[ref.size() - local.size() - 1] == '/'))
        out.push_back(Value::of_node(res));
    }
  }
  return out;
}

bool call_function(Evaluator& ev, const Expr& call, std::size_t first_arg, const Collection& input, const Env& env,
                   Collection& out) {
  Fn f{ev, call, first_arg, input, env, call.text, {}};
  if (core_function(f) || text_function(f) || math_function(f) || time_function(f)) {
    out = std::move(f.out);
    return true;
  }
  return false;
}

}  // namespace hidewire::fhirpath
