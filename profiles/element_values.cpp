// Rules on an element's own value beyond its type: its length in characters, and whether
// extensions may stand in for a primitive's value.
#include <algorithm>

#include "profiles/slicing.hpp"

namespace hidewire::profiles {
namespace {

std::string_view value_of(const fhir::Node& n, std::string_view child) {
  const fhir::Node* c = n.child(child);
  return c && c->has_value ? std::string_view(c->value) : std::string_view();
}

}  // namespace

// R4 ElementDefinition.maxLength ("the maximum length in characters") and the minLength
// extension ("the minimum number of characters"): characters are code points, not bytes.
void Checker::length(const fhir::Node& n, const ProfileElement& e, const Profile& p, const std::string& loc) {
  std::uint32_t chars = 0;
  for (unsigned char c : n.value) chars += (c & 0xC0) != 0x80;
  if (e.min_length && chars < *e.min_length)
    d_.error("value", loc, where(p, e) + "the value has " + std::to_string(chars) + " characters, fewer than the minimum length " +
                               std::to_string(*e.min_length), "min-length");
  if (e.max_length && chars > *e.max_length)
    d_.error("value", loc, where(p, e) + "the value has " + std::to_string(chars) + " characters, more than the maximum length " +
                               std::to_string(*e.max_length), "max-length");
}

// A primitive whose value is replaced by extensions (data-absent-reason...): R5's
// ElementDefinition.mustHaveValue forbids it, valueAlternatives names the extensions allowed.
void Checker::value_replaced(const fhir::Node& n, const ProfileElement& e, const Profile& p, const std::string& loc) {
  if (e.must_have_value) {
    d_.error("required", loc, where(p, e) + "the element must have a value; extensions may not stand in for it", "must-have-value");
    return;
  }
  for (const fhir::Node& x : n.children) {
    std::string_view url = value_of(x, "url");
    if (x.name == "extension" && std::find(e.value_alternatives.begin(), e.value_alternatives.end(), url) == e.value_alternatives.end())
      d_.error("structure", loc, where(p, e) + "the extension " + std::string(url) + " may not stand in for the value (allowed: " +
                                     e.value_alternatives.front() + (e.value_alternatives.size() > 1 ? "..." : "") + ")",
               "value-alternatives");
  }
}

}  // namespace hidewire::profiles
