// The patient view's timeline (ui_timeline.hpp).
#include "dashboard/ui_timeline.hpp"

#include <algorithm>
#include <cstdio>
#include <ctime>
#include <set>

namespace hidewire::dashboard {
namespace {

// A CodeableConcept's text, else its first coding's display, else code.
std::string concept_text(const Value* c) {
  c = first(c);
  if (!c) return "";
  if (std::string t = text_of(c, "text"); !t.empty()) return t;
  const Value* coding = first(get(*c, "coding"));
  std::string d = text_of(coding, "display");
  return d.empty() ? text_of(coding, "code") : d;
}

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

}  // namespace

void write_org(Writer& w, const char* key, const std::optional<Org>& o) {
  w.Key(key);
  if (!o) return (void)w.Null();
  w.StartObject();
  write_string(w, "ods", o->ods);
  write_string(w, "name", o->name);
  w.EndObject();
}

void write_timeline(Writer& w, node::FhirStore& store, Orgs& orgs, const std::vector<node::StoredResource>& all) {
  std::vector<Event> events;
  std::map<std::string, Org> senders = provenance_orgs(store, orgs, all);
  for (const node::StoredResource& r : all)
    if (!r.deleted) events_of(r, orgs, senders, events);
  one_per_event(events);
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
}

}  // namespace hidewire::dashboard
