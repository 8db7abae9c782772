#include "plugins/converters/cda/cda_maps.hpp"

#include <rapidjson/document.h>

#include "plugins/common/map_json.hpp"

extern "C" const char hw_cda_map_json[];

namespace hidewire::plugins::cda {
namespace {

using V = rapidjson::Value;

const V& member(const V& o, const char* key, const std::string& at) { return map_member<MapError>(o, key, at); }

std::string text(const V& o, const char* key, const std::string& at, bool required = false) {
  return map_string<MapError>(o, key, at, required);
}

template <class F>
void each(const V& o, const char* key, const std::string& at, F f) {
  const V& m = member(o, key, at);
  if (!m.IsObject()) throw MapError(at + "." + key + ": expected an object");
  for (auto it = m.MemberBegin(); it != m.MemberEnd(); ++it) f(std::string(it->name.GetString()), it->value, at + "." + key + "." + it->name.GetString());
}

void strings(const V& o, const char* key, const std::string& at, std::unordered_map<std::string, std::string>& out) {
  each(o, key, at, [&](const std::string& k, const V& v, const std::string& p) {
    if (!v.IsString()) throw MapError(p + ": expected a string");
    out[k] = v.GetString();
  });
}

SectionRule section_rule(const V& v, const std::string& at, bool titled, const std::string& system) {
  if (!v.IsObject()) throw MapError(at + ": expected an object");
  SectionRule r;
  r.kind = titled ? "narrative" : text(v, "kind", at, true);
  if (r.kind != "narrative" && r.kind != "coded") throw MapError(at + ".kind: 'narrative' or 'coded', not '" + r.kind + "'");
  r.resource = text(v, "resource", at, r.kind == "coded");
  r.code.code = text(v, "code", at, titled);
  r.code.display = text(v, "display", at);
  r.category = text(v, "category", at);
  if (!r.code.code.empty()) r.code.system = system;
  static const std::set<std::string> kinds{"Condition", "MedicationStatement", "AllergyIntolerance", "Observation"};
  if (r.kind == "coded" && !kinds.count(r.resource)) throw MapError(at + ".resource: '" + r.resource + "' is not a kind the converter makes");
  return r;
}

}  // namespace

std::string Maps::code_system(const std::string& oid) const {
  auto it = code_systems.find(oid);
  return it != code_systems.end() ? it->second : "urn:oid:" + oid;
}

std::string Maps::identifier_system(const std::string& root) const {
  auto it = identifier_systems.find(root);
  if (it != identifier_systems.end()) return it->second;
  bool uuid = root.size() == 36 && root[8] == '-' && root[13] == '-';
  return uuid ? "urn:ietf:rfc:3986" : "urn:oid:" + root;
}

Maps Maps::load(const char* json, const std::string& source) {
  rapidjson::Document doc;
  doc.Parse(json);
  if (doc.HasParseError() || !doc.IsObject()) throw MapError(source + ": not a JSON object");
  const std::string at = source + ": $";
  Maps m;
  strings(doc, "code_systems", at, m.code_systems);
  strings(doc, "identifier_systems", at, m.identifier_systems);
  strings(doc, "gender", at, m.gender);
  strings(doc, "confidentiality", at, m.confidentiality);
  each(doc, "nhs_number", at, [&](const std::string& k, const V& v, const std::string& p) {
    if (!v.IsObject()) throw MapError(p + ": expected an object");
    m.nhs_number[k] = Coding{"https://fhir.hl7.org.uk/CodeSystem/UKCore-NHSNumberVerificationStatusEngland", text(v, "code", p, true),
                             text(v, "display", p, true)};
  });
  std::string headings = text(doc, "section_code_system", at, true);
  each(doc, "sections", at, [&](const std::string& k, const V& v, const std::string& p) { m.sections[k] = section_rule(v, p, false, headings); });
  each(doc, "section_titles", at, [&](const std::string& k, const V& v, const std::string& p) { m.section_titles[k] = section_rule(v, p, true, headings); });
  const V& cls = member(doc, "encounter_class", at);
  if (!cls.IsObject()) throw MapError(at + ".encounter_class: expected an object");
  m.encounter_class = Coding{text(cls, "system", at + ".encounter_class", true), text(cls, "code", at + ".encounter_class", true),
                             text(cls, "display", at + ".encounter_class")};
  const V& ig = member(doc, "ignore", at);
  if (!ig.IsArray()) throw MapError(at + ".ignore: expected an array");
  for (const V& v : ig.GetArray()) {
    if (!v.IsString()) throw MapError(at + ".ignore: expected strings");
    m.ignore.insert(v.GetString());
  }
  return m;
}

const Maps& Maps::builtin() {
  static const Maps m = load(hw_cda_map_json, "mapping/cda/cda_map.json");
  return m;
}

}  // namespace hidewire::plugins::cda
