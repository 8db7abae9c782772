// The consent policy as one table (docs/ACCESS.md): each row a caller, the patient's facts and an
// action -> the result, the rule that decided (its id, R1..R18) and which of the patient's
// resources permits() lets through. Every rule has rows; the request-level decide() has its own.
#include <doctest/doctest.h>

#include <set>

#include "plugins/access/consent/consent_policy.hpp"
#include "tests/access/policy_rows.hpp"

using namespace access_test;
using hidewire::node::PatientDecision;
using Result = PatientDecision::Result;
namespace consent = hidewire::plugins::consent;

namespace {

enum class Policy { Default, GpNotFull, NoBreakGlass, NarrowEmergency };

const hidewire::node::AccessPolicy& policy(Policy p) {
  auto make = [](Policy which) {
    consent::Settings s;
    s.sensitive_roles = {"sensitive-records"};
    if (which == Policy::GpNotFull) s.registered_gp_full_access = false;
    if (which == Policy::NoBreakGlass) s.break_glass.allowed = false;
    if (which == Policy::NarrowEmergency) s.emergency_kinds = {"ambulance-service"};  // A&E: break-glass only
    return consent::make(s);
  };
  static const auto def = make(Policy::Default), gp = make(Policy::GpNotFull), nbg = make(Policy::NoBreakGlass),
                    narrow = make(Policy::NarrowEmergency);
  switch (p) {
    case Policy::GpNotFull: return *gp;
    case Policy::NoBreakGlass: return *nbg;
    case Policy::NarrowEmergency: return *narrow;
    default: return *def;
  }
}

struct Row {
  const char* name;
  Who who;
  PatientFacts facts;
  const char* action;
  Result expect;
  const char* rule;                    // the id the decision must carry
  std::vector<std::string> permitted;  // of resources(): what permits() lets through
  Policy settings = Policy::Default;
};

const char* name_of(Result r) {
  switch (r) {
    case Result::Allowed: return "Allowed";
    case Result::BreakGlass: return "BreakGlass";
    case Result::NoConsent: return "NoConsent";
    case Result::NotFound: return "NotFound";
    case Result::NoRelationship: return "NoRelationship";
  }
  return "?";
}

const std::vector<std::string> kNone;

std::vector<Row> rows() {
  const auto all = all_resources();
  return {
      {"anonymous under development", kAnonymous, edith({dissent()}), "read", Result::Allowed, "R1", all},
      {"unknown patient", kGp, unknown_patient(), "read", Result::NotFound, "R2", kNone},
      {"unknown patient, even in an emergency", with_reason(kAeEmergency, "unconscious"), unknown_patient(), "read", Result::NotFound, "R2", kNone},
      {"patient reads her access log", kEdithHerself, edith(), "audit-read", Result::Allowed, "R3", all},
      {"patient records dissent", kEdithHerself, edith({dissent()}), "consent-write", Result::Allowed, "R3", all},
      {"patient reads her access log, sensitive record", kEdithHerself, edith({}, true), "audit-read", Result::Allowed, "R3", all},
      {"patient reads her record: not through this API", kEdithHerself, edith(), "read", Result::NoRelationship, "R4", kNone},
      {"patient exports her record", kEdithHerself, edith(), "export", Result::NoRelationship, "R4", kNone},
      {"sensitive: A&E in an emergency", kAeEmergency, edith({}, true), "read", Result::NotFound, "R5", kNone},
      {"sensitive: break-glass does not open it", with_reason(kAeEmergency, "anaphylaxis"), edith({}, true), "read", Result::NotFound, "R5", kNone},
      {"sensitive: even the registered GP", kGp, edith({}, true), "read", Result::NotFound, "R5", kNone},
      {"sensitive: a proxy", kEdithsDaughter, edith({proxy_grant(kDaughter, {})}, true), "read", Result::NotFound, "R5", kNone},
      {"sensitive: GP with the sensitive-records role", with_role(kGp, "sensitive-records"), edith({}, true), "read", Result::Allowed, "R13", all},
      {"sensitive: the holder's own EPR", kHolderEpr, edith({}, true), "read", Result::Allowed, "R9", all},
      {"sensitive: a token's job role naming a config role", {K::Peer, "A81001", "gp-practice", {"clinical"}, "direct-care", "", "sensitive-records"},
       edith({}, true), "read", Result::NotFound, "R5", kNone},
      {"proxy: daughter within her grant's classes", kEdithsDaughter, edith({proxy_grant(kDaughter, {"Patient", "Condition", "MedicationRequest"})}), "read",
       Result::Allowed, "R6", {"copd", "patient", "salbutamol"}},
      {"proxy: grant of every class, search", kEdithsDaughter, edith({proxy_grant(kDaughter, {})}), "search", Result::Allowed, "R6", all},
      {"proxy: patient's restriction applies to the proxy", kEdithsDaughter, edith({proxy_grant(kDaughter, {}), restrict_labels({"PSY"})}), "read",
       Result::Allowed, "R6", all_but({"mental-health-letter"})},
      {"proxy: parent does not see what the young person restricted", kParentOfYoungPerson,
       young_person({proxy_grant(kParent, {}), restrict_labels({"SEX"})}), "read", Result::Allowed, "R6", all_but({"chlamydia-test"})},
      {"proxy: restriction naming another organisation does not narrow the proxy", kEdithsDaughter,
       edith({proxy_grant(kDaughter, {}), restrict_labels({"SEX"}, {"RXX"})}), "read", Result::Allowed, "R6", all},
      {"proxy: grant expired", kEdithsDaughter, edith({proxy_grant(kDaughter, {}, "2026-11-30")}), "read", Result::NotFound, "R7", kNone},
      {"proxy: grant names someone else", kStrangerPatient, edith({proxy_grant(kDaughter, {})}), "read", Result::NotFound, "R7", kNone},
      {"proxy: may not write consent for her mother", kEdithsDaughter, edith({proxy_grant(kDaughter, {})}), "consent-write", Result::NotFound, "R7", kNone},
      {"proxy: may not read the access log", kEdithsDaughter, edith({proxy_grant(kDaughter, {})}), "audit-read", Result::NotFound, "R7", kNone},
      {"another patient, no grant", kStrangerPatient, edith(), "read", Result::NotFound, "R7", kNone},
      {"national opt-out: secondary-use export refused", kHolderAnalytics, edith({national_opt_out()}), "export", Result::NoConsent, "R8", kNone},
      {"national opt-out: not opted out, the holder exports", kHolderAnalytics, edith(), "export", Result::Allowed, "R9", all},
      {"national opt-out: never direct care", kAmbulance, edith({national_opt_out()}), "read", Result::Allowed, "R17", all},
      {"national opt-out: GP direct care", kGp, edith({national_opt_out()}), "export", Result::Allowed, "R13", all},
      {"holder: dissent and restrictions are about sharing", kHolderEpr, edith({dissent(), restrict_labels({"PSY"})}), "read", Result::Allowed, "R9", all},
      {"access log: the registered GP exports it", kGp, edith(), "audit-read", Result::Allowed, "R10", all},
      {"access log: not to the respiratory clinic", kRespiratory, edith(), "audit-read", Result::NoRelationship, "R11", kNone},
      {"not direct care: research use by the trust", with_purpose(kRespiratory, "secondary-use"), edith(), "read", Result::NoRelationship, "R12", kNone},
      {"not direct care: secondary-use export by a peer", with_purpose(kRespiratory, "secondary-use"), edith(), "export", Result::NoRelationship, "R12", kNone},
      {"registered GP: full access through dissent and restrictions", kGp, edith({dissent(), restrict_labels({"PSY", "SEX"})}), "read", Result::Allowed,
       "R13", all},
      {"point-of-care consent overrides dissent", kAeDirectCare, edith({dissent(), point_of_care("RWE", "2026-11-01", "2026-12-31")}), "read",
       Result::Allowed, "R14", all},
      {"point-of-care consent, with restrictions", kPharmacy, edith({point_of_care("FA123", "2026-12-02T09:00:00+00:00", "2026-12-02"), restrict_labels({"PSY"})}),
       "read", Result::Allowed, "R14", all_but({"mental-health-letter"})},
      {"point-of-care consent expired: dissent holds", kAeDirectCare, edith({dissent(), point_of_care("RWE", "2026-11-01", "2026-11-30")}), "read",
       Result::NoConsent, "R16", kNone},
      {"point-of-care consent for another organisation", kAmbulance, edith({dissent(), point_of_care("RWE", "2026-11-01", "2026-12-31")}), "read",
       Result::NoConsent, "R16", kNone},
      {"break-glass through dissent", with_reason(kAeEmergency, "unconscious, anticoagulant status needed"), edith({dissent()}), "read",
       Result::BreakGlass, "R15", all},
      {"break-glass keeps the patient's restrictions", with_reason(kAmbulance, "cardiac arrest"), edith({dissent(), restrict_labels({"PSY"})}), "search",
       Result::BreakGlass, "R15", all_but({"mental-health-letter"})},
      {"break-glass not used when a relationship suffices", with_reason(kAeEmergency, "collapsed in A&E"), edith(), "read", Result::Allowed, "R17", all},
      {"break-glass without a relationship", with_reason(kAeEmergency, "collapsed in A&E"), edith(), "read", Result::BreakGlass, "R15", all,
       Policy::NarrowEmergency},
      {"no relationship and no break-glass reason", kAeEmergency, edith(), "read", Result::NoRelationship, "R18", kNone, Policy::NarrowEmergency},
      {"break-glass needs a reason", kAeEmergency, edith({dissent()}), "read", Result::NoConsent, "R16", kNone},
      {"break-glass needs a reason that says something", with_reason(kAeEmergency, " \t "), edith({dissent()}), "read", Result::NoConsent, "R16", kNone},
      {"break-glass needs the emergency purpose", with_reason(kAeDirectCare, "urgent"), edith({dissent()}), "read", Result::NoConsent, "R16", kNone},
      {"break-glass not for a pharmacy", with_reason(with_purpose(kPharmacy, "emergency"), "urgent"), edith({dissent()}), "read", Result::NoConsent, "R16", kNone},
      {"break-glass not for writes", with_reason(kAeEmergency, "urgent"), edith({dissent()}), "create", Result::NoConsent, "R16", kNone},
      {"break-glass switched off", with_reason(kAeEmergency, "unconscious"), edith({dissent()}), "read", Result::NoConsent, "R16", kNone, Policy::NoBreakGlass},
      {"dissent: the ambulance service", kAmbulance, edith({dissent()}), "read", Result::NoConsent, "R16", kNone},
      {"dissent: the care team's voluntary coordinator", kVoluntary, edith({dissent()}), "read", Result::NoConsent, "R16", kNone},
      {"dissent: the registered GP when full access is off", kGp, edith({dissent()}), "read", Result::NoConsent, "R16", kNone, Policy::GpNotFull},
      {"relationship: registered GP, full access off, restrictions apply", kGp, edith({restrict_labels({"PSY"})}), "read", Result::Allowed, "R17",
       all_but({"mental-health-letter"}), Policy::GpNotFull},
      {"relationship: ambulance in an emergency", kAmbulance, edith(), "read", Result::Allowed, "R17", all},
      {"relationship: NHS 111 in an emergency", {K::Peer, "NR1", "nhs-111", {}, "emergency"}, edith(), "read", Result::Allowed, "R17", all},
      {"relationship: A&E in an emergency", kAeEmergency, edith(), "operation", Result::Allowed, "R17", all},
      {"relationship: voluntary-sector care coordinator", kVoluntary, edith(), "read", Result::Allowed, "R17", all},
      {"relationship: care home on the care team", kCareHome, edith(), "search", Result::Allowed, "R17", all},
      {"relationship: council social care episode", kCouncil, edith(), "read", Result::Allowed, "R17", all},
      {"relationship: referral to the respiratory clinic", kRespiratory, edith(), "read", Result::Allowed, "R17", all},
      {"restriction by organisation: sexual health from RXX", kRespiratory, edith({restrict_labels({"SEX"}, {"RXX"})}), "read", Result::Allowed, "R17",
       all_but({"chlamydia-test"})},
      {"restriction by organisation: the rest of the care team unaffected", kVoluntary, edith({restrict_labels({"SEX"}, {"RXX"})}), "read",
       Result::Allowed, "R17", all},
      {"restriction by organisation kind: social history from care homes", kCareHome, edith({restrict_category_for_kind("social-history", "care-home")}),
       "read", Result::Allowed, "R17", all_but({"smoking-status"})},
      {"restriction by SDS role", kAmbulance, edith({restrict_category_for_kind("laboratory", "R0260")}), "read", Result::Allowed, "R17",
       all_but({"chlamydia-test"})},
      {"restriction expired", kRespiratory, edith({[] { auto r = restrict_labels({"SEX"}); r.end = "2026-06-30"; return r; }()}), "read",
       Result::Allowed, "R17", all},
      {"restriction with an unreadable period stays in force", kRespiratory, edith({[] { auto r = restrict_labels({"SEX"}); r.end = "soon"; return r; }()}),
       "read", Result::Allowed, "R17", all_but({"chlamydia-test"})},
      {"no relationship: a pharmacy", kPharmacy, edith(), "read", Result::NoRelationship, "R18", kNone},
      {"no relationship: another trust, direct care", kAeDirectCare, edith(), "read", Result::NoRelationship, "R18", kNone},
      {"not direct care: no purpose stated", with_purpose(kRespiratory, ""), edith(), "read", Result::NoRelationship, "R12", kNone},
      {"not direct care: no purpose stated, even for the registered GP", with_purpose(kGp, ""), edith(), "read", Result::NoRelationship, "R12", kNone},
  };
}

}  // namespace

TEST_CASE("consent policy: every rule of docs/ACCESS.md, row by row") {
  std::set<std::string> rules_seen;
  for (const Row& row : rows()) {
    CAPTURE(row.name);
    const auto& p = policy(row.settings);
    const Caller c = caller_of(row.who);
    PatientDecision d = p.decide_patient(c, row.facts, row.action);
    CHECK_MESSAGE(name_of(d.result) == std::string(name_of(row.expect)), row.name);
    // The rule id comes first ("R16 dissent"): exact id, not a prefix of another (R1 vs R16).
    std::string id = d.rule.substr(0, d.rule.find(' '));
    CHECK_MESSAGE(id == row.rule, row.name, ": decided by ", d.rule);
    CHECK_FALSE(d.reason.empty());
    rules_seen.insert(id);
    std::vector<std::string> permitted;
    for (const auto& [name, view] : resources())
      if (p.permits(c, d, view)) permitted.push_back(name);
    CHECK_MESSAGE(permitted == row.permitted, row.name);
    // The API skips permits() when nothing restricts: that must never let through more.
    if (d.allowed() && d.restrictions.empty()) CHECK_MESSAGE(permitted == all_resources(), row.name);
  }
  for (int i = 1; i <= 18; ++i) CHECK_MESSAGE(rules_seen.count("R" + std::to_string(i)) == 1, "no row for rule R", i);
}

TEST_CASE("consent policy: the request itself (decide)") {
  struct RequestRow {
    const char* name;
    Who who;
    std::vector<std::string> write_types;
    const char* action;
    const char* type;
    bool allowed;
  };
  const std::vector<RequestRow> table = {
      {"anonymous under development: anything", kAnonymous, {}, "replay", "", true},
      {"admin port: admin", with_role(kHolderEpr, "admin"), {}, "admin", "", true},
      {"admin port: viewer", with_role(kHolderEpr, "viewer"), {}, "admin", "", true},
      {"admin port: clinical system", kHolderEpr, {}, "admin", "", false},
      {"replay: admin", with_role(kHolderEpr, "admin"), {}, "replay", "", true},
      {"replay: viewer may not", with_role(kHolderEpr, "viewer"), {}, "replay", "", false},
      {"match resolve: admin", with_role(kHolderEpr, "admin"), {}, "match-resolve", "", true},
      {"match resolve: a peer", kGp, {}, "match-resolve", "", false},
      {"write granted type", kHolderEpr, {"Observation", "DiagnosticReport"}, "create", "Observation", true},
      {"write other type", kHolderEpr, {"Observation"}, "update", "Patient", false},
      {"write any type", kHolderEpr, {"*"}, "update", "Patient", true},
      {"transaction: entries asked next", kGp, {"Observation"}, "transaction", "", true},
      {"transaction: no write types", kGp, {}, "transaction", "", false},
      {"transaction entry not granted", kGp, {"Observation"}, "transaction", "Provenance", false},
      {"submit granted", kRespiratory, {"ServiceRequest"}, "submit", "ServiceRequest", true},
      {"peer reads: decided per patient", kAmbulance, {}, "read", "Patient", true},
      {"peer searches", kAmbulance, {}, "search", "Observation", true},
      {"peer exports", kHolderAnalytics, {}, "export", "", true},
      {"professional records consent", kGp, {"Consent"}, "consent-write", "Consent", true},
      {"system without Consent writes", kCouncil, {"Observation"}, "consent-write", "Consent", false},
      {"patient: access log", kEdithHerself, {}, "audit-read", "", true},
      {"patient: consent", kEdithHerself, {}, "consent-write", "Consent", true},
      {"patient: read (a proxy, decided per patient)", kEdithsDaughter, {}, "read", "MedicationRequest", true},
      {"patient: create anything else", kEdithHerself, {"*"}, "create", "Observation", false},
      {"patient: export", kEdithHerself, {}, "export", "", false},
      {"patient: admin port, whatever roles", with_role(kEdithHerself, "admin"), {}, "admin", "", false},
      {"unknown action", kGp, {}, "purge", "", false},
  };
  const auto& p = policy(Policy::Default);
  for (const auto& row : table) {
    CAPTURE(row.name);
    Caller c = caller_of(row.who);
    c.write_types = row.write_types;
    auto d = p.decide({c, row.action, row.type, ""});
    CHECK_MESSAGE(d.allowed == row.allowed, row.name, ": ", d.reason);
    CHECK_FALSE(d.reason.empty());
    if (!d.allowed) {
      CHECK(d.status == 403);
      CHECK(d.code == "ACCESS_DENIED");
    }
  }
}
