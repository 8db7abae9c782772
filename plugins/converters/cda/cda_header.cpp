// The CDA header into FHIR: recordTarget -> Patient (NHS number and its verification status),
// author -> Practitioner/PractitionerRole/Organization, custodian and informationRecipient ->
// Organization (the primary recipient is the registered GP, Patient.generalPractitioner, which
// routes match on), componentOf/encompassingEncounter -> Encounter (the 111 call; its
// dischargeDispositionCode is the Pathways disposition).
#include "fhir/nhs_number.hpp"
#include "fhir/primitives.hpp"
#include "plugins/converters/cda/cda_context.hpp"

namespace hidewire::plugins::cda {

namespace build = fhir::build;
using Write = build::Write;

J Ctx::coding(const Coding& c) { return coding_json(c.system, c.code, c.display, a()); }

J Ctx::codeable(Xml cd) {
  J o(rapidjson::kObjectType);
  if (!cd) return o;
  read(cd);
  std::string code = attr(cd, "code"), oid = attr(cd, "codeSystem");
  if (!code.empty()) {
    J list(rapidjson::kArrayType);
    list.PushBack(coding(Coding{oid.empty() ? "" : maps.code_system(oid), code, attr(cd, "displayName")}), a());
    for (Xml tr : children(cd, "translation"))
      if (!attr(read(tr), "code").empty())
        list.PushBack(coding(Coding{maps.code_system(attr(tr, "codeSystem")), attr(tr, "code"), attr(tr, "displayName")}), a());
    o.AddMember("coding", list, a());
  }
  std::string text = text_of(read(cd, "originalText"));
  if (text.empty()) text = attr(cd, "displayName");
  if (!text.empty()) o.AddMember("text", str(text), a());
  return o;
}


J Ctx::identifier(Xml ii) {
  std::string root = attr(read(ii), "root"), ext = attr(ii, "extension");
  if (root.empty()) return J();
  if (ext.empty()) return identifier("urn:ietf:rfc:3986", (maps.identifier_system(root) == "urn:ietf:rfc:3986" ? "urn:uuid:" : "urn:oid:") + root);
  return identifier(maps.identifier_system(root), ext);
}

J Ctx::record_identifier(const std::string& suffix) { return identifier("urn:hidewire:identifier:cda-record", record_key + "/" + suffix); }

J Ctx::ref_with_identifier(int e) {
  J o = ref(e);
  const J& res = entries[static_cast<std::size_t>(e)].res;
  if (auto ids = res.FindMember("identifier"); ids != res.MemberEnd() && ids->value.IsArray() && !ids->value.Empty())
    o.AddMember("identifier", J(ids->value[0], a()), a());
  return o;
}

std::string Ctx::time(Xml ts) {
  std::string v = attr(read(ts), "value");
  if (v.empty()) return {};
  std::string why;
  bool zoneless = false;
  std::string t = fhir_date_time(v, why, zoneless);
  if (t.empty() || !fhir::check_primitive(fhir::Primitive::DateTime, t).empty()) {
    d.error("value", location(ts), why.empty() ? "'" + v + "' is not a date and time" : why);
    return {};
  }
  if (zoneless) d.warning("value", location(ts), "'" + v + "' has a time but no zone: only its date is kept");
  return t;
}


namespace {

J resource(Ctx& c, const char* type) {
  J r(rapidjson::kObjectType);
  r.AddMember("resourceType", J(type, c.a()), c.a());
  return r;
}

// A HumanName from a PN: given, family, prefix; unstructured text when it has no parts.
J human_names(Ctx& c, Xml pn) {
  J names(rapidjson::kArrayType);
  if (!c.read(pn)) return names;
  J name(rapidjson::kObjectType);
  if (std::string f = text_of(c.read(pn, "family")); !f.empty()) name.AddMember("family", c.str(f), c.a());
  J given(rapidjson::kArrayType), prefix(rapidjson::kArrayType);
  for (Xml g : children(pn, "given")) given.PushBack(c.str(text_of(c.read(g))), c.a());
  for (Xml p : children(pn, "prefix")) prefix.PushBack(c.str(text_of(c.read(p))), c.a());
  if (!given.Empty()) name.AddMember("given", given, c.a());
  if (!prefix.Empty()) name.AddMember("prefix", prefix, c.a());
  if (!name.MemberCount() && !text_of(pn).empty()) name.AddMember("text", c.str(text_of(pn)), c.a());
  if (name.MemberCount()) names.PushBack(name, c.a());
  return names;
}

void add_addresses(Ctx& c, Xml parent, J& res) {
  J list(rapidjson::kArrayType);
  for (Xml ad : children(parent, "addr")) {
    c.read(ad);
    J addr(rapidjson::kObjectType), lines(rapidjson::kArrayType);
    for (Xml l : children(ad, "streetAddressLine")) lines.PushBack(c.str(text_of(c.read(l))), c.a());
    if (!lines.Empty()) addr.AddMember("line", lines, c.a());
    if (std::string city = text_of(c.read(ad, "city")); !city.empty()) addr.AddMember("city", c.str(city), c.a());
    if (std::string pc = text_of(c.read(ad, "postalCode")); !pc.empty()) addr.AddMember("postalCode", c.str(pc), c.a());
    if (!addr.MemberCount() && !text_of(ad).empty()) addr.AddMember("text", c.str(text_of(ad)), c.a());
    if (attr(ad, "use") == "H") addr.AddMember("use", "home", c.a());
    else if (attr(ad, "use") == "WP") addr.AddMember("use", "work", c.a());
    if (addr.MemberCount()) list.PushBack(addr, c.a());
  }
  if (!list.Empty()) res.AddMember("address", list, c.a());
}

void add_telecoms(Ctx& c, Xml parent, J& res) {
  J list(rapidjson::kArrayType);
  for (Xml tel : children(parent, "telecom")) {
    std::string v = attr(c.read(tel), "value"), use = attr(tel, "use");
    std::size_t colon = v.find(':');
    if (colon == std::string::npos || colon + 1 == v.size()) continue;
    std::string scheme = v.substr(0, colon);
    J t(rapidjson::kObjectType);
    t.AddMember("system", J(scheme == "mailto" ? "email" : scheme == "fax" ? "fax" : "phone", c.a()), c.a());
    t.AddMember("value", c.str(v.substr(colon + 1)), c.a());
    if (use == "MC") t.AddMember("use", "mobile", c.a());
    else if (use == "H" || use == "HP") t.AddMember("use", "home", c.a());
    else if (use == "WP") t.AddMember("use", "work", c.a());
    list.PushBack(t, c.a());
  }
  if (!list.Empty()) res.AddMember("telecom", list, c.a());
}

// An Organization from an element holding id(s) and a name (representedOrganization,
// receivedOrganization, providerOrganization); -1 when it names none.
int add_organization(Ctx& c, Xml org, std::string* ods) {
  if (!c.read(org)) return -1;
  J res = resource(c, "Organization"), ids(rapidjson::kArrayType);
  std::string code;
  for (Xml id : children(org, "id")) {
    J i = c.identifier(id);
    if (i.IsNull()) continue;
    if (code.empty() && std::string(i["system"].GetString()) == build::kOdsSystem) code = i["value"].GetString();
    ids.PushBack(i, c.a());
  }
  if (ods) *ods = code;
  std::string name = text_of(c.read(org, "name"));
  if (ids.Empty() && name.empty()) return -1;
  // The same organisation in several roles (author's, custodian, GP) is one Organization.
  if (auto seen = c.organisations.find(code); !code.empty() && seen != c.organisations.end()) {
    for (const char* part : {"telecom", "addr"})
      for (Xml p : children(org, part)) c.seen.mark_all(p);
    return seen->second;
  }
  if (!ids.Empty()) res.AddMember("identifier", ids, c.a());
  if (!name.empty()) res.AddMember("name", c.str(name), c.a());
  add_telecoms(c, org, res);
  add_addresses(c, org, res);
  int e = c.add("Organization", std::move(res), Write::CreateIfAbsent);
  if (!code.empty()) c.organisations[code] = e;
  return e;
}

void add_patient(Ctx& c, Xml doc) {
  Xml role = c.read(c.read(doc, "recordTarget"), "patientRole");
  J p = resource(c, "Patient"), ids(rapidjson::kArrayType);
  for (Xml id : children(role, "id")) {
    std::string root = attr(c.read(id), "root"), ext = attr(id, "extension");
    auto status = c.maps.nhs_number.find(root);
    if (status == c.maps.nhs_number.end()) {
      if (J i = c.identifier(id); !i.IsNull()) ids.PushBack(i, c.a());
      continue;
    }
    std::string digits = fhir::normalise_nhs_number(ext);
    if (std::string why = fhir::check_nhs_number(digits); !why.empty()) {
      if (c.trace_patients) c.d.warning("value", location(id), "NHS number '" + ext + "': " + why + "; taken as missing, for tracing", "nhs-number");
      else c.d.error("value", location(id), "NHS number '" + ext + "': " + why, "nhs-number");
      continue;
    }
    if (!c.nhs_number.empty()) continue;
    c.nhs_number = digits;
    J ident = c.identifier(std::string(fhir::kNhsNumberSystem), digits), ext_list(rapidjson::kArrayType), ver(rapidjson::kObjectType),
      cc(rapidjson::kObjectType), codings(rapidjson::kArrayType);
    ver.AddMember("url", J(fhir::kNhsVerificationStatusUrl.data(), c.a()), c.a());
    codings.PushBack(c.coding(status->second), c.a());
    cc.AddMember("coding", codings, c.a());
    ver.AddMember("valueCodeableConcept", cc, c.a());
    ext_list.PushBack(ver, c.a());
    ident.AddMember("extension", ext_list, c.a());
    ids.PushBack(ident, c.a());
  }
  if (c.nhs_number.empty())
    c.d.warning("required", role ? location(role) : "ClinicalDocument/recordTarget",
                "the document has no NHS number: the patient is recorded without one, for tracing", "nhs-number-missing");
  if (!ids.Empty()) p.AddMember("identifier", ids, c.a());
  Xml person = c.read(role, "patient");
  if (J names = human_names(c, child(person, "name")); !names.Empty()) p.AddMember("name", names, c.a());
  add_telecoms(c, role, p);
  if (Xml g = c.read(person, "administrativeGenderCode")) {
    auto it = c.maps.gender.find(attr(g, "code"));
    if (it != c.maps.gender.end()) p.AddMember("gender", c.str(it->second), c.a());
    else c.d.warning("code-invalid", location(g), "sex '" + attr(g, "code") + "' is not known to the map: left out");
  }
  if (Xml birth = c.read(person, "birthTime")) {
    std::string t = c.time(birth);
    if (!t.empty()) p.AddMember("birthDate", c.str(t.substr(0, 10)), c.a());
  }
  add_addresses(c, role, p);
  c.gp = add_organization(c, child(role, "providerOrganization"), &c.gp_ods);
  c.patient = c.add("Patient", std::move(p), Write::CreateIfAbsent);
}

void add_author(Ctx& c, Xml author) {
  Xml assigned = c.read(c.read(author), "assignedAuthor");
  std::string ods;
  int org = add_organization(c, child(assigned, "representedOrganization"), &ods);
  Xml person = c.read(assigned, "assignedPerson");
  if (!person) {
    if (org >= 0) c.authors.push_back(org);
    return;
  }
  J pr = resource(c, "Practitioner"), role = resource(c, "PractitionerRole"), pids(rapidjson::kArrayType), rids(rapidjson::kArrayType);
  for (Xml id : children(assigned, "id")) {
    J i = c.identifier(id);
    if (i.IsNull()) continue;
    (std::string(i["system"].GetString()) == "https://fhir.nhs.uk/Id/sds-role-profile-id" ? rids : pids).PushBack(i, c.a());
  }
  std::size_t n = c.authors.size() + 1;
  if (pids.Empty()) pids.PushBack(c.record_identifier("author/" + std::to_string(n)), c.a());
  pr.AddMember("identifier", pids, c.a());
  if (J names = human_names(c, child(person, "name")); !names.Empty()) pr.AddMember("name", names, c.a());
  add_telecoms(c, assigned, pr);
  int p = c.add("Practitioner", std::move(pr), Write::CreateIfAbsent);
  if (rids.Empty()) rids.PushBack(c.record_identifier("author/" + std::to_string(n) + "/role"), c.a());
  role.AddMember("identifier", rids, c.a());
  role.AddMember("practitioner", c.ref(p), c.a());
  if (org >= 0) role.AddMember("organization", c.ref(org), c.a());
  if (Xml code = child(assigned, "code")) {
    J codes(rapidjson::kArrayType);
    codes.PushBack(c.codeable(code), c.a());
    role.AddMember("code", codes, c.a());
  }
  c.authors.push_back(c.add("PractitionerRole", std::move(role), Write::CreateIfAbsent));
}

void add_recipients(Ctx& c, Xml doc) {
  int primary = -1;
  std::string primary_ods;
  for (Xml r : children(doc, "informationRecipient")) {
    Xml intended = c.read(c.read(r), "intendedRecipient");
    for (Xml id : children(intended, "id")) c.read(id);  // the recipient's ITK address: the organisation's ODS code says it
    std::string ods;
    int org = add_organization(c, child(intended, "receivedOrganization"), &ods);
    if (org >= 0 && attr(r, "typeCode") != "TRC" && primary < 0) primary = org, primary_ods = ods;
  }
  // The registered GP: the primary recipient, else the patient's own provider organisation.
  if (primary >= 0) c.gp = primary, c.gp_ods = primary_ods;
  if (c.gp >= 0) {
    J list(rapidjson::kArrayType);
    list.PushBack(c.ref_with_identifier(c.gp), c.a());
    c.entries[static_cast<std::size_t>(c.patient)].res.AddMember("generalPractitioner", list, c.a());
  }
}

void add_encounter(Ctx& c, Xml doc) {
  Xml enc = c.read(c.read(doc, "componentOf"), "encompassingEncounter");
  if (!enc) return;
  J e = resource(c, "Encounter"), ids(rapidjson::kArrayType);
  for (Xml id : children(enc, "id"))
    if (J i = c.identifier(id); !i.IsNull()) ids.PushBack(i, c.a());
  if (ids.Empty()) ids.PushBack(c.record_identifier("encounter"), c.a());
  e.AddMember("identifier", ids, c.a());
  e.AddMember("status", "finished", c.a());
  e.AddMember("class", c.coding(c.maps.encounter_class), c.a());
  if (Xml code = child(enc, "code")) {
    J types(rapidjson::kArrayType);
    types.PushBack(c.codeable(code), c.a());
    e.AddMember("type", types, c.a());
  }
  e.AddMember("subject", c.ref(c.patient), c.a());
  if (Xml when = c.read(enc, "effectiveTime")) {
    J period(rapidjson::kObjectType);
    std::string low = c.time(child(when, "low")), high = c.time(child(when, "high"));
    if (low.empty() && high.empty()) low = c.time(when);
    if (!low.empty()) period.AddMember("start", c.str(low), c.a());
    if (!high.empty()) period.AddMember("end", c.str(high), c.a());
    if (period.MemberCount()) e.AddMember("period", period, c.a());
  }
  if (Xml dispo = child(enc, "dischargeDispositionCode")) {
    J hosp(rapidjson::kObjectType);
    hosp.AddMember("dischargeDisposition", c.codeable(dispo), c.a());
    e.AddMember("hospitalization", hosp, c.a());
  }
  if (c.custodian >= 0) e.AddMember("serviceProvider", c.ref(c.custodian), c.a());
  c.encounter = c.add("Encounter", std::move(e), Write::Upsert);
}

}  // namespace

void add_header(Ctx& c, Xml doc) {
  add_patient(c, doc);
  Xml cust = c.read(c.read(c.read(doc, "custodian"), "assignedCustodian"), "representedCustodianOrganization");
  c.custodian = add_organization(c, cust, &c.custodian_ods);
  for (Xml a : children(doc, "author")) add_author(c, a);
  add_recipients(c, doc);
  add_encounter(c, doc);
}

}  // namespace hidewire::plugins::cda
