// Structural validation: every node is checked against the element definition the reader
// resolved for it; the readers keep unknown elements so they are reported here, once.
#include "fhir/validator.hpp"

#include <cctype>

#include "fhir/nhs_number.hpp"
#include "fhir/path_frame.hpp"
#include "fhir/xhtml_check.hpp"

namespace hidewire::fhir {
namespace {

std::string list_types(const ElementDef& def) {
  std::string out;
  for (const TypeRef& t : def.types) {
    if (!out.empty()) out += ", ";
    out += t.code;
  }
  return out;
}

class Validator {
 public:
  Validator(const Schema& s, Diagnostics& d, const ValidationOptions& o) : schema_(s), diags_(d), opts_(o) {}

  void resource(const Node& n, const PathFrame& at) {
    if (!n.type) return;
    complex(n, n.type, at);
  }

 private:
  void complex(const Node& n, const TypeDef* type, const PathFrame& at) {
    if (n.children.empty() && !n.is_resource)
      diags_.error("required", at.render(), "element has no content: FHIR elements must have a value or children (ele-1)", "ele-1");
    std::vector<std::uint32_t> counts(type->elements.size(), 0);
    std::string_view last_name;
    int index = 0;
    for (const Node& c : n.children) {
      index = c.name == last_name ? index + 1 : 0;
      last_name = c.name;
      if (!c.def) {
        unknown(c, type, at);
        continue;
      }
      if (c.def->order < counts.size() && type->elements[c.def->order] == c.def) ++counts[c.def->order];
      PathFrame cat{&at, c.name, c.def->is_array() ? index : -1};
      child(c, cat);
    }
    for (std::size_t i = 0; i < counts.size(); ++i) {
      const ElementDef& def = *type->elements[i];
      if (counts[i] < def.min)
        diags_.error("required", at.render(std::string(def.is_choice ? def.name : def.name)),
                     "minimum required = " + std::to_string(def.min) + ", but only found " + std::to_string(counts[i]) +
                         " (from " + def.path + ")");
      if (counts[i] > def.max)
        diags_.error("structure", at.render(def.name),
                     "maximum allowed = " + std::to_string(def.max) + ", but found " + std::to_string(counts[i]) +
                         " (from " + def.path + ")");
    }
    if (opts_.check_nhs_numbers && type->name == "Identifier") nhs_identifier(n, at);
  }

  void child(const Node& c, const PathFrame& at) {
    if (c.is_resource) {
      resource(c, at);
      return;
    }
    if (c.is_primitive) {
      primitive(c, at);
      return;
    }
    if (!c.type) return;
    complex(c, c.type, at);
    if (opts_.check_bindings && c.def->binding == BindingStrength::Required) binding_complex(c, at);
  }

  void primitive(const Node& c, const PathFrame& at) {
    if (c.is_xhtml) {
      for (const std::string& problem : check_narrative_xhtml(c.value))
        diags_.error("value", at.render(), problem, problem.find("txt-2") != std::string::npos ? "txt-2" : "txt-1");
      return;
    }
    if (!c.has_value && c.children.empty()) {
      diags_.error("required", at.render(), "primitive element has neither a value nor extensions (ele-1)", "ele-1");
      return;
    }
    const TypeDef* t = c.type;
    if (c.has_value && t) {
      std::string problem = check_primitive(t->primitive, c.value);
      if (!problem.empty()) diags_.error("value", at.render(), problem);
      if (problem.empty() && opts_.check_bindings && c.def->binding == BindingStrength::Required)
        binding_code(c, at);
    }
    if (t && !c.children.empty()) complex(c, t, at);
  }

  void unknown(const Node& c, const TypeDef* type, const PathFrame& at) {
    std::string loc = at.render(c.name);
    for (const ElementDef* el : type->elements) {
      if (!el->is_choice) continue;
      std::string_view base = el->base_name();
      if (c.name.size() > base.size() && c.name.compare(0, base.size(), base) == 0 &&
          std::isupper(static_cast<unsigned char>(c.name[base.size()]))) {
        diags_.error("structure", loc,
                     "type '" + c.name.substr(base.size()) + "' is not allowed for " + el->path + " (allowed: " +
                         list_types(*el) + ")");
        return;
      }
    }
    diags_.error("structure", loc, "unknown element '" + c.name + "' in " + type->name);
  }

  const ValueSetCodes* bound_set(const Node& c, const PathFrame& at) {
    const ValueSetCodes* vs = schema_.value_set(c.def->value_set);
    if (!vs && !c.def->value_set.empty() && warned_sets_.insert(c.def->value_set).second)
      diags_.add(Severity::Information, "not-supported", at.render(),
                 "value set " + c.def->value_set + " is not known; binding not checked");
    return vs;
  }

  void binding_code(const Node& c, const PathFrame& at) {
    const ValueSetCodes* vs = bound_set(c, at);
    if (!vs || !vs->complete) return;
    if (!vs->codes.count(c.value))
      diags_.error("code-invalid", at.render(),
                   "the value '" + c.value + "' is not in the required value set " + vs->name + " (" + c.def->value_set + ")");
  }

  static bool coding_in(const Node& coding, const ValueSetCodes& vs) {
    const Node* sys = coding.child("system");
    const Node* code = coding.child("code");
    if (!code || !code->has_value) return false;
    if (!sys || !sys->has_value) return vs.codes.count(code->value) > 0;
    return vs.system_codes.count(sys->value + "|" + code->value) > 0;
  }

  void binding_complex(const Node& c, const PathFrame& at) {
    std::string_view tn = c.type->name;
    if (tn != "Coding" && tn != "CodeableConcept") return;
    const ValueSetCodes* vs = bound_set(c, at);
    if (!vs || !vs->complete) return;
    if (tn == "Coding") {
      if (c.child("code") && !coding_in(c, *vs))
        diags_.error("code-invalid", at.render(), "the Coding is not in the required value set " + vs->name + " (" + c.def->value_set + ")");
      return;
    }
    bool any = false, found = false;
    for (const Node& k : c.children) {
      if (k.name != "coding") continue;
      any = true;
      found |= coding_in(k, *vs);
    }
    if (any && !found)
      diags_.error("code-invalid", at.render(), "none of the codings is in the required value set " + vs->name + " (" + c.def->value_set + ")");
    else if (!any)
      diags_.warning("code-invalid", at.render(), "no coding given for a required binding to " + vs->name + " (" + c.def->value_set + ")");
  }

  void nhs_identifier(const Node& n, const PathFrame& at) {
    const Node* sys = n.child("system");
    if (sys && sys->has_value && sys->value == kNhsNumberSystem) validate_nhs_identifier(n, at.render(), diags_);
  }

  const Schema& schema_;
  Diagnostics& diags_;
  const ValidationOptions& opts_;
  StringSet warned_sets_;
};

}  // namespace

void validate(const Node& resource, const Schema& schema, Diagnostics& out, const ValidationOptions& opts) {
  Validator v(schema, out, opts);
  PathFrame root{nullptr, resource.resource_type(), -1};
  v.resource(resource, root);
}

}  // namespace hidewire::fhir
