// POST /ui/api/patient {"nhs_number"}: the person as this node's store has them, a timeline of
// their events (from the store's resources for them), their access log (the audit log, read as
// `hidewire audit who-saw` reads it) and the consent and restrictions in force (their Consent
// resources, read as the access policy reads them).
#include <algorithm>
#include <cctype>
#include <cstdio>
#include <ctime>
#include <map>
#include <set>

#include "audit/access_line.hpp"
#include "auth/patient_facts.hpp"
#include "dashboard/ui_parts.hpp"
#include "fhir/clock.hpp"
#include "fhir/nhs_number.hpp"
#include "node/fhir_store.hpp"

namespace hidewire::dashboard {
namespace {

using rapidjson::Value;

const Value* get(const Value& o, const char* key) {
  if (!o.IsObject()) return nullptr;
  auto it = o.FindMember(key);
  return it == o.MemberEnd() ? nullptr : &it->value;
}
std::string text_of(const Value* v, const char* key) { return v ? member_string(*v, key) : std::string(); }
const Value* first(const Value* v) { return v && v->IsArray() && !v->Empty() ? &(*v)[0] : v && v->IsObject() ? v : nullptr; }

// A CodeableConcept's text, else its first coding's display, else code.
std::string concept_text(const Value* c) {
  c = first(c);
  if (!c) return "";
  if (std::string t = text_of(c, "text"); !t.empty()) return t;
  const Value* coding = first(get(*c, "coding"));
  std::string d = text_of(coding, "display");
  return d.empty() ? text_of(coding, "code") : d;
}

constexpr const char* kOds = "https://fhir.nhs.uk/Id/ods-organization-code";

struct Org {
  std::string ods, name;
};

// The organisation a reference names: a local Organization (its ODS identifier and name), or
// the identifier and display the reference carries.
class Orgs {
 public:
  explicit Orgs(node::FhirStore& store) : store_(store) {}
  std::optional<Org> of(const Value* ref) {
    ref = first(ref);
    if (!ref) return std::nullopt;
    if (const Value* actor = get(*ref, "actor")) ref = actor;  // a participant's
    std::string r = text_of(ref, "reference"), type = text_of(ref, "type");
    // An organisation only: a performer or participant may be a Practitioner (Dr Patel, GMC C1234567).
    bool org = r.rfind("Organization/", 0) == 0 || type == "Organization" || text_of(get(*ref, "identifier"), "system") == kOds;
    if (!org) return std::nullopt;
    Org o{text_of(get(*ref, "identifier"), "value"), text_of(ref, "display")};
    if (r.rfind("Organization/", 0) == 0) {
      auto [it, added] = cache_.try_emplace(r);
      if (added)
        if (auto stored = store_.read("Organization", r.substr(13))) {
          rapidjson::Document d;
          d.Parse(stored->json.c_str());
          it->second = {text_of(first(get(d, "identifier")), "value"), member_string(d, "name")};
        }
      if (o.ods.empty()) o.ods = it->second.ods;
      if (o.name.empty()) o.name = it->second.name;
    }
    if (o.name.empty() && !o.ods.empty()) o.name = named(o.ods);
    if (o.ods.empty() && o.name.empty()) return std::nullopt;
    return o;
  }
  // The name of the organisation with that ODS code, from its Organization in the store, if any.
  std::string named(const std::string& ods) {
    auto [it, added] = names_.try_emplace(ods);
    if (added) {
      node::SearchParams q;
      q.identifier_system = kOds;
      q.identifier_value = ods;
      q.count = 1;
      for (const node::StoredResource& r : store_.search("Organization", q).resources) {
        rapidjson::Document d;
        d.Parse(r.json.c_str());
        if (!d.HasParseError() && d.IsObject()) it->second = member_string(d, "name");
      }
    }
    return it->second;
  }

 private:
  node::FhirStore& store_;
  std::map<std::string, Org> cache_;
  std::map<std::string, std::string> names_;
};

struct Event {
  std::string at, kind, title, resource;
  std::optional<Org> org;
  // An Encounter's visit number and place, and whether it says when it began: one stay, one entry.
  std::string visit, place;
  bool encounter = false, dated = false;
};

std::string when(const Value& r, std::initializer_list<const char*> keys) {
  for (const char* k : keys) {
    const Value* v = get(r, k);
    if (v && v->IsString()) return v->GetString();
    if (v && v->IsObject()) {
      if (std::string s = member_string(*v, "start"); !s.empty()) return s;
    }
  }
  return text_of(get(r, "meta"), "lastUpdated");
}

// `instant` plus two seconds, written as the store writes instants (text-comparable).
std::string two_seconds_after(const std::string& instant) {
  std::tm tm{};
  if (instant.size() < 19 || !strptime(instant.substr(0, 19).c_str(), "%Y-%m-%dT%H:%M:%S", &tm)) return "";
  std::time_t t = timegm(&tm) + 2;
  char buf[32];
  std::strftime(buf, sizeof buf, "%Y-%m-%dT%H:%M:%S.000Z", gmtime_r(&t, &tm));
  return buf;
}

// Who a converted message came from, by its Provenance: the converters write one per message,
// naming every resource it made, in the same store transaction (so within moments of them),
// with the sender's ODS code as its credential established it and the sending facility as the
// message named it ("PAS at RR8^St James University Hospital^ODS"). Keyed by "Type/id".
std::map<std::string, Org> provenance_orgs(node::FhirStore& store, Orgs& orgs, const std::vector<node::StoredResource>& all) {
  std::map<std::string, Org> out;
  std::set<std::string> windows, wanted;
  for (const node::StoredResource& r : all)
    if (r.type != "Patient" && !r.deleted) windows.insert(r.last_updated), wanted.insert(r.type + "/" + r.id);
  for (const std::string& from : windows) {
    if (std::all_of(wanted.begin(), wanted.end(), [&](const std::string& w) { return out.count(w); })) break;
    node::SearchParams q;
    q.last_updated.push_back({from, two_seconds_after(from), false});
    q.count = 200;
    for (int page = 0; page < 10; ++page) {  // a busy node writes many in two seconds: at most 2,000 looked at
      node::SearchPage got = store.search("Provenance", q);
      for (const node::StoredResource& r : got.resources) {
        rapidjson::Document d;
        d.Parse(r.json.c_str());
        if (d.HasParseError() || !d.IsObject()) continue;
        const Value* agent = first(get(d, "agent"));
        const Value* behalf = agent ? get(*agent, "onBehalfOf") : nullptr;
        Org o{text_of(behalf ? get(*behalf, "identifier") : nullptr, "value"), ""};
        std::string who = agent ? text_of(get(*agent, "who"), "display") : "";
        if (auto at = who.find(" at "); at != std::string::npos) {
          std::string hd = who.substr(at + 4);  // HD: namespace^universal id^type
          auto hat = hd.find('^');
          if (o.ods.empty()) o.ods = hd.substr(0, hat);
          if (hat != std::string::npos) o.name = hd.substr(hat + 1, hd.find('^', hat + 1) - hat - 1);
        }
        if (o.name.empty() && !o.ods.empty()) o.name = orgs.named(o.ods);
        if (o.ods.empty() && o.name.empty()) continue;
        if (const Value* targets = get(d, "target"); targets && targets->IsArray())
          for (const auto& t : targets->GetArray()) {
            std::string ref = member_string(t, "reference");
            if (auto h = ref.find("/_history/"); h != std::string::npos) ref.erase(h);
            if (wanted.count(ref)) out[ref] = o;  // the latest message that wrote it
          }
      }
      if (got.next.empty()) break;
      q.page_after = got.next;
    }
  }
  return out;
}

// An Encounter as the timeline's words: "Admitted to Ward 7", "A&E attendance", "GP consultation".
void encounter_events(const rapidjson::Document& d, Event e, std::vector<Event>& out) {
  std::string cls = text_of(get(d, "class"), "code");
  std::string type = concept_text(get(d, "type"));
  const Value* loc = first(get(d, "location"));
  std::string place = loc ? text_of(get(*loc, "location"), "display") : "";
  if (cls == "EMER") e.kind = "ae-attendance";
  else if (cls == "IMP" || cls == "ACUTE" || cls == "NONAC" || cls == "SS" || cls == "PRENC") e.kind = "admission";
  else if (cls == "FLD") e.kind = "ambulance";
  else if (cls == "HH") e.kind = "social-care-visit";
  else if (cls == "AMB" || cls == "VR") e.kind = "gp-contact";
  static const std::map<std::string, std::string> plain{{"ae-attendance", "A&E attendance"}, {"ambulance", "Ambulance attendance"},
                                                        {"social-care-visit", "Social-care visit"}, {"gp-contact", "GP contact"}};
  std::string cls_name = text_of(get(d, "class"), "display");
  auto p = plain.find(e.kind);
  e.title = !type.empty() ? type : p != plain.end() ? p->second : !cls_name.empty() ? cls_name : "Encounter";
  if (e.kind == "ae-attendance") e.title = "A&E attendance" + (type.empty() ? "" : ": " + type) + (place.empty() ? "" : " at " + place);
  const Value* period = get(d, "period");
  e.at = text_of(period, "start");
  if (e.at.empty()) e.at = text_of(get(d, "meta"), "lastUpdated");
  e.encounter = true;
  e.dated = !text_of(period, "start").empty();
  e.visit = text_of(first(get(d, "identifier")), "value");
  e.place = place;
  if (e.kind == "admission") {
    e.title = place.empty() ? "Admitted" + (type.empty() ? "" : ": " + type) : "Admitted to " + place;
    if (std::string end = text_of(period, "end"); !end.empty()) {
      Event dis = e;
      dis.at = end;
      dis.kind = "discharge";
      dis.title = place.empty() ? "Discharged" : "Discharged from " + place;
      out.push_back(std::move(dis));
    }
  }
  out.push_back(std::move(e));
}

// One resource as timeline events (an inpatient stay: its admission and, once ended, its discharge).
void events_of(const node::StoredResource& res, Orgs& orgs, const std::map<std::string, Org>& senders, std::vector<Event>& out) {
  static const std::map<std::string, std::string> kinds{
      {"DiagnosticReport", "result"},   {"Observation", "result"},       {"CarePlan", "care-plan-review"},
      {"ServiceRequest", "referral"},   {"ReferralRequest", "referral"}, {"MedicationRequest", "medication"},
      {"MedicationStatement", "medication"}, {"Immunization", "other"},  {"Condition", "other"},
      {"Procedure", "other"},           {"AllergyIntolerance", "other"}, {"Composition", "other"},
      {"EpisodeOfCare", "social-care-visit"}, {"Encounter", "other"}};
  auto k = kinds.find(res.type);
  if (k == kinds.end()) return;  // the Patient, Provenance, Consent, Organization...: not events
  rapidjson::Document d;
  d.Parse(res.json.c_str());
  if (d.HasParseError() || !d.IsObject()) return;
  Event e;
  e.kind = k->second;
  e.resource = res.type + "/" + res.id;
  e.title = concept_text(get(d, "code"));
  if (e.title.empty()) e.title = concept_text(get(d, "type"));
  if (e.title.empty()) e.title = member_string(d, "title");
  if (e.title.empty()) e.title = concept_text(get(d, "category"));
  if (e.title.empty()) e.title = res.type;
  for (const char* who : {"serviceProvider", "performer", "author", "managingOrganization", "requester", "custodian", "participant"})
    if (!e.org) e.org = orgs.of(get(d, who));
  if (!e.org)  // a converted message's resources name no organisation: the message's sender does
    if (auto s = senders.find(e.resource); s != senders.end()) e.org = s->second;
  if (res.type == "Encounter") return encounter_events(d, std::move(e), out);
  if (res.type == "Composition") {
    std::string t = e.title;
    for (char& ch : t) ch = static_cast<char>(std::tolower(static_cast<unsigned char>(ch)));
    if (t.find("111") != std::string::npos) e.kind = "nhs111";
    else if (t.find("ambulance") != std::string::npos || t.find("handover") != std::string::npos) e.kind = "ambulance";
    e.at = when(d, {"date"});
  } else {
    e.at = when(d, {"effectiveDateTime", "effectivePeriod", "issued", "authoredOn", "created", "period", "occurrenceDateTime",
                    "performedDateTime", "performedPeriod", "recordedDate", "onsetDateTime", "date"});
  }
  if (res.type == "Observation" && get(d, "valueQuantity")) {
    const Value* q = get(d, "valueQuantity");
    auto v = q->FindMember("value");
    if (v != q->MemberEnd() && v->value.IsNumber()) {
      char buf[32];
      std::snprintf(buf, sizeof buf, "%g", v->value.GetDouble());
      e.title += std::string(": ") + buf + (text_of(q, "unit").empty() ? "" : " " + text_of(q, "unit"));
    }
  }
  if (e.kind == "result") e.title = "Result: " + e.title;
  out.push_back(std::move(e));
}

// One entry per event. Every HL7 v2 message about a stay carries a PV1, so the admission's
// ADT^A01 and then each result (ORU^R01) and document (MDM) made an Encounter of their own: the
// admission's with its visit number and start, the others with neither, at the time they were
// stored. Encounters of one kind are one stay when their visit numbers match, or when one has
// none and their place is the same; the stay is shown at the start one of them gives.
bool same_stay(const Event& a, const Event& b) {
  if (!a.encounter || !b.encounter || a.kind != b.kind) return false;
  if (!a.visit.empty() && !b.visit.empty()) return a.visit == b.visit;
  return !a.place.empty() && a.place == b.place;
}

void one_per_event(std::vector<Event>& events) {
  std::vector<Event> kept;
  for (Event& e : events) {
    auto k = std::find_if(kept.begin(), kept.end(), [&](const Event& x) { return same_stay(x, e); });
    if (k == kept.end()) {
      kept.push_back(std::move(e));
      continue;
    }
    if (e.dated && (!k->dated || e.at < k->at)) k->at = e.at, k->dated = true, k->resource = e.resource;
    if (k->visit.empty()) k->visit = e.visit;
    if (!k->org) k->org = e.org;
  }
  events = std::move(kept);
}

std::string action_of(const std::string& a) {
  if (a == "read" || a == "vread" || a == "history-instance") return "read";
  if (a == "search-type" || a == "search" || a == "audit-read") return "search";
  if (a == "export") return "export";
  if (a == "create" || a == "update" || a == "delete" || a == "transaction" || a == "batch" || a == "submit" || a == "consent-write" ||
      a == "match-resolve")
    return "write";
  return "operation";
}

std::string join(const std::vector<std::string>& v) {
  std::string out;
  for (const std::string& s : v) out += (out.empty() ? "" : ", ") + s;
  return out;
}

void write_org(Writer& w, const char* key, const std::optional<Org>& o) {
  w.Key(key);
  if (!o) return (void)w.Null();
  w.StartObject();
  write_string(w, "ods", o->ods);
  write_string(w, "name", o->name);
  w.EndObject();
}

void write_patient(Writer& w, const rapidjson::Document& p, const std::string& nhs, bool sensitive, Orgs& orgs) {
  w.StartObject();
  write_string(w, "nhs_number", nhs);
  const Value* name = first(get(p, "name"));
  std::string shown = text_of(name, "text");
  if (shown.empty() && name) {
    if (const Value* given = get(*name, "given"); given && given->IsArray())
      for (const auto& g : given->GetArray())
        if (g.IsString()) shown += (shown.empty() ? "" : " ") + std::string(g.GetString());
    std::string family = text_of(name, "family");
    for (char& ch : family) ch = static_cast<char>(std::toupper(static_cast<unsigned char>(ch)));
    shown += (shown.empty() ? "" : " ") + family;
  }
  write_string(w, "name", shown);
  write_string(w, "birth_date", member_string(p, "birthDate"));
  write_string(w, "gender", member_string(p, "gender"));
  write_org(w, "gp", orgs.of(get(p, "generalPractitioner")));
  w.Key("sensitive");
  w.Bool(sensitive);
  const Value* dead = get(p, "deceasedBoolean");
  w.Key("deceased");
  w.Bool((dead && dead->IsBool() && dead->GetBool()) || get(p, "deceasedDateTime"));
  w.EndObject();
}

// Returns how many accesses it listed.
std::size_t write_access_log(Writer& w, node::AuditLog& log, const std::string& nhs) {
  std::vector<node::AuditRecord> all;
  node::AuditQuery q;
  q.patient_nhs = nhs;
  q.limit = 500;
  for (int page = 0; page < 20; ++page) {  // at most the last 10,000 accesses
    std::vector<node::AuditRecord> got = log.query(q);
    if (got.empty()) break;
    q.after_seq = got.back().seq;
    for (auto& r : got) all.push_back(std::move(r));
    if (got.size() < q.limit) break;
  }
  w.Key("access_log");
  w.StartArray();
  std::size_t shown = 0;
  for (auto it = all.rbegin(); it != all.rend() && shown < 1000; ++it, ++shown) {
    audit::AccessLine l = audit::describe_access(it->event_json);
    w.StartObject();
    write_string(w, "at", l.when);
    write_string(w, "who", l.who);
    write_string(w, "organisation", l.organisation);
    write_string(w, "role", l.role);
    write_string(w, "action", action_of(l.action));
    write_string(w, "interaction", l.action);
    write_string(w, "purpose", l.why);
    write_string(w, "outcome", l.outcome_code == "0" ? "granted" : l.outcome_code == "4" ? "denied" : "failed");
    w.Key("break_glass");
    w.Bool(!l.break_glass.empty());
    write_string(w, "reason", l.break_glass.empty() ? l.outcome_desc : l.break_glass);
    write_string(w, "what", l.what);
    w.EndObject();
  }
  w.EndArray();
  return shown;
}

void write_consent(Writer& w, const node::PatientFacts& f) {
  bool dissent = false, opt_out = false;
  std::vector<std::string> poc;
  w.Key("consent");
  w.StartObject();
  w.Key("restrictions");
  w.StartArray();
  for (const node::ConsentRule& r : f.consents) {
    std::vector<std::string> classes = r.resource_types;
    classes.insert(classes.end(), r.categories.begin(), r.categories.end());
    classes.insert(classes.end(), r.security_labels.begin(), r.security_labels.end());
    std::vector<std::string> to = r.actor_orgs;
    to.insert(to.end(), r.actor_roles.begin(), r.actor_roles.end());
    to.insert(to.end(), r.actor_people.begin(), r.actor_people.end());
    std::string period = r.start.empty() && r.end.empty() ? "" : " (" + (r.start.empty() ? "..." : r.start) + " to " + (r.end.empty() ? "..." : r.end) + ")";
    switch (r.kind) {
      case node::ConsentRule::Kind::Dissent:
        dissent = true;
        break;
      case node::ConsentRule::Kind::NationalOptOut:
        opt_out = true;
        break;
      case node::ConsentRule::Kind::PointOfCare:
        poc.push_back("shared with " + (to.empty() ? std::string("everyone") : join(to)) + period + " (Consent/" + r.id + ")");
        break;
      case node::ConsentRule::Kind::Restriction:
        w.StartObject();
        write_string(w, "text", join(classes) + " withheld from " + (to.empty() ? std::string("everyone") : join(to)) + period);
        write_string(w, "data_class", join(classes));
        write_string(w, "recipient", join(to));
        write_string(w, "consent", "Consent/" + r.id);
        w.EndObject();
        break;
      case node::ConsentRule::Kind::ProxyGrant:
        break;
    }
  }
  w.EndArray();
  w.Key("proxies");
  w.StartArray();
  for (const node::ConsentRule& r : f.consents)
    if (r.kind == node::ConsentRule::Kind::ProxyGrant) {
      std::vector<std::string> classes = r.resource_types;
      classes.insert(classes.end(), r.categories.begin(), r.categories.end());
      w.StartObject();
      write_string(w, "text", "NHS number " + r.proxy_nhs_number + " may see " + (classes.empty() ? std::string("the record") : join(classes)) +
                                  " (Consent/" + r.id + ")");
      w.EndObject();
    }
  w.EndArray();
  w.Key("dissent");
  w.Bool(dissent);
  w.Key("point_of_care");
  w.StartArray();
  for (const std::string& s : poc) w.String(s.c_str());
  w.EndArray();
  w.Key("national_opt_out");
  w.Bool(opt_out);
  w.EndObject();
}

}  // namespace

http::Response patient(Call& c) {
  rapidjson::Document body;
  http::Response bad;
  if (!body_object(c.r, body, bad)) return bad;
  std::string nhs = fhir::normalise_nhs_number(member_string(body, "nhs_number"));
  if (std::string why = fhir::check_nhs_number(nhs); !why.empty()) return error(400, "not an NHS number: " + why);
  c.patient_nhs = nhs;
  node::FhirStore& store = c.ctx.store;
  node::PatientFacts facts = auth::gather_patient_facts_by_nhs(store, nhs, fhir::utc_now_instant(), c.ctx.admin.cfg.ods_code);
  rapidjson::StringBuffer b;
  Writer w(b);
  w.StartObject();
  w.Key("patient");
  Orgs orgs(store);
  std::vector<Event> events;
  if (facts.found) {
    auto p = store.read("Patient", facts.patient_id);
    rapidjson::Document pd;
    pd.Parse(p ? p->json.c_str() : "{}");
    write_patient(w, pd, nhs, facts.sensitive, orgs);
    std::vector<node::StoredResource> all = store.everything(facts.patient_id);
    std::map<std::string, Org> senders = provenance_orgs(store, orgs, all);
    for (const node::StoredResource& r : all)
      if (!r.deleted) events_of(r, orgs, senders, events);
    one_per_event(events);
  } else {
    w.Null();
  }
  std::stable_sort(events.begin(), events.end(), [](const Event& a, const Event& b) { return a.at > b.at; });
  w.Key("timeline");
  w.StartArray();
  for (const Event& e : events) {
    w.StartObject();
    write_string(w, "at", e.at);
    write_string(w, "kind", e.kind);
    write_org(w, "organisation", e.org);
    write_string(w, "title", e.title);
    write_string(w, "resource", e.resource);
    w.EndObject();
  }
  w.EndArray();
  bool no_accesses = write_access_log(w, c.ctx.guard.audit, nhs) == 0;
  write_consent(w, facts);
  w.EndObject();
  if (!facts.found && no_accesses) return error(404, "no patient with that NHS number");
  return json(b);
}

}  // namespace hidewire::dashboard
