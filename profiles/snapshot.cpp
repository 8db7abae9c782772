// Compiling a StructureDefinition's differential into its overlay on the R4 base, as the
// snapshot generator merges it: start from the base profile's compiled overlay (or nothing,
// for a base type), then apply each differential element in order to the element its id names,
// creating children and slices on the way. A later constraint narrows an earlier one (min,
// max, types, fixed/pattern, binding replace; invariants add up).
#include <algorithm>
#include <charconv>
#include <map>

#include "profiles/profile_set.hpp"

namespace hidewire::profiles {
namespace {

constexpr std::string_view kBase = "http://hl7.org/fhir/StructureDefinition/";

std::string_view value_of(const fhir::Node& n, std::string_view child) {
  const fhir::Node* c = n.child(child);
  return c && c->has_value ? std::string_view(c->value) : std::string_view();
}

std::optional<std::uint32_t> cardinality(std::string_view v) {
  if (v.empty()) return std::nullopt;
  if (v == "*") return fhir::kUnbounded;
  std::uint32_t out = 0;
  auto [p, ec] = std::from_chars(v.data(), v.data() + v.size(), out);
  if (ec != std::errc() || p != v.data() + v.size()) return std::nullopt;
  return out;
}

fhir::BindingStrength strength(std::string_view s) {
  if (s == "required") return fhir::BindingStrength::Required;
  if (s == "extensible") return fhir::BindingStrength::Extensible;
  if (s == "preferred") return fhir::BindingStrength::Preferred;
  if (s == "example") return fhir::BindingStrength::Example;
  return fhir::BindingStrength::None;
}

Slicing read_slicing(const fhir::Node& s) {
  Slicing out;
  for (const fhir::Node& d : s.children) {
    if (d.name != "discriminator") continue;
    std::string_view t = value_of(d, "type");
    Discriminator disc;
    disc.path = value_of(d, "path");
    disc.type = t == "pattern"   ? DiscriminatorType::Pattern
                : t == "type"    ? DiscriminatorType::Type
                : t == "profile" ? DiscriminatorType::Profile
                : t == "exists"  ? DiscriminatorType::Exists
                                 : DiscriminatorType::Value;
    out.discriminators.push_back(std::move(disc));
  }
  out.ordered = value_of(s, "ordered") == "true";
  std::string_view rules = value_of(s, "rules");
  out.rules = rules == "closed" ? Slicing::Rules::Closed : rules == "openAtEnd" ? Slicing::Rules::OpenAtEnd : Slicing::Rules::Open;
  return out;
}

void apply(ProfileElement& e, const fhir::Node& el) {
  if (auto v = cardinality(value_of(el, "min"))) e.min = v;
  if (auto v = cardinality(value_of(el, "max"))) e.max = v;
  std::vector<ProfileType> types;
  for (const fhir::Node& t : el.children) {
    if (t.name != "type") continue;
    ProfileType pt;
    pt.code = value_of(t, "code");
    for (const fhir::Node& p : t.children) {
      if (p.name == "profile" && p.has_value) pt.profiles.push_back(p.value);
      if (p.name == "targetProfile" && p.has_value) pt.target_profiles.push_back(p.value);
    }
    types.push_back(std::move(pt));
  }
  if (!types.empty()) e.types = std::move(types);
  if (auto v = cardinality(value_of(el, "maxLength")); v && *v != fhir::kUnbounded) e.max_length = v;
  constexpr std::string_view r5 = "http://hl7.org/fhir/5.0/StructureDefinition/extension-ElementDefinition.";
  for (const fhir::Node& x : el.children) {
    if (x.name != "extension") continue;
    std::string_view url = value_of(x, "url");
    if (url == "http://hl7.org/fhir/StructureDefinition/minLength")
      if (auto v = cardinality(value_of(x, "valueInteger")); v && *v != fhir::kUnbounded) e.min_length = v;
    if (url == "http://hl7.org/fhir/StructureDefinition/narrative-language-control") e.narrative_language = value_of(x, "valueCode");
    if (url.starts_with(r5) && url.substr(r5.size()) == "mustHaveValue") e.must_have_value = value_of(x, "valueBoolean") == "true";
    if (url.starts_with(r5) && url.substr(r5.size()) == "valueAlternatives" && !value_of(x, "valueCanonical").empty())
      e.value_alternatives.emplace_back(value_of(x, "valueCanonical"));
  }
  for (const fhir::Node& c : el.children) {
    if (c.name.starts_with("fixed")) e.fixed = &c;
    if (c.name.starts_with("pattern")) e.pattern = &c;
    if (c.name.starts_with("minValue")) e.min_value = &c;
    if (c.name.starts_with("maxValue")) e.max_value = &c;
    if (c.name == "mustSupport") e.must_support = c.value == "true";
    if (c.name == "slicing") e.slicing = read_slicing(c);
    if (c.name == "binding") {
      e.binding = strength(value_of(c, "strength"));
      e.value_set = value_of(c, "valueSet");
      e.value_set = e.value_set.substr(0, e.value_set.find('|'));
    }
    if (c.name == "constraint") {
      ProfileConstraint k{std::string(value_of(c, "key")), std::string(value_of(c, "severity")),
                          std::string(value_of(c, "human")), std::string(value_of(c, "expression"))};
      if (k.expression.empty()) continue;
      auto same = std::find_if(e.constraints.begin(), e.constraints.end(), [&](auto& x) { return x.key == k.key; });
      if (same != e.constraints.end()) *same = std::move(k);
      else e.constraints.push_back(std::move(k));
    }
  }
}

// The element an id names ("Patient.identifier:nhsNumber.system"), made on first mention. A
// slice of a choice named after one of its types ("value[x]:valueQuantity") is that type's
// element, as the specification allows; re-slices ("a/b") are slices of the slice.
ProfileElement* locate(ProfileElement& root, std::string_view id) {
  ProfileElement* cur = &root;
  std::size_t dot = id.find('.');
  if (dot == std::string_view::npos) return cur;
  std::string prefix(id.substr(0, dot));
  std::string_view rest = id.substr(dot + 1);
  while (!rest.empty()) {
    std::size_t next = rest.find('.');
    std::string_view seg = rest.substr(0, next);
    rest = next == std::string_view::npos ? std::string_view() : rest.substr(next + 1);
    prefix += '.';
    prefix += seg;
    std::size_t colon = seg.find(':');
    std::string_view name = seg.substr(0, colon);
    std::string_view slice = colon == std::string_view::npos ? std::string_view() : seg.substr(colon + 1);
    if (!slice.empty() && name.ends_with("[x]") && slice.starts_with(name.substr(0, name.size() - 3))) {
      name = slice;
      slice = {};
    }
    ProfileElement* ch = cur->child(name);
    if (!ch) {
      ProfileElement e;
      e.name = name;
      e.id = prefix.substr(0, prefix.size() - (slice.empty() ? 0 : slice.size() + 1));
      cur->children.push_back(std::move(e));
      ch = &cur->children.back();
    }
    cur = ch;
    while (!slice.empty()) {
      std::size_t slash = slice.find('/');
      std::string_view one = slice.substr(0, slash);
      ProfileElement* sl = cur->slice(one);
      if (!sl) {
        // A slice starts as what was said of the whole element so far (the snapshot copies it
        // into each slice), so its own discriminating values are found under it.
        ProfileElement e = *cur;
        e.slices.clear();
        e.slicing.reset();
        e.min.reset();
        e.max.reset();
        e.name = cur->name;
        e.slice_name = one;
        e.id = prefix;
        cur->slices.push_back(std::move(e));
        sl = &cur->slices.back();
      }
      cur = sl;
      slice = slash == std::string_view::npos ? std::string_view() : slice.substr(slash + 1);
    }
  }
  return cur;
}

// R4 allows element ids to be absent: the path, the slice name and the slices opened by the
// elements before it say the same ("Observation.category.coding" after the slice
// "Observation.category:a" is "Observation.category:a.coding").
std::string id_from_path(const fhir::Node& el, std::map<std::string, std::string>& open_slices) {
  std::string path(value_of(el, "path"));
  std::string_view slice = value_of(el, "sliceName");
  for (auto it = open_slices.begin(); it != open_slices.end();)  // a new element at or above a path closes its slices
    it = it->first.size() >= path.size() && it->first.starts_with(path) ? open_slices.erase(it) : std::next(it);
  if (!slice.empty()) open_slices[path] = slice;
  std::string id;
  for (std::size_t start = 0; start <= path.size();) {
    std::size_t dot = path.find('.', start);
    std::size_t end = dot == std::string::npos ? path.size() : dot;
    id += (start ? "." : "") + path.substr(start, end - start);
    if (auto s = open_slices.find(path.substr(0, end)); s != open_slices.end()) id += ":" + s->second;
    start = end + 1;
  }
  return id;
}

// An extension definition's own rules, kept from its base when it states none.
void extension_rules(const fhir::Node& sd, Profile& p) {
  std::vector<ExtensionContext> contexts;
  std::vector<std::string> invariants;
  for (const fhir::Node& c : sd.children) {
    if (c.name == "context") contexts.push_back({std::string(value_of(c, "type")), std::string(value_of(c, "expression"))});
    if (c.name == "contextInvariant" && c.has_value) invariants.push_back(c.value);
  }
  if (!contexts.empty()) p.contexts = std::move(contexts);
  if (!invariants.empty()) p.context_invariants = std::move(invariants);
  for (const char* part : {"snapshot", "differential"})
    if (const fhir::Node* list = sd.child(part))
      for (const fhir::Node& el : list->children)
        if (el.name == "element" && value_of(el, "path") == "Extension" && !value_of(el, "isModifier").empty())
          p.is_modifier = value_of(el, "isModifier") == "true";
}

}  // namespace

ProfileElement* ProfileElement::child(std::string_view n) {
  for (ProfileElement& c : children)
    if (c.name == n) return &c;
  return nullptr;
}
const ProfileElement* ProfileElement::child(std::string_view n) const {
  for (const ProfileElement& c : children)
    if (c.name == n) return &c;
  return nullptr;
}
ProfileElement* ProfileElement::slice(std::string_view s) {
  for (ProfileElement& c : slices)
    if (c.slice_name == s) return &c;
  return nullptr;
}
const ProfileElement* ProfileElement::slice(std::string_view s) const {
  for (const ProfileElement& c : slices)
    if (c.slice_name == s) return &c;
  return nullptr;
}
bool ProfileElement::empty() const {
  return !min && !max && types.empty() && !fixed && !pattern && !min_value && !max_value && !min_length && !max_length && !must_have_value &&
         value_alternatives.empty() && narrative_language.empty() && binding == fhir::BindingStrength::None &&
         constraints.empty() && !slicing && children.empty() && slices.empty();
}

const Profile* ProfileSet::compile_one(std::string_view url, fhir::Diagnostics& d, int depth) {
  if (auto it = compiled_.find(url); it != compiled_.end()) return it->second.get();
  auto found = sds_.find(url);
  if (found == sds_.end() || depth > 20) return nullptr;
  const fhir::Node& sd = *found->second;
  compiled_.emplace(std::string(url), nullptr);  // a cycle of bases ends here
  if (value_of(sd, "derivation") != "constraint") return nullptr;
  auto p = std::make_unique<Profile>();
  p->url = url;
  p->name = value_of(sd, "name");
  p->version = value_of(sd, "version");
  p->type = value_of(sd, "type");
  p->base_url = value_of(sd, "baseDefinition");
  p->root.id = p->type;
  p->root.name = p->type;
  if (p->base_url != std::string(kBase) + p->type) {
    const Profile* base = compile_one(p->base_url, d, depth + 1);
    if (!base && !core_ && !sds_.count(p->base_url)) base = core_extensions().profile(p->base_url);  // R4's own
    if (base) {
      p->root = base->root;
      p->contexts = base->contexts;
      p->context_invariants = base->context_invariants;
      p->is_modifier = base->is_modifier;
    } else {
      p->problems.push_back("its base " + p->base_url + " is not known: only its own constraints are checked");
    }
  }
  if (!schema_.type(p->type))
    p->problems.push_back("it constrains " + p->type + ", which is not an R4 type");
  extension_rules(sd, *p);
  if (const fhir::Node* diff = sd.child("differential")) {
    std::map<std::string, std::string> open_slices;  // path -> the slice its later children are in
    for (const fhir::Node& el : diff->children) {
      if (el.name != "element") continue;
      std::string id(value_of(el, "id"));
      if (id.empty()) id = id_from_path(el, open_slices);
      if (!id.starts_with(p->type)) {
        p->problems.push_back("element " + id + " is not inside " + p->type);
        continue;
      }
      apply(*locate(p->root, id), el);
    }
  }
  for (const std::string& problem : p->problems)
    d.warning("structure", p->url, "profile " + p->name + " (" + p->url + "): " + problem);
  auto& slot = compiled_[std::string(url)];
  slot = std::move(p);
  return slot.get();
}

}  // namespace hidewire::profiles
