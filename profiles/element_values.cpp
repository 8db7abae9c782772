// Rules on an element's own value beyond its type: its length in characters, and whether
// extensions may stand in for a primitive's value.
#include <algorithm>
#include <cctype>
#include <set>

#include <pugixml.hpp>

#include "profiles/slicing.hpp"

namespace hidewire::profiles {
namespace {

std::string_view value_of(const fhir::Node& n, std::string_view child) {
  const fhir::Node* c = n.child(child);
  return c && c->has_value ? std::string_view(c->value) : std::string_view();
}

}  // namespace

// narrative-language-control (FHIR Extensions Pack, usable on R4): "#no (no language sections),
// #yes (must have language section(s)), and #resource (must have a section for the language in
// Resource.language)", or a language that must have a section; "any value other than no means
// that it must be divided into sections". A section is a child of the narrative's div with lang
// or xml:lang.
void Checker::narrative_language(const fhir::Node& n, const ProfileElement& e, const Profile& p, const std::string& loc,
                                 const fhir::Node* res) {
  const fhir::Node* div = n.child("div");
  pugi::xml_document doc;
  if (!div->has_value || !doc.load_string(div->value.c_str())) return;  // the base validation reports bad XHTML
  std::set<std::string> sections;
  bool loose = false;  // content outside any section
  for (pugi::xml_node c : doc.document_element().children()) {
    if (c.type() == pugi::node_pcdata || c.type() == pugi::node_cdata) {
      std::string_view t = c.value();
      loose |= std::any_of(t.begin(), t.end(), [](unsigned char ch) { return !std::isspace(ch); });
      continue;
    }
    if (c.type() != pugi::node_element) continue;
    std::string lang = c.attribute("xml:lang").value();
    if (lang.empty()) lang = c.attribute("lang").value();
    if (lang.empty()) loose = true;
    else sections.insert(lang);
  }
  const std::string& rule = e.narrative_language;
  std::string at = loc + ".div";
  if (rule == "_no") {
    if (!sections.empty())
      d_.error("business-rule", at, where(p, e) + "the narrative may not have language sections (found " + *sections.begin() + ")",
               "narrative-language");
    return;
  }
  if (sections.empty() || loose) {
    d_.error("business-rule", at, where(p, e) + "the narrative must be divided into language sections (divs with lang)",
             "narrative-language");
    return;
  }
  std::string wanted = rule;
  if (rule == "_resource") wanted = res ? std::string(value_of(*res, "language")) : std::string();
  if (rule != "_yes" && !wanted.empty() && !sections.count(wanted))
    d_.error("business-rule", at, where(p, e) + "the narrative has no section in the language " + wanted, "narrative-language");
}

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
