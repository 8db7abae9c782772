// What the holder knows of one patient, from its own store: the Patient, the Organizations it and
// the care resources reference (for their ODS codes), CareTeam, Encounter, EpisodeOfCare,
// ServiceRequest and Consent found by patient. Reads only through node::FhirStore.
#include "auth/patient_facts.hpp"

#include <algorithm>
#include <map>

#include "auth/consent_rules.hpp"
#include "auth/period.hpp"

namespace hidewire::auth {
namespace {

using json::Json;

constexpr std::string_view kConfidentiality = "http://terminology.hl7.org/CodeSystem/v3-Confidentiality";

void add_unique(std::vector<std::string>& v, std::string s) {
  if (!s.empty() && std::find(v.begin(), v.end(), s) == v.end()) v.push_back(std::move(s));
}

class Gatherer {
 public:
  Gatherer(node::FhirStore& store, const std::string& now) : store_(store), now_(now) {}

  // A resource read by reference ("Type/id"), parsed; nullptr when absent or unreadable.
  const rapidjson::Document* resolve(std::string_view reference) {
    std::string key(reference);
    auto it = cache_.find(key);
    if (it != cache_.end()) return it->second.IsObject() ? &it->second : nullptr;
    rapidjson::Document& d = cache_[key];
    auto slash = reference.find('/');
    if (slash == std::string_view::npos) return nullptr;
    auto r = store_.read(std::string(reference.substr(0, slash)), std::string(reference.substr(slash + 1)));
    if (!r || r->deleted) return nullptr;
    d.Parse(r->json.c_str());
    return d.HasParseError() || !d.IsObject() ? nullptr : &d;
  }

  // The organisation a Reference stands for: an ODS identifier, an Organization, or a
  // PractitionerRole's organization.
  std::string ods_of(const Json& ref, int depth = 0) {
    if (std::string ods = json::identifier_value(ref, json::kOds); !ods.empty()) return ods;
    std::string_view target = json::text(ref, "reference");
    if (target.rfind("Organization/", 0) == 0) {
      const rapidjson::Document* org = resolve(target);
      return org ? json::identifier_value(*org, json::kOds) : std::string();
    }
    if (target.rfind("PractitionerRole/", 0) == 0 && depth == 0) {
      const rapidjson::Document* role = resolve(target);
      const Json* org = role ? json::member(*role, "organization") : nullptr;
      return org ? ods_of(*org, depth + 1) : std::string();
    }
    return {};
  }

  // The person a Reference stands for, by NHS number (an identifier, a RelatedPerson or a Patient).
  std::string nhs_of(const Json& ref) {
    if (std::string nhs = json::identifier_value(ref, json::kNhsNumber); !nhs.empty()) return nhs;
    std::string_view target = json::text(ref, "reference");
    if (target.rfind("RelatedPerson/", 0) == 0 || target.rfind("Patient/", 0) == 0) {
      const rapidjson::Document* p = resolve(target);
      return p ? json::identifier_value(*p, json::kNhsNumber) : std::string();
    }
    return {};
  }

  ActorRef actor(const Json& ref) {
    ActorRef a;
    if (const Json* id = json::member(ref, "identifier")) {
      std::string_view system = json::text(*id, "system");
      if (system == kSdsJobRole || system == kHidewireRole) a.role = json::text(*id, "value");
    }
    a.ods = ods_of(ref);
    if (a.ods.empty()) a.nhs_number = nhs_of(ref);
    return a;
  }

  // Every current resource of `type` linked to the patient, page by page.
  template <typename F>
  void by_patient(const std::string& type, const std::string& patient_id, F&& f) {
    node::SearchParams p;
    p.patient = patient_id;
    p.count = 100;
    for (;;) {
      node::SearchPage page = store_.search(type, p);
      for (const auto& r : page.resources) {
        if (r.deleted) continue;
        rapidjson::Document d;
        d.Parse(r.json.c_str());
        if (!d.HasParseError() && d.IsObject()) f(static_cast<const Json&>(d));
      }
      if (page.next.empty()) break;
      p.page_after = page.next;
    }
  }

  bool current(const Json* period) const {
    return !period || check_period("", json::text(*period, "end"), now_) != PeriodCheck::Outside;
  }

 private:
  node::FhirStore& store_;
  const std::string& now_;
  std::map<std::string, rapidjson::Document> cache_;
};

bool one_of(std::string_view v, std::initializer_list<std::string_view> list) {
  return std::find(list.begin(), list.end(), v) != list.end();
}

void read_patient(const Json& p, node::PatientFacts& f, Gatherer& g) {
  f.nhs_number = json::identifier_value(p, json::kNhsNumber);
  if (const Json* meta = json::member(p, "meta"))
    json::each(json::member(*meta, "security"), [&](const Json& c) {
      if (json::text(c, "system") == kConfidentiality && one_of(json::text(c, "code"), {"R", "V"})) f.sensitive = true;
    });
  const Json* deceased = json::member(p, "deceasedBoolean");
  f.deceased = (deceased && deceased->IsBool() && deceased->GetBool()) || json::member(p, "deceasedDateTime");
  json::each(json::member(p, "generalPractitioner"), [&](const Json& ref) {
    if (f.registered_gp_ods.empty()) f.registered_gp_ods = g.ods_of(ref);
  });
}

void read_care(const std::string& id, node::PatientFacts& f, Gatherer& g) {
  g.by_patient("CareTeam", id, [&](const Json& team) {
    std::string_view status = json::text(team, "status");
    if ((!status.empty() && status != "active") || !g.current(json::member(team, "period"))) return;
    json::each(json::member(team, "managingOrganization"), [&](const Json& ref) { add_unique(f.care_team_orgs, g.ods_of(ref)); });
    json::each(json::member(team, "participant"), [&](const Json& part) {
      if (!g.current(json::member(part, "period"))) return;
      if (const Json* member = json::member(part, "member")) {
        std::string ods = g.ods_of(*member);
        if (!ods.empty()) add_unique(f.care_team_orgs, ods);
        else add_unique(f.care_team_people, g.nhs_of(*member));
      }
      if (const Json* on_behalf = json::member(part, "onBehalfOf")) add_unique(f.care_team_orgs, g.ods_of(*on_behalf));
    });
  });
  g.by_patient("Encounter", id, [&](const Json& e) {
    if (!one_of(json::text(e, "status"), {"planned", "arrived", "triaged", "in-progress", "onleave"})) return;
    if (const Json* sp = json::member(e, "serviceProvider")) add_unique(f.active_care_orgs, g.ods_of(*sp));
  });
  g.by_patient("EpisodeOfCare", id, [&](const Json& e) {
    if (!one_of(json::text(e, "status"), {"planned", "waitlist", "active", "onhold"}) || !g.current(json::member(e, "period"))) return;
    if (const Json* mo = json::member(e, "managingOrganization")) add_unique(f.active_care_orgs, g.ods_of(*mo));
  });
  g.by_patient("ServiceRequest", id, [&](const Json& s) {
    if (!one_of(json::text(s, "status"), {"active", "on-hold"})) return;
    json::each(json::member(s, "performer"), [&](const Json& ref) { add_unique(f.active_care_orgs, g.ods_of(ref)); });
    if (const Json* req = json::member(s, "requester")) add_unique(f.active_care_orgs, g.ods_of(*req));
  });
}

}  // namespace

node::PatientFacts gather_patient_facts(node::FhirStore& store, const std::string& patient_id, const std::string& now,
                                        const std::string& holder_ods) {
  node::PatientFacts f;
  f.patient_id = patient_id;
  f.holder_ods = holder_ods;
  f.now = now;
  Gatherer g(store, f.now);
  auto patient = store.read("Patient", patient_id);
  if (!patient || patient->deleted) return f;
  rapidjson::Document p;
  p.Parse(patient->json.c_str());
  if (p.HasParseError() || !p.IsObject()) return f;
  f.found = true;
  read_patient(p, f, g);
  read_care(patient_id, f, g);
  const std::string patient_ref = "Patient/" + patient_id;
  auto resolve = [&](const Json& ref) { return g.actor(ref); };
  g.by_patient("Consent", patient_id, [&](const Json& c) {
    for (auto& rule : consent_rules(c, patient_ref, resolve)) f.consents.push_back(std::move(rule));
  });
  return f;
}

node::PatientFacts gather_patient_facts_by_nhs(node::FhirStore& store, const std::string& nhs_number, const std::string& now,
                                               const std::string& holder_ods) {
  node::SearchParams p;
  p.identifier_system = std::string(json::kNhsNumber);
  p.identifier_value = nhs_number;
  p.count = 1;
  node::SearchPage page = store.search("Patient", p);
  for (const auto& r : page.resources)
    if (!r.deleted) return gather_patient_facts(store, r.id, now, holder_ods);
  node::PatientFacts f;
  f.nhs_number = nhs_number;
  f.holder_ods = holder_ods;
  f.now = now;
  return f;
}

}  // namespace hidewire::auth
