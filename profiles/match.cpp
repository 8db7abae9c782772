#include "profiles/match.hpp"

#include <cctype>

#include "fhir/schema.hpp"

namespace hidewire::profiles {

bool equals_fixed(const fhir::Node& a, const fhir::Node& f) {
  if (a.has_value != f.has_value || (f.has_value && a.value != f.value)) return false;
  if (a.children.size() != f.children.size()) return false;
  for (std::size_t i = 0; i < f.children.size(); ++i)
    if (a.children[i].name != f.children[i].name || !equals_fixed(a.children[i], f.children[i])) return false;
  return true;
}

bool matches_pattern(const fhir::Node& a, const fhir::Node& p) {
  if (p.has_value && (!a.has_value || a.value != p.value)) return false;
  for (const fhir::Node& pc : p.children) {
    bool found = false;
    for (const fhir::Node& ac : a.children)
      if (ac.name == pc.name && matches_pattern(ac, pc)) {
        found = true;
        break;
      }
    if (!found) return false;
  }
  return true;
}

std::string describe(const fhir::Node& v) {
  if (v.has_value && v.children.empty()) return v.value;
  std::string out = "{";
  for (const fhir::Node& c : v.children) {
    if (out.size() > 1) out += ", ";
    out += c.name + ": " + describe(c);
  }
  return out + "}";
}

bool name_matches(std::string_view n, std::string_view def) {
  if (!def.ends_with("[x]")) return n == def;
  std::string_view base = def.substr(0, def.size() - 3);
  return n.size() > base.size() && n.starts_with(base) && std::isupper(static_cast<unsigned char>(n[base.size()]));
}

std::string type_of(const fhir::Node& n) {
  if (n.is_resource) return std::string(n.resource_type());
  return n.type ? n.type->name : std::string();
}

}  // namespace hidewire::profiles
