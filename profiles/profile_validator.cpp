// Walks an instance beside a profile's overlay: an element's own rules (types and their
// profiles, target profiles, fixed/pattern, binding, invariants), then its constrained
// children, each repeated element sorted into its slices by the discriminators.
#include "profiles/profile_validator.hpp"

#include <algorithm>
#include <cctype>
#include <set>

#include "fhirpath/fhirpath.hpp"
#include "profiles/extension_context.hpp"
#include "profiles/match.hpp"
#include "profiles/questionnaire_response.hpp"
#include "profiles/slicing.hpp"

namespace hidewire::profiles {
namespace {

std::string_view value_of(const fhir::Node& n, std::string_view child) {
  const fhir::Node* c = n.child(child);
  return c && c->has_value ? std::string_view(c->value) : std::string_view();
}

std::string strength_name(fhir::BindingStrength s) {
  return s == fhir::BindingStrength::Required ? "required" : s == fhir::BindingStrength::Extensible ? "extensible" : "preferred";
}

}  // namespace

Checker::Checker(const ProfileSet& set, fhir::Diagnostics& d, const ProfileOptions& o, const fhir::Node& root)
    : set_(set), d_(d), o_(o), root_(root) {}

std::string Checker::where(const Profile& p, const ProfileElement& e) const {
  std::string out = "profile " + p.name + " (" + p.url + "), element " + e.id;
  // the innermost slice the element is in: "Patient.identifier:nhsNumber.value" is in nhsNumber
  if (auto colon = e.id.rfind(':'); colon != std::string::npos)
    out += ", slice " + e.id.substr(colon + 1, e.id.find('.', colon) - colon - 1);
  return out + ": ";
}

void Checker::resource(const fhir::Node& n, const Profile& p, const std::string& loc, const fhir::Node* res) {
  if (type_of(n) != p.type && !(p.type == "Resource" || p.type == "DomainResource")) {
    d_.error("structure", loc, "profile " + p.name + " (" + p.url + ") constrains " + p.type + ", not " + type_of(n), "profile");
    return;
  }
  element(n, p.root, p, loc, res ? res : &n);
}

void Checker::element(const fhir::Node& n, const ProfileElement& e, const Profile& p, const std::string& loc,
                      const fhir::Node* res) {
  // %resource of an element's constraints is the resource that contains the element: for
  // Bundle.entry.resource or a contained resource, the Bundle or the container.
  const fhir::Node* container = res ? res : &n;
  if (n.is_resource) res = &n;
  if (e.fixed && !equals_fixed(n, *e.fixed))
    d_.error("value", loc, where(p, e) + "the value must be exactly " + describe(*e.fixed) + ", not " + describe(n), "fixed");
  if (e.pattern && !matches_pattern(n, *e.pattern))
    d_.error("value", loc, where(p, e) + "the value must match the pattern " + describe(*e.pattern) + ", not " + describe(n),
             "pattern");
  if (e.min_value && compare_to_bound(n, *e.min_value) == -1)
    d_.error("value", loc, where(p, e) + "the value " + describe(n) + " is below the minimum " + describe(*e.min_value), "min-value");
  if (e.max_value && compare_to_bound(n, *e.max_value, true) == 1)
    d_.error("value", loc, where(p, e) + "the value " + describe(n) + " is above the maximum " + describe(*e.max_value), "max-value");
  if ((e.min_length || e.max_length) && n.is_primitive && n.has_value) length(n, e, p, loc);
  if ((e.must_have_value || !e.value_alternatives.empty()) && n.is_primitive && !n.has_value) value_replaced(n, e, p, loc);
  if (!e.narrative_language.empty() && n.child("div")) narrative_language(n, e, p, loc, res);
  if (!e.types.empty()) types(n, e, p, loc);
  if (o_.bindings && e.binding != fhir::BindingStrength::None && !e.value_set.empty()) binding(n, e, p, loc);
  if (o_.invariants && !e.constraints.empty()) invariants(n, e, p, loc, container);
  for (const ProfileElement& c : e.children) children(n, c, p, loc, res);
}

void Checker::types(const fhir::Node& n, const ProfileElement& e, const Profile& p, const std::string& loc) {
  std::string t = type_of(n);
  const ProfileType* matched = nullptr;
  std::string allowed;
  for (const ProfileType& pt : e.types) {
    allowed += (allowed.empty() ? "" : ", ") + pt.code;
    const fhir::TypeDef* td = set_.schema().type(t);
    // a backbone element (Parameters.parameter.part, by contentReference too) is a BackboneElement
    bool backbone = (td && td->kind == fhir::TypeKind::Backbone) || (n.type && n.type->kind == fhir::TypeKind::Backbone);
    if (pt.code == t || pt.code == "Resource" || pt.code == "*" || (td && td->derives_from(pt.code)) ||
        (backbone && (pt.code == "BackboneElement" || pt.code == "Element")) ||
        pt.code.starts_with("http://hl7.org/fhirpath/"))
      matched = &pt;
    if (matched) break;
  }
  if (!matched) {
    if (!t.empty()) d_.error("structure", loc, where(p, e) + "type " + t + " is not allowed here (allowed: " + allowed + ")", "type");
    return;
  }
  // Extensions are checked against their own definition by url, wherever they are (extensions()).
  if (!matched->profiles.empty() && matched->code != "Extension") conforms_to_any(n, matched->profiles, p, e, loc);
  if (!matched->target_profiles.empty() && t == "Reference") target(n, *matched, p, e, loc);
}

bool Checker::conforms(const fhir::Node& n, const Profile& q, const std::string& loc, fhir::Diagnostics& into) {
  Checker sub(set_, into, o_, root_);
  sub.resource(n, q, loc, nullptr);
  return !into.has_errors();
}

void Checker::conforms_to_any(const fhir::Node& n, const std::vector<std::string>& urls, const Profile& p,
                              const ProfileElement& e, const std::string& loc) {
  std::vector<fhir::Diagnostics> tries;
  for (const std::string& url : urls) {
    const Profile* q = set_.profile(url);
    if (auto base = q ? std::nullopt : conforms_to_base(n, url, set_.schema())) {
      if (*base) return;  // an R4 base definition: the base validation checks the rest
      if (urls.size() == 1) {
        d_.error("structure", loc, where(p, e) + "a " + type_of(n) + " does not conform to " + url, "profile");
        return;
      }
      continue;
    }
    if (!q) {
      if (urls.size() == 1)
        d_.add(fhir::Severity::Information, "not-supported", loc, where(p, e) + "profile " + url + " is not known here; not checked");
      return;  // an alternative not at hand may be the one it meets
    }
    tries.emplace_back();
    if (conforms(n, *q, loc, tries.back())) {
      d_.append(tries.back());
      return;
    }
  }
  if (tries.size() == 1) {
    d_.append(tries.front());
    return;
  }
  d_.error("structure", loc, where(p, e) + "the value conforms to none of its profiles", "profile");
}

// Reference(UKCore-Patient): the target's type (from the reference or the Bundle entry it
// names) must be one the target profiles constrain; a target in the Bundle is validated too.
void Checker::target(const fhir::Node& n, const ProfileType& t, const Profile& p, const ProfileElement& e,
                     const std::string& loc) {
  const fhir::Node* target = resolve(n, root_);
  std::string found = target ? type_of(*target) : referenced_type(n);
  if (found.empty()) return;
  std::string allowed;
  std::vector<const Profile*> of_type;  // the target profiles for the type found
  for (const std::string& url : t.target_profiles) {
    const Profile* q = set_.profile(url);
    std::string type = q ? q->type : url.substr(url.rfind('/') + 1);
    allowed += (allowed.empty() ? "" : ", ") + url;
    if (type != found && type != "Resource") continue;
    if (!q || !target) return;  // a base definition, or a target outside the instance: the type is all we know
    of_type.push_back(q);
  }
  if (of_type.empty()) {
    d_.error("structure", loc, where(p, e) + "the reference points at a " + found + ", which none of its targets allows (" +
                                   allowed + ")", "targetProfile");
    return;
  }
  // A target in the instance (a Bundle entry, a contained resource) must conform to one of them;
  // a chain of references is followed a few steps, and a loop once.
  static thread_local int depth = 0;
  if (depth >= 4) return;
  ++depth;
  bool conforming = false;
  for (const Profile* q : of_type) {
    fhir::Diagnostics scratch;
    if ((conforming = conforms(*target, *q, loc, scratch))) break;
  }
  --depth;
  if (!conforming)
    d_.error("structure", loc, where(p, e) + "the " + found + " the reference points at does not conform to " + allowed,
             "targetProfile");
}

void Checker::binding(const fhir::Node& n, const ProfileElement& e, const Profile& p, const std::string& loc) {
  std::string t = type_of(n);
  std::vector<std::pair<std::string, std::string>> codes;  // system, code
  if (n.is_primitive) {
    if (!n.has_value) return;
    codes.emplace_back("", n.value);
  } else if (t == "Coding" || t == "Quantity") {
    if (value_of(n, "code").empty()) return;
    codes.emplace_back(value_of(n, "system"), value_of(n, "code"));
  } else if (t == "CodeableConcept") {
    for (const fhir::Node& c : n.children)
      if (c.name == "coding" && !value_of(c, "code").empty()) codes.emplace_back(value_of(c, "system"), value_of(c, "code"));
  } else {
    return;
  }
  if (codes.empty()) return;
  const Expansion* vs = set_.expansion(e.value_set);
  if (!vs) {
    if (e.binding >= fhir::BindingStrength::Extensible && unknown_sets_.insert(e.value_set).second)
      d_.add(fhir::Severity::Information, "not-supported", loc, where(p, e) + "value set " + e.value_set + " is not known here; binding not checked");
    return;
  }
  std::string unchecked;
  for (const auto& [system, code] : codes) {
    if (system.empty() ? vs->codes.count(code) > 0 : vs->system_codes.count(system + "|" + code) > 0) return;
    if (!vs->complete)  // the code may be among those not expanded here
      unchecked = system.empty() ? code : system + "|" + code;
  }
  if (!unchecked.empty()) {
    d_.add(fhir::Severity::Information, "not-supported", loc,
           where(p, e) + "the code " + unchecked + " was not checked: value set " + vs->name + " (" + e.value_set +
               ") needs codes that cannot be expanded here" + (vs->unexpanded.empty() ? "" : " (" + *vs->unexpanded.begin() + ")"),
           "binding");
    return;
  }
  if (e.binding == fhir::BindingStrength::Required || e.binding == fhir::BindingStrength::Extensible) {
    std::string what = codes.size() == 1 ? "the code " + (codes[0].first.empty() ? "" : codes[0].first + "|") + codes[0].second + " is"
                                         : "none of the codes is";
    std::string msg = where(p, e) + what + " not in the " + strength_name(e.binding) + " value set " + vs->name + " (" +
                      e.value_set + ")";
    if (e.binding == fhir::BindingStrength::Required) d_.error("code-invalid", loc, msg, "binding");
    else d_.warning("code-invalid", loc, msg, "binding");
  }
}

void Checker::invariants(const fhir::Node& n, const ProfileElement& e, const Profile& p, const std::string& loc,
                         const fhir::Node* res) {
  static fhirpath::ExpressionCache cache;
  for (const ProfileConstraint& c : e.constraints) {
    try {
      fhirpath::EvalContext ctx;
      ctx.schema = &set_.schema();
      ctx.resource = res;
      ctx.root_resource = &root_;
      ctx.focus = &n;
      ctx.collection_as = true;
      ctx.member_of = [this](std::string_view url, std::string_view system, std::string_view code) -> std::optional<bool> {
        const Expansion* vs = set_.expansion(url);
        if (!vs) return std::nullopt;
        bool in = system.empty() ? vs->codes.count(code) > 0 : vs->system_codes.count(std::string(system) + "|" + std::string(code)) > 0;
        if (!in && !vs->complete) return std::nullopt;  // perhaps among the codes not expanded here
        return in;
      };
      if (fhirpath::as_boolean(cache.get(c.expression)->evaluate(ctx)) == false) {
        fhir::Severity sev = c.severity == "error" ? fhir::Severity::Error : fhir::Severity::Warning;
        d_.add(sev, "invariant", loc, where(p, e) + "constraint failed: " + c.key + ": " + c.human + " (" + c.expression + ")", c.key);
      }
    } catch (const std::exception& ex) {
      if (unevaluable_.insert(c.key).second)
        d_.warning("not-supported", loc, where(p, e) + "invariant " + c.key + " could not be evaluated: " + ex.what(), c.key);
    }
  }
}

void Checker::children(const fhir::Node& n, const ProfileElement& c, const Profile& p, const std::string& loc,
                       const fhir::Node* res) {
  std::vector<const fhir::Node*> items;
  std::vector<std::string> locs;
  std::string_view last;
  int index = 0;
  for (const fhir::Node& k : n.children) {
    index = k.name == last ? index + 1 : 0;
    last = k.name;
    if (!name_matches(k.name, c.name)) continue;
    items.push_back(&k);
    bool repeats = k.def ? k.def->is_array() : c.max.value_or(1) > 1;
    locs.push_back(loc + "." + k.name + (repeats ? "[" + std::to_string(index) + "]" : ""));
  }
  std::uint32_t count = static_cast<std::uint32_t>(items.size());
  if (c.min && count < *c.min)
    d_.error("required", loc + "." + c.name, where(p, c) + "minimum required = " + std::to_string(*c.min) + ", but only found " +
                                                 std::to_string(count), "cardinality");
  if (c.max && count > *c.max)
    d_.error("structure", loc + "." + c.name, where(p, c) + "maximum allowed = " + std::to_string(*c.max) + ", but found " +
                                                  std::to_string(count), "cardinality");
  if (o_.must_support && c.must_support && count == 0)
    d_.add(fhir::Severity::Information, "informational", loc + "." + c.name, where(p, c) + "must-support element is absent", "must-support");
  std::vector<const ProfileElement*> slice_of(items.size(), nullptr);
  if (!c.slices.empty()) slice_of = assign_slices(items, locs, c, p, loc);
  for (std::size_t i = 0; i < items.size(); ++i) {
    // a slice holds a copy of the whole element's rules, so an item in one is checked once
    element(*items[i], slice_of[i] ? *slice_of[i] : c, p, locs[i], res);
  }
}

// Extensions anywhere in the instance whose url is a known extension definition are checked
// against it, and against where it may be used; relative urls (a complex extension's parts) are
// left to their parent's definition.
void Checker::extensions(const fhir::Node& n, const std::string& loc) {
  std::vector<const fhir::Node*> chain;
  extensions(n, loc, chain);
}

void Checker::extensions(const fhir::Node& n, const std::string& loc, std::vector<const fhir::Node*>& chain) {
  chain.push_back(&n);
  std::string_view last;
  int index = 0;
  for (const fhir::Node& k : n.children) {
    index = k.name == last ? index + 1 : 0;
    last = k.name;
    std::string at = loc + "." + k.name + (k.def && k.def->is_array() ? "[" + std::to_string(index) + "]" : "");
    if (k.is_resource && k.name != "resource") at = loc + "." + k.name;
    if (k.name == "extension" || k.name == "modifierExtension") {
      std::string_view url = value_of(k, "url");
      if (url.find("://") != std::string_view::npos) {
        if (const Profile* q = set_.profile(url)) {
          check_extension_use(k, chain, *q, set_.schema(), at, d_);
          resource(k, *q, at, nullptr);
          check_sub_extensions(k, *q, at, d_);
        } else {
          unknown_extension(url, at);
        }
      }
    }
    extensions(k, at, chain);
  }
  chain.pop_back();
}

namespace {

// The extensions FHIR itself defines: the specification's, its tools' and the cross-version
// ones (http://hl7.org/fhir/3.0/StructureDefinition/...); not those of implementation guides
// published under hl7.org/fhir (uv/, us/...).
bool hl7_own_extension(std::string_view url) {
  constexpr std::string_view base = "http://hl7.org/fhir/";
  if (!url.starts_with(base)) return false;
  std::string_view rest = url.substr(base.size());
  if (rest.starts_with("StructureDefinition/") || rest.starts_with("tools/StructureDefinition/")) return true;
  auto slash = rest.find('/');
  std::string_view version = rest.substr(0, slash);
  return slash != std::string_view::npos && !version.empty() && std::isdigit(static_cast<unsigned char>(version[0])) &&
         version.find('.') != std::string_view::npos && rest.substr(slash + 1).starts_with("StructureDefinition/");
}

}  // namespace

void Checker::unknown_extension(std::string_view url, const std::string& at) {
  bool core = hl7_own_extension(url);
  bool example = o_.allow_example_urls && (url.find("example.org") != std::string_view::npos || url.find("acme.com") != std::string_view::npos);
  if (o_.unknown_extensions == fhir::Severity::Information || core || example || url.find("nema.org") != std::string_view::npos) {
    if (unknown_extensions_.insert(std::string(url)).second)
      d_.add(fhir::Severity::Information, "not-supported", at, "extension " + std::string(url) + " is not known here; not checked");
    return;
  }
  d_.add(o_.unknown_extensions, "structure", at,
         "the extension " + std::string(url) + " is not known here (load its definition with --ig), so it is not allowed",
         "extension-unknown");
}

namespace {

// Calls f(child, its location) for each complex child of `n`.
template <typename F>
void complex_children(const fhir::Node& n, const std::string& loc, F&& f) {
  std::string_view last;
  int index = 0;
  for (const fhir::Node& k : n.children) {
    index = k.name == last ? index + 1 : 0;
    last = k.name;
    if (!k.is_primitive) f(k, loc + "." + k.name + (k.def && k.def->is_array() ? "[" + std::to_string(index) + "]" : ""));
  }
}

// Every QuestionnaireResponse in the instance (Bundle entries and contained ones too) whose
// Questionnaire is at hand is checked against it.
void responses(const fhir::Node& n, const std::string& loc, const ProfileSet& set, fhir::Diagnostics& out) {
  if (n.is_resource && n.resource_type() == "QuestionnaireResponse")
    if (const fhir::Node* q = n.child("questionnaire"); q && q->has_value)
      if (const fhir::Node* questionnaire = set.questionnaire(q->value)) check_questionnaire_response(n, *questionnaire, loc, out);
  complex_children(n, loc, [&](const fhir::Node& k, const std::string& at) { responses(k, at, set, out); });
}

}  // namespace

void validate_profiles(const fhir::Node& resource, const std::vector<std::string>& urls, const ProfileSet& set,
                       fhir::Diagnostics& out, const ProfileOptions& opts) {
  Checker ch(set, out, opts, resource);
  std::string root(resource.resource_type());
  for (const std::string& url : urls) {
    if (const Profile* p = set.profile(url)) ch.resource(resource, *p, root, nullptr);
    else out.error("not-found", root, "profile " + url + " is not known (load it with --ig)", "profile");
  }
  if (opts.meta_profiles) ch.meta_profiles(resource, root, urls);
  ch.extensions(resource, root);
  responses(resource, root, set, out);
}

void Checker::meta_profiles(const fhir::Node& n, const std::string& loc, const std::vector<std::string>& done) {
  if (n.is_resource)
    if (const fhir::Node* meta = n.child("meta"))
      for (const fhir::Node& mp : meta->children) {
        if (mp.name != "profile" || !mp.has_value) continue;
        if (&n == &root_ && std::find(done.begin(), done.end(), mp.value) != done.end()) continue;
        if (const Profile* p = set_.profile(mp.value)) resource(n, *p, loc, nullptr);
        else d_.warning("not-supported", loc + ".meta.profile", "profile " + mp.value + " is not known here; not checked", "profile");
      }
  complex_children(n, loc, [&](const fhir::Node& k, const std::string& at) { meta_profiles(k, at, done); });
}

}  // namespace hidewire::profiles
