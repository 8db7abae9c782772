// The people, organisations, facts and resources the policy table (test_policy.cpp) is written in.
// Mrs Edith Harper, 85 (NHS 9434765919): COPD, type 2 diabetes, hypertension. Registered at
// A81001; held by the community trust's node (R1A), whose district nurses are on her care team
// with a voluntary-sector care coordinator (8HR52) and the care home she stays at for respite
// (VM4L7); the council (718) runs her social care episode; she is referred to the respiratory
// clinic at RXX. Her daughter (9449306613) is her carer. A second patient, a 15-year-old
// (9000000009), has a parent (9449305552) with proxy access.
#pragma once

#include <algorithm>
#include <map>
#include <string>
#include <vector>

#include "node/access_policy.hpp"

namespace access_test {

using hidewire::node::Caller;
using hidewire::node::ConsentRule;
using hidewire::node::PatientFacts;
using hidewire::node::ResourceView;

inline const char* kEdith = "9434765919";
inline const char* kDaughter = "9449306613";
inline const char* kYoungPerson = "9000000009";
inline const char* kParent = "9449305552";
inline const char* kStranger = "9449310475";
inline const char* kNow = "2026-12-02T10:15:00.000Z";

// A caller as the authentication would make it.
struct Who {
  Caller::Kind kind;
  std::string ods, org_kind;
  std::vector<std::string> roles;
  std::string purpose;
  std::string break_glass_reason;
  std::string sds_role;  // the person acting through the credential
  std::string nhs;       // Patient callers
  Who(Caller::Kind k, std::string o = {}, std::string ok = {}, std::vector<std::string> r = {}, std::string p = {}, std::string bg = {},
      std::string sds = {}, std::string n = {})
      : kind(k), ods(std::move(o)), org_kind(std::move(ok)), roles(std::move(r)), purpose(std::move(p)), break_glass_reason(std::move(bg)),
        sds_role(std::move(sds)), nhs(std::move(n)) {}
};

inline Caller caller_of(const Who& w) {
  Caller c;
  c.kind = w.kind;
  c.id = w.ods.empty() ? "patient-idp" : "peer-" + w.ods;
  c.ods_code = w.ods;
  c.org_kind = w.org_kind;
  c.roles = w.roles;
  c.purpose = w.purpose;
  c.break_glass_reason = w.break_glass_reason;
  if (!w.sds_role.empty()) {
    c.person_present = true;
    c.person = {"0123456789", "Dr Amira Khan", w.sds_role};
  }
  c.nhs_number = w.nhs;
  return c;
}

inline Who with_reason(Who w, std::string reason) {
  w.break_glass_reason = std::move(reason);
  return w;
}
inline Who with_purpose(Who w, std::string purpose) {
  w.purpose = std::move(purpose);
  return w;
}
inline Who with_role(Who w, std::string role) {
  w.roles.push_back(std::move(role));
  return w;
}

using K = Caller::Kind;
inline const Who kGp{K::Peer, "A81001", "gp-practice", {"clinical"}, "direct-care", "", "R8000"};
inline const Who kHolderEpr{K::System, "R1A", "community", {"clinical"}, ""};
inline const Who kHolderAnalytics{K::System, "R1A", "community", {}, "secondary-use"};
inline const Who kAmbulance{K::Peer, "RX9", "ambulance-service", {}, "emergency", "", "R0260"};
inline const Who kAeEmergency{K::Peer, "RWE", "acute-trust", {"clinical"}, "emergency", "", "R8000"};
inline const Who kAeDirectCare{K::Peer, "RWE", "acute-trust", {"clinical"}, "direct-care"};
inline const Who kRespiratory{K::Peer, "RXX", "acute-trust", {"clinical"}, "direct-care"};
inline const Who kVoluntary{K::Peer, "8HR52", "voluntary", {}, "direct-care"};
inline const Who kCareHome{K::Peer, "VM4L7", "care-home", {}, "direct-care"};
inline const Who kCouncil{K::Peer, "718", "social-care", {}, "direct-care"};
inline const Who kPharmacy{K::Peer, "FA123", "pharmacy", {}, "direct-care"};
inline const Who kAnonymous{K::Anonymous};
inline const Who kEdithHerself{K::Patient, "", "", {}, "patient-access", "", "", kEdith};
inline const Who kEdithsDaughter{K::Patient, "", "", {}, "patient-access", "", "", kDaughter};
inline const Who kParentOfYoungPerson{K::Patient, "", "", {}, "patient-access", "", "", kParent};
inline const Who kStrangerPatient{K::Patient, "", "", {}, "patient-access", "", "", kStranger};

inline ConsentRule rule(ConsentRule::Kind kind, std::string id) {
  ConsentRule r;
  r.kind = kind;
  r.id = std::move(id);
  return r;
}

// Edith's facts, with the Consents a row names.
inline PatientFacts edith(std::vector<ConsentRule> consents = {}, bool sensitive = false) {
  PatientFacts f;
  f.found = true;
  f.patient_id = "edith";
  f.nhs_number = kEdith;
  f.holder_ods = "R1A";
  f.sensitive = sensitive;
  f.registered_gp_ods = "A81001";
  f.care_team_orgs = {"R1A", "8HR52", "VM4L7"};
  f.care_team_people = {kDaughter};
  f.active_care_orgs = {"718", "RXX"};
  f.consents = std::move(consents);
  f.now = kNow;
  return f;
}

inline PatientFacts unknown_patient() {
  PatientFacts f;
  f.patient_id = "nobody";
  f.holder_ods = "R1A";
  f.now = kNow;
  return f;
}

inline PatientFacts young_person(std::vector<ConsentRule> consents) {
  PatientFacts f = edith(std::move(consents));
  f.patient_id = "young";
  f.nhs_number = kYoungPerson;
  f.care_team_people = {};
  return f;
}

using CK = ConsentRule::Kind;
inline ConsentRule dissent() { return rule(CK::Dissent, "dissent-1"); }
inline ConsentRule point_of_care(std::string ods, std::string start, std::string end) {
  ConsentRule r = rule(CK::PointOfCare, "poc-1");
  r.actor_orgs = {std::move(ods)};
  r.start = std::move(start);
  r.end = std::move(end);
  return r;
}
inline ConsentRule restrict_labels(std::vector<std::string> labels, std::vector<std::string> orgs = {}) {
  ConsentRule r = rule(CK::Restriction, "restrict-1");
  r.security_labels = std::move(labels);
  r.actor_orgs = std::move(orgs);
  return r;
}
inline ConsentRule restrict_category_for_kind(std::string category, std::string kind) {
  ConsentRule r = rule(CK::Restriction, "restrict-2");
  r.categories = {std::move(category)};
  r.actor_roles = {std::move(kind)};
  return r;
}
inline ConsentRule proxy_grant(std::string nhs, std::vector<std::string> types, std::string end = {}) {
  ConsentRule r = rule(CK::ProxyGrant, "proxy-1");
  r.proxy_nhs_number = nhs;
  r.actor_people = {nhs};
  r.resource_types = std::move(types);
  r.start = "2025-06-01";
  r.end = std::move(end);
  return r;
}
inline ConsentRule national_opt_out() { return rule(CK::NationalOptOut, "ndop-1"); }

// The resources permits() is asked about, by name.
inline const std::map<std::string, ResourceView>& resources() {
  static const std::map<std::string, ResourceView> r = {
      {"patient", {"Patient", {}, {}}},
      {"copd", {"Condition", {"problem-list-item"}, {}}},
      {"spirometry", {"Observation", {"procedure"}, {}}},
      {"chlamydia-test", {"Observation", {"laboratory"}, {"SEX", "STD"}}},
      {"mental-health-letter", {"DocumentReference", {"clinical-note"}, {"PSY"}}},
      {"salbutamol", {"MedicationRequest", {"community"}, {}}},
      {"smoking-status", {"Observation", {"social-history"}, {}}},
  };
  return r;
}

inline std::vector<std::string> all_resources() {
  std::vector<std::string> out;
  for (const auto& [name, view] : resources()) out.push_back(name);
  return out;
}
inline std::vector<std::string> all_but(std::vector<std::string> withheld) {
  std::vector<std::string> out;
  for (const auto& name : all_resources())
    if (std::find(withheld.begin(), withheld.end(), name) == withheld.end()) out.push_back(name);
  return out;
}

}  // namespace access_test
