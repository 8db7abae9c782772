// Structural validation: every node is checked against the element definition the reader
// resolved for it; the readers keep unknown elements so they are reported here, once.
#include "fhir/validator.hpp"

#include <algorithm>
#include <cctype>
#include <string_view>
#include <unordered_map>

#include "fhir/bundle_rules.hpp"
#include "fhir/nhs_number.hpp"
#include "fhir/primitives.hpp"
#include "fhir/questionnaire_rules.hpp"
#include "fhir/search_param_rules.hpp"
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

// Attachment.size is the number of bytes of the data before base64 encoding.
void attachment_size(const Node& n, const PathFrame& at, Diagnostics& out) {
  const Node* data = n.child("data");
  const Node* size = n.child("size");
  if (!data || !size || !data->has_value || !size->has_value || !check_primitive(Primitive::Base64Binary, data->value).empty()) return;
  std::size_t chars = 0, pad = 0;
  for (char ch : data->value) {
    if (ch == '=') ++pad;
    if (!std::isspace(static_cast<unsigned char>(ch))) ++chars;
  }
  std::size_t bytes = chars / 4 * 3 - pad;
  if (size->value != std::to_string(bytes))
    out.error("value", at.render("size"), "Attachment.size is " + size->value + ", but the data holds " + std::to_string(bytes) + " bytes");
}

class Validator {
 public:
  Validator(const Schema& s, Diagnostics& d, const ValidationOptions& o, const Node* root)
      : schema_(s), diags_(d), opts_(o), root_(root) {}

  void resource(const Node& n, const PathFrame& at) {
    if (!n.type) return;
    complex(n, n.type, at);
    if (n.type->name == "Bundle") check_bundle(n, schema_, at, diags_);
    if (n.type->name == "Questionnaire") check_questionnaire(n, at, diags_);
    if (n.type->name == "CapabilityStatement") check_capability_search_params(n, at, diags_);
    if (n.type->name == "SearchParameter") check_search_parameter(n, at, diags_);
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
    if (type->name == "Coding") coding_system(n, at);
    if (type->name == "Attachment") attachment_size(n, at, diags_);
  }

  // Coding.system identifies a code system by an absolute URI; a value set's URL is not one.
  void coding_system(const Node& n, const PathFrame& at) {
    const Node* sys = n.child("system");
    if (!sys || !sys->has_value || sys->value.empty()) return;
    if (!is_absolute_uri(sys->value))
      diags_.error("value", at.render("system"), "Coding.system must be an absolute URI, not a local reference ('" + sys->value + "')");
    else if (sys->value.find("/ValueSet/") != std::string::npos && schema_.value_set(sys->value))
      diags_.error("value", at.render("system"), "the Coding names a value set, not a code system ('" + sys->value + "')");
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
    if (c.type->name == "Reference") reference_target(c, at);
  }

  // Reference(Patient | Group): what a reference points at must be one of the element's target
  // types. The type is read from Reference.type, from the Type/id form of the reference (relative
  // or absolute), or from the Bundle entry a urn:uuid names; a reference that tells nothing of its
  // type (#contained, a bare identifier) is not judged, nor are targets given as profiles.
  void reference_target(const Node& c, const PathFrame& at) {
    const TypeRef* ref = nullptr;
    for (const TypeRef& t : c.def->types)
      if (t.code == "Reference") ref = &t;
    if (!ref || ref->target_profiles.empty()) return;
    for (const std::string& t : ref->target_profiles) {
      if (t == "Resource") return;
      const TypeDef* td = schema_.type(t);
      if (!td || td->kind != TypeKind::Resource) return;
    }
    std::string found = referenced_type(c);
    const TypeDef* ft = found.empty() ? nullptr : schema_.type(found);
    if (!ft || ft->kind != TypeKind::Resource) return;
    std::string allowed;
    for (const std::string& t : ref->target_profiles) {
      if (t == found) return;
      allowed += (allowed.empty() ? "" : ", ") + t;
    }
    diags_.error("structure", at.render(), "the reference points at a " + found + ", but " + c.def->path + " may only point at " + allowed);
  }

  std::string referenced_type(const Node& c) const {
    if (const Node* t = c.child("type"); t && t->has_value) return t->value.substr(t->value.rfind('/') + 1);
    const Node* r = c.child("reference");
    if (!r || !r->has_value || r->value.empty() || r->value[0] == '#') return {};
    const std::string& ref = r->value;
    if (ref.rfind("urn:", 0) == 0) {  // a Bundle entry's fullUrl
      if (!root_ || root_->resource_type() != "Bundle") return {};
      const auto& entries = entries_by_url();
      auto it = entries.find(ref);
      return it == entries.end() ? std::string() : std::string(it->second->resource_type());
    }
    std::string_view path(ref);
    if (auto h = path.find("/_history/"); h != std::string_view::npos) path = path.substr(0, h);
    // Type/id or .../Type/id: the type is the segment before the id.
    auto last = path.rfind('/');
    if (last == std::string_view::npos || last == 0) return {};
    auto before = path.rfind('/', last - 1);
    std::size_t start = before == std::string_view::npos ? 0 : before + 1;
    return std::string(path.substr(start, last - start));
  }

  // The Bundle's entry resources by fullUrl (the first entry with a resource, as a scan finds),
  // made on the first urn: reference: a scan per reference is quadratic in the entries.
  const std::unordered_map<std::string_view, const Node*>& entries_by_url() const {
    if (!entries_indexed_) {
      entries_indexed_ = true;
      for (const Node& e : root_->children) {
        const Node* full = e.name == "entry" ? e.child("fullUrl") : nullptr;
        const Node* res = full ? e.child("resource") : nullptr;
        if (res) entries_by_url_.emplace(full->value, res);
      }
    }
    return entries_by_url_;
  }

  void primitive(const Node& c, const PathFrame& at) {
    if (c.is_xhtml) {
      for (const std::string& problem : check_narrative_xhtml(c.value))
        diags_.error("value", at.render(), problem, problem.find("txt-2") != std::string::npos ? "txt-2" : "txt-1");
      return;
    }
    bool extended = std::any_of(c.children.begin(), c.children.end(), [](const Node& k) { return k.name == "extension"; });
    if (!c.has_value && !extended) {  // an id alone is no content
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
  const Node* root_;  // the resource validated: the Bundle whose entries urn:uuid references name
  StringSet warned_sets_;
  mutable bool entries_indexed_ = false;
  mutable std::unordered_map<std::string_view, const Node*> entries_by_url_;
};

}  // namespace

void validate(const Node& resource, const Schema& schema, Diagnostics& out, const ValidationOptions& opts) {
  Validator v(schema, out, opts, &resource);
  PathFrame root{nullptr, resource.resource_type(), -1};
  v.resource(resource, root);
}

}  // namespace hidewire::fhir
