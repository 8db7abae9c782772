// POST /ui/api/patient {"nhs_number"}: the person as this node's store has them, a timeline of
// their events (from the store's resources for them), their access log (the audit log, read as
// `hidewire audit who-saw` reads it) and the consent and restrictions in force (their Consent
// resources, read as the access policy reads them).
#include <algorithm>
#include <cctype>
#include <cstdio>
#include <map>

#include "audit/access_line.hpp"
#include "auth/patient_facts.hpp"
#include "dashboard/ui_timeline.hpp"
#include "fhir/clock.hpp"
#include "fhir/nhs_number.hpp"
#include "node/fhir_store.hpp"

namespace hidewire::dashboard {
namespace {

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
  if (facts.found) {
    auto p = store.read("Patient", facts.patient_id);
    rapidjson::Document pd;
    pd.Parse(p ? p->json.c_str() : "{}");
    write_patient(w, pd, nhs, facts.sensitive, orgs);
    write_timeline(w, store, orgs, store.everything(facts.patient_id));
  } else {
    w.Null();
    write_timeline(w, store, orgs, {});
  }
  bool no_accesses = write_access_log(w, c.ctx.guard.audit, nhs) == 0;
  write_consent(w, facts);
  w.EndObject();
  if (!facts.found && no_accesses) return error(404, "no patient with that NHS number");
  return json(b);
}

}  // namespace hidewire::dashboard
