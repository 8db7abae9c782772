// The CDA body into Composition.section: every section's narrative is kept as section.text
// (never dropped); a section whose template the map names as coded also has its entries made
// into resources (Condition, MedicationStatement, AllergyIntolerance, Observation), referenced
// from section.entry. A section of an unknown template is carried as narrative, with a warning,
// and its entries are reported unmapped.
#include <algorithm>

#include "fhir/json_numbers.hpp"
#include "plugins/converters/cda/cda_context.hpp"

namespace hidewire::plugins::cda {
namespace {

using Write = fhir::build::Write;
constexpr const char* kNhsTemplateRoot = "2.16.840.1.113883.2.1.3.2.4.18.2";

J resource(Ctx& c, const char* type) {
  J r(rapidjson::kObjectType);
  r.AddMember("resourceType", J(type, c.a()), c.a());
  return r;
}

J concept_of(Ctx& c, const Coding& coding) {
  J cc(rapidjson::kObjectType), list(rapidjson::kArrayType);
  list.PushBack(c.coding(coding), c.a());
  cc.AddMember("coding", list, c.a());
  return cc;
}

J concept_of(Ctx& c, const char* system, const char* code) { return concept_of(c, Coding{system, code, ""}); }

bool has_code(Xml cd) { return cd && (!attr(cd, "code").empty() || child(cd, "originalText")); }

// The xsi:type of a value (PQ, CD...), whatever the prefix.
std::string xsi_type(Xml n) {
  for (pugi::xml_attribute a : n.attributes())
    if (local_name(a.name()) == "type" && std::string_view(a.name()).find(':') != std::string_view::npos) {
      std::string v = a.value();
      std::size_t colon = v.find(':');
      return colon == std::string::npos ? v : v.substr(colon + 1);
    }
  return {};
}

void link(Ctx& c, J& res, const char* subject, const char* encounter) {
  res.AddMember(J(subject, c.a()), c.ref(c.patient), c.a());
  if (c.encounter >= 0 && encounter) res.AddMember(J(encounter, c.a()), c.ref(c.encounter), c.a());
}

void add_ids(Ctx& c, Xml stmt, J& res, const std::string& key) {
  J ids(rapidjson::kArrayType);
  ids.PushBack(c.record_identifier(key), c.a());
  for (Xml id : children(stmt, "id"))
    if (J i = c.identifier(id); !i.IsNull()) ids.PushBack(i, c.a());
  res.AddMember("identifier", ids, c.a());
}

// effectiveTime: its value, or its low (and high): the times of the statement.
std::pair<std::string, std::string> times(Ctx& c, Xml stmt) {
  Xml t = c.read(stmt, "effectiveTime");
  if (!t) return {};
  std::string low = c.time(child(t, "low")), high = c.time(child(t, "high"));
  if (low.empty() && high.empty()) low = c.time(t);
  return {low, high};
}

int observation(Ctx& c, Xml obs, const SectionRule& rule, const std::string& key) {
  J o = resource(c, "Observation");
  add_ids(c, obs, o, key);
  c.read(obs, "statusCode");
  o.AddMember("status", "final", c.a());
  if (!rule.category.empty()) {
    J cats(rapidjson::kArrayType);
    cats.PushBack(concept_of(c, "http://terminology.hl7.org/CodeSystem/observation-category", rule.category.c_str()), c.a());
    o.AddMember("category", cats, c.a());
  }
  o.AddMember("code", c.codeable(child(obs, "code")), c.a());
  link(c, o, "subject", "encounter");
  if (auto [low, high] = times(c, obs); !low.empty()) o.AddMember("effectiveDateTime", c.str(low), c.a());
  if (Xml v = child(obs, "value")) {
    std::string type = xsi_type(v);
    if (type == "PQ" || type == "INT") {
      std::string num = attr(v, "value"), unit = attr(v, "unit");
      if (!fhir::json::is_number_text(num)) {
        c.d.error("value", location(v), "'" + num + "' is not a number");
        return -1;
      }
      c.read(v);
      J q(rapidjson::kObjectType);
      q.AddMember("value", c.str(std::string(fhir::json::kRawNumber) + num), c.a());
      if (!unit.empty() && unit != "1") {
        q.AddMember("unit", c.str(unit), c.a());
        q.AddMember("system", "http://unitsofmeasure.org", c.a());
        q.AddMember("code", c.str(unit), c.a());
      }
      o.AddMember("valueQuantity", q, c.a());
    } else if (type == "CD" || type == "CE" || type == "CV" || type == "CO") {
      o.AddMember("valueCodeableConcept", c.codeable(v), c.a());
    } else if (type == "ST" || type == "ED") {
      o.AddMember("valueString", c.str(text_of(c.read(v))), c.a());
    }  // another type is not read: reported unmapped
  }
  return c.add("Observation", std::move(o), Write::Upsert);
}

// The problem or allergy observation of a statement: itself, or inside a concern act.
Xml inner_observation(Ctx& c, Xml stmt) {
  if (local_name(stmt.name()) != "act") return stmt;
  Xml rel = c.read(stmt, "entryRelationship");
  return c.read(rel, "observation");
}

int condition(Ctx& c, Xml stmt, const std::string& key) {
  Xml obs = inner_observation(c, stmt);
  if (!obs) return -1;
  // A concern act (C-CDA) wraps the problem: its code (CONC) and status say only that.
  if (obs != stmt) c.read(stmt, "code"), c.read(stmt, "statusCode");
  Xml code = child(obs, "value");
  if (!has_code(code) || xsi_type(code).rfind('C', 0) != 0) code = child(obs, "code");
  else c.read(obs, "code");  // the kind of statement (a problem): the value is the problem
  J r = resource(c, "Condition");
  add_ids(c, obs, r, key);
  if (obs != stmt)
    for (Xml id : children(stmt, "id"))
      if (J i = c.identifier(id); !i.IsNull()) r["identifier"].PushBack(i, c.a());
  auto [low, high] = times(c, obs);
  r.AddMember("clinicalStatus", concept_of(c, "http://terminology.hl7.org/CodeSystem/condition-clinical", high.empty() ? "active" : "resolved"), c.a());
  r.AddMember("verificationStatus", concept_of(c, "http://terminology.hl7.org/CodeSystem/condition-ver-status", "confirmed"), c.a());
  J cats(rapidjson::kArrayType);
  cats.PushBack(concept_of(c, "http://terminology.hl7.org/CodeSystem/condition-category", "problem-list-item"), c.a());
  r.AddMember("category", cats, c.a());
  r.AddMember("code", c.codeable(code), c.a());
  link(c, r, "subject", "encounter");
  c.read(obs, "statusCode");
  if (!low.empty()) r.AddMember("onsetDateTime", c.str(low), c.a());
  if (!high.empty()) r.AddMember("abatementDateTime", c.str(high), c.a());
  return c.add("Condition", std::move(r), Write::Upsert);
}

int allergy(Ctx& c, Xml stmt, const std::string& key) {
  Xml obs = inner_observation(c, stmt);
  if (!obs) return -1;
  Xml agent = child(child(child(obs, "participant"), "participantRole"), "playingEntity");
  Xml code = child(agent, "code");
  if (has_code(code)) c.read(c.read(c.read(obs, "participant"), "participantRole"), "playingEntity");
  else code = child(obs, "value");
  c.read(obs, "code");  // the kind of reaction (an allergy to a substance)
  J r = resource(c, "AllergyIntolerance");
  add_ids(c, obs, r, key);
  r.AddMember("clinicalStatus", concept_of(c, "http://terminology.hl7.org/CodeSystem/allergyintolerance-clinical", "active"), c.a());
  r.AddMember("verificationStatus", concept_of(c, "http://terminology.hl7.org/CodeSystem/allergyintolerance-verification", "confirmed"), c.a());
  r.AddMember("code", c.codeable(code), c.a());
  link(c, r, "patient", "encounter");
  c.read(obs, "statusCode");
  if (auto [low, high] = times(c, obs); !low.empty()) r.AddMember("onsetDateTime", c.str(low), c.a());
  J reactions(rapidjson::kArrayType);
  for (Xml rel : children(obs, "entryRelationship")) {
    Xml m = child(rel, "observation");
    if (attr(rel, "typeCode") != "MFST" || !has_code(child(m, "value"))) continue;
    c.read(c.read(rel), "observation");
    c.read(m, "code");
    J reaction(rapidjson::kObjectType), man(rapidjson::kArrayType);
    man.PushBack(c.codeable(child(m, "value")), c.a());
    reaction.AddMember("manifestation", man, c.a());
    reactions.PushBack(reaction, c.a());
  }
  if (!reactions.Empty()) r.AddMember("reaction", reactions, c.a());
  return c.add("AllergyIntolerance", std::move(r), Write::Upsert);
}

int medication(Ctx& c, Xml sa, const std::string& key) {
  Xml material = child(child(child(sa, "consumable"), "manufacturedProduct"), "manufacturedMaterial");
  if (!has_code(child(material, "code"))) return -1;
  c.read(c.read(c.read(sa, "consumable"), "manufacturedProduct"), "manufacturedMaterial");
  J m = resource(c, "MedicationStatement");
  add_ids(c, sa, m, key);
  std::string status = attr(c.read(sa, "statusCode"), "code");
  m.AddMember("status", J(status == "completed" ? "completed" : "active", c.a()), c.a());
  m.AddMember("medicationCodeableConcept", c.codeable(child(material, "code")), c.a());
  link(c, m, "subject", "context");
  auto [low, high] = times(c, sa);
  if (!low.empty() || !high.empty()) {
    J p(rapidjson::kObjectType);
    if (!low.empty()) p.AddMember("start", c.str(low), c.a());
    if (!high.empty()) p.AddMember("end", c.str(high), c.a());
    m.AddMember("effectivePeriod", p, c.a());
  }
  J dose(rapidjson::kObjectType);
  if (std::string t = text_of(c.read(sa, "text")); !t.empty()) dose.AddMember("text", c.str(t), c.a());
  if (Xml route = child(sa, "routeCode")) dose.AddMember("route", c.codeable(route), c.a());
  if (Xml q = child(sa, "doseQuantity"); q && fhir::json::is_number_text(attr(q, "value"))) {
    c.read(q);
    J qty(rapidjson::kObjectType), dr(rapidjson::kObjectType), drs(rapidjson::kArrayType);
    qty.AddMember("value", c.str(std::string(fhir::json::kRawNumber) + attr(q, "value")), c.a());
    if (std::string u = attr(q, "unit"); !u.empty() && u != "1") {
      qty.AddMember("unit", c.str(u), c.a());
      qty.AddMember("system", "http://unitsofmeasure.org", c.a());
      qty.AddMember("code", c.str(u), c.a());
    }
    dr.AddMember("doseQuantity", qty, c.a());
    drs.PushBack(dr, c.a());
    dose.AddMember("doseAndRate", drs, c.a());
  }
  if (dose.MemberCount()) {
    J list(rapidjson::kArrayType);
    list.PushBack(dose, c.a());
    m.AddMember("dosage", list, c.a());
  }
  return c.add("MedicationStatement", std::move(m), Write::Upsert);
}

// The resources of one entry (an organizer's components each their own Observation).
void entry_resources(Ctx& c, Xml entry, const SectionRule& rule, const std::string& key, std::vector<int>& out) {
  Xml stmt;
  for (Xml k = entry.first_child(); k && !stmt; k = k.next_sibling())
    if (k.type() == pugi::node_element && local_name(k.name()) != "templateId") stmt = k;
  std::string kind(stmt ? local_name(stmt.name()) : "");
  int made = -1;
  if (rule.resource == "Observation" && kind == "organizer") {
    std::size_t n = 0;
    for (Xml comp : children(stmt, "component")) {
      Xml o = child(comp, "observation");
      if (o && has_code(child(o, "code")) && (made = observation(c, o, rule, key + "/" + std::to_string(++n))) >= 0) {
        c.read(comp), c.read(o), out.push_back(made);
      }
    }
    if (!out.empty()) c.read(entry), c.read(stmt), c.read(stmt, "code"), c.read(stmt, "statusCode"), c.read(stmt, "effectiveTime");
    return;
  }
  if (rule.resource == "Observation" && kind == "observation" && has_code(child(stmt, "code"))) made = observation(c, stmt, rule, key);
  else if (rule.resource == "Condition" && (kind == "observation" || kind == "act")) made = condition(c, stmt, key);
  else if (rule.resource == "AllergyIntolerance" && (kind == "observation" || kind == "act")) made = allergy(c, stmt, key);
  else if (rule.resource == "MedicationStatement" && kind == "substanceAdministration") made = medication(c, stmt, key);
  if (made < 0) {
    c.d.warning("not-supported", location(entry), "an entry that is not a coded " + rule.resource + ": not converted (the section's narrative keeps it)");
    return;
  }
  c.read(entry), c.read(stmt);
  out.push_back(made);
}

const SectionRule* rule_for(Ctx& c, Xml s, std::string& unknown) {
  for (Xml t : children(s, "templateId")) {
    std::string root = attr(t, "root"), ext = attr(t, "extension");
    // NHS CDA template extensions name the class after '#' (COCD_TP146246GB01#Section1).
    std::string key = root == kNhsTemplateRoot ? ext.substr(0, ext.find('#')) : root;
    if (auto it = c.maps.sections.find(key); it != c.maps.sections.end()) return &it->second;
    if (unknown.empty()) unknown = key;
  }
  return nullptr;
}

J section(Ctx& c, Xml s, const std::string& key) {
  c.read(s);
  J out(rapidjson::kObjectType);
  std::string title = text_of(c.read(s, "title")), unknown;
  const SectionRule* rule = rule_for(c, s, unknown);
  if (!rule && !unknown.empty())
    c.d.warning("not-supported", location(s), "section template '" + unknown + "' is not in the CDA map: carried as narrative", "unknown-template");
  if (!title.empty()) out.AddMember("title", c.str(title), c.a());
  std::string lower = title;
  std::transform(lower.begin(), lower.end(), lower.begin(), [](unsigned char ch) { return static_cast<char>(std::tolower(ch)); });
  auto titled = c.maps.section_titles.find(lower);
  if (Xml code = child(s, "code"); has_code(code)) out.AddMember("code", c.codeable(code), c.a());
  else if (rule && !rule->code.code.empty()) out.AddMember("code", concept_of(c, rule->code), c.a());
  else if (titled != c.maps.section_titles.end()) out.AddMember("code", concept_of(c, titled->second.code), c.a());
  if (Xml text = child(s, "text")) {
    c.seen.mark_all(text);
    if (std::string div = narrative_xhtml(text); !div.empty()) {
      J n(rapidjson::kObjectType);
      n.AddMember("status", "additional", c.a());
      n.AddMember("div", c.str(div), c.a());
      out.AddMember("text", n, c.a());
    }
  }
  std::vector<int> made;
  std::vector<Xml> entries = children(s, "entry");
  if (rule && rule->kind == "coded")
    for (std::size_t n = 0; n < entries.size(); ++n) entry_resources(c, entries[n], *rule, key + "/entry/" + std::to_string(n + 1), made);
  else if (!entries.empty())
    c.d.warning("not-supported", location(s), "the entries of a narrative or unknown section are not converted: its narrative keeps them");
  if (!made.empty()) {
    J refs(rapidjson::kArrayType);
    for (int e : made) refs.PushBack(c.ref(e), c.a());
    out.AddMember("entry", refs, c.a());
  }
  J subs(rapidjson::kArrayType);
  std::size_t n = 0;
  for (Xml comp : children(s, "component"))
    if (Xml sub = child(comp, "section")) c.read(comp), subs.PushBack(section(c, sub, key + "/" + std::to_string(++n)), c.a());
  if (!subs.Empty()) out.AddMember("section", subs, c.a());
  if (!out.HasMember("text") && made.empty() && subs.Empty()) {
    c.d.warning("incomplete", location(s), "the section has neither narrative nor entries");
    out.AddMember("emptyReason", concept_of(c, "http://terminology.hl7.org/CodeSystem/list-empty-reason", "unavailable"), c.a());
  }
  return out;
}

}  // namespace

J make_sections(Ctx& c, Xml doc) {
  J list(rapidjson::kArrayType);
  Xml body = c.read(doc, "component");
  if (Xml plain = child(body, "nonXMLBody")) {
    Xml text = child(plain, "text");
    std::string media = attr(text, "mediaType");
    if (text && (media.empty() || media == "text/plain") && attr(text, "representation") != "B64" && !text_of(text).empty()) {
      c.read(plain), c.seen.mark_all(text);
      J s(rapidjson::kObjectType), n(rapidjson::kObjectType);
      s.AddMember("title", "Document", c.a());
      n.AddMember("status", "additional", c.a());
      n.AddMember("div", c.str(text_xhtml(text_of(text))), c.a());
      s.AddMember("text", n, c.a());
      list.PushBack(s, c.a());
    } else {
      c.d.error("not-supported", location(plain), "a non-XML body other than plain text (" + (media.empty() ? "base64" : media) + ") is not converted");
    }
    return list;
  }
  Xml structured = c.read(body, "structuredBody");
  std::size_t n = 0;
  for (Xml comp : children(structured, "component"))
    if (Xml s = child(comp, "section")) c.read(comp), list.PushBack(section(c, s, "section/" + std::to_string(++n)), c.a());
  return list;
}

}  // namespace hidewire::plugins::cda
