#include "profiles/extension_context.hpp"

#include <algorithm>

#include "fhirpath/fhirpath.hpp"

namespace hidewire::profiles {
namespace {

fhirpath::ExpressionCache& cache() {
  static fhirpath::ExpressionCache c;
  return c;
}

std::string url_of(const fhir::Node& ext) {
  const fhir::Node* u = ext.child("url");
  return u && u->has_value ? u->value : std::string();
}

const fhir::Node* resource_of(const std::vector<const fhir::Node*>& chain) {
  for (auto it = chain.rbegin(); it != chain.rend(); ++it)
    if ((*it)->is_resource) return *it;
  return chain.empty() ? nullptr : chain.front();
}

// The element's names as contexts name them: its path in the base definitions
// ("Patient.address", "Extension.value[x]"), the same path from an ancestor type that defines
// it ("DomainResource.text"), and its type ("Address") with the type's ancestors. A context
// naming a type R4 does not have (R5's CanonicalResource) is not judged.
bool element_matches(const fhir::Node& n, const std::string& expr, const fhir::Schema& schema) {
  if (expr == "Element" || expr == "Base") return true;
  std::string head = expr.substr(0, expr.find('.'));
  const fhir::TypeDef* head_type = schema.type(head);
  if (!head_type) return true;
  if (n.is_resource) {
    const fhir::TypeDef* t = schema.type(n.resource_type());
    return t ? t->derives_from(expr) : expr == n.resource_type();
  }
  if (n.def) {
    std::string path = n.def->path;
    if (n.def->is_choice && n.type)  // Observation.valueQuantity for Observation.value[x]
      if (expr == path.substr(0, path.size() - 3) + n.name.substr(n.def->base_name().size())) return true;
    std::string owner = path.substr(0, path.find('.'));
    const fhir::TypeDef* owner_type = schema.type(owner);
    if (path == expr || (owner_type && owner_type->derives_from(head) && head + path.substr(owner.size()) == expr)) return true;
  }
  return n.type && n.type->derives_from(expr);
}

// type extension: the element is that extension, or the value of it.
bool in_extension(const std::vector<const fhir::Node*>& chain, const std::string& url) {
  const fhir::Node& n = *chain.back();
  if ((n.name == "extension" || n.name == "modifierExtension") && url_of(n) == url) return true;
  if (chain.size() >= 2 && n.name.starts_with("value")) {
    const fhir::Node& parent = *chain[chain.size() - 2];
    return (parent.name == "extension" || parent.name == "modifierExtension") && url_of(parent) == url;
  }
  return false;
}

fhirpath::Collection evaluate(const std::string& expr, const fhir::Node& focus, const fhir::Node* resource,
                              const fhir::Schema& schema) {
  fhirpath::EvalContext ctx;
  ctx.schema = &schema;
  ctx.resource = resource;
  ctx.root_resource = resource;
  ctx.focus = &focus;
  ctx.collection_as = true;
  return cache().get(expr)->evaluate(ctx);
}

// type fhirpath: the expression, evaluated on the resource, selects the element. An expression
// that cannot be evaluated here allows the use (nothing is claimed that was not checked).
bool selected_by(const std::vector<const fhir::Node*>& chain, const std::string& expr, const fhir::Schema& schema) {
  const fhir::Node* res = resource_of(chain);
  try {
    for (const fhirpath::Value& v : evaluate(expr, *res, res, schema))
      if (v.type == fhirpath::VType::Node && v.node == chain.back()) return true;
    return false;
  } catch (const std::exception&) {
    return true;
  }
}

}  // namespace

void check_extension_use(const fhir::Node& ext, const std::vector<const fhir::Node*>& chain, const Profile& def,
                         const fhir::Schema& schema, const std::string& loc, fhir::Diagnostics& d) {
  if (chain.empty()) return;
  bool modifier_use = ext.name == "modifierExtension";
  if (def.is_modifier != modifier_use)
    d.error("structure", loc,
            "the extension " + def.url + (def.is_modifier ? " is a modifier extension: it must be a modifierExtension, not an extension"
                                                            : " is not a modifier extension: it must be an extension, not a modifierExtension"),
            "extension-modifier");
  const fhir::Node& on = *chain.back();
  if (!def.contexts.empty()) {
    bool allowed = false;
    std::string listed;
    for (const ExtensionContext& c : def.contexts) {
      listed += (listed.empty() ? "" : ", ") + c.type + " " + c.expression;
      if (c.type == "element") allowed = element_matches(on, c.expression, schema);
      else if (c.type == "extension") allowed = in_extension(chain, c.expression);
      else if (c.type == "fhirpath") allowed = selected_by(chain, c.expression, schema);
      else allowed = true;  // a context type R4 does not define: not judged
      if (allowed) break;
    }
    if (!allowed) {
      std::string here = on.is_resource ? std::string(on.resource_type()) : on.def ? on.def->path : on.name;
      d.error("structure", loc, "the extension " + def.url + " is not allowed on " + here + " (its contexts: " + listed + ")",
              "extension-context");
      return;
    }
  }
  for (const std::string& inv : def.context_invariants) {
    try {
      if (fhirpath::as_boolean(evaluate(inv, on, resource_of(chain), schema)) == false)
        d.error("invariant", loc, "the extension " + def.url + " is not allowed here: its context invariant '" + inv + "' is false",
                "extension-context");
    } catch (const std::exception& e) {
      d.warning("not-supported", loc, "context invariant '" + inv + "' of " + def.url + " could not be evaluated: " + e.what());
    }
  }
}

void check_sub_extensions(const fhir::Node& ext, const Profile& def, const std::string& loc, fhir::Diagnostics& d) {
  const ProfileElement* parts = def.root.child("extension");
  if (!parts || parts->slices.empty()) return;
  int index = 0;
  for (const fhir::Node& k : ext.children) {
    if (k.name != "extension") continue;
    std::string url = url_of(k);
    std::string at = loc + ".extension[" + std::to_string(index++) + "]";
    if (url.empty() || url.find(':') != std::string::npos) continue;  // absolute: an extension of its own
    bool named = std::any_of(parts->slices.begin(), parts->slices.end(), [&](const ProfileElement& s) {
      const ProfileElement* u = s.child("url");
      const fhir::Node* fixed = u ? u->fixed : nullptr;
      return fixed ? fixed->has_value && fixed->value == url : s.slice_name == url;
    });
    if (!named)
      d.error("structure", at, "the sub-extension url '" + url + "' is not defined by the extension " + def.name + " (" + def.url + ")",
              "extension-part");
  }
}

}  // namespace hidewire::profiles
