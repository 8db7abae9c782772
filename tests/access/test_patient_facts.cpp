// gather_patient_facts on the real SQLite store: Mrs Edith Harper, 85, with COPD, type 2
// diabetes and hypertension. Registered at A81001; a CareTeam with the community nursing team,
// a voluntary-sector care coordinator, a care home and her daughter; the council's social care
// episode; an active referral to the respiratory clinic at RXX; and her Consents: a dissent, a
// point-of-care consent for a walk-in centre, a restriction of sexual-health-labelled records
// from RXX, a proxy grant for her daughter, the national data opt-out, and some that must not count.
#include <doctest/doctest.h>

#include <unistd.h>

#include <algorithm>
#include <filesystem>

#include "auth/patient_facts.hpp"
#include "plugins/access/consent/consent_policy.hpp"
#include "plugins/stores/sqlite/fhir_store.hpp"
#include "tests/access/fhir_fixtures.hpp"

using namespace hidewire;
using Kind = node::ConsentRule::Kind;

namespace {

struct TempStore {
  std::filesystem::path path = std::filesystem::temp_directory_path() / ("hw-facts-" + std::to_string(::getpid()) + ".db");
  std::unique_ptr<node::FhirStore> store;
  TempStore() {
    std::filesystem::remove(path);
    store = std::make_unique<plugins::SqliteFhirStore>(path.string());
  }
  ~TempStore() {
    store.reset();
    for (const char* ext : {"", "-wal", "-shm"}) std::filesystem::remove(path.string() + ext);
  }
};

void load(node::FhirStore& s, const std::vector<fixtures::Resource>& resources) {
  for (const auto& r : resources) s.update(r.type, r.id, r.json);
}

bool has(const std::vector<std::string>& v, const std::string& s) { return std::find(v.begin(), v.end(), s) != v.end(); }

const node::ConsentRule* find_rule(const node::PatientFacts& f, const std::string& id, Kind kind) {
  for (const auto& r : f.consents)
    if (r.id == id && r.kind == kind) return &r;
  return nullptr;
}

const char* kNow = "2026-12-02T10:15:00.000Z";

}  // namespace

TEST_CASE("patient facts: relationships and Consents of an 85-year-old with a care team") {
  TempStore t;
  load(*t.store, fixtures::edith_record());
  node::PatientFacts f = auth::gather_patient_facts(*t.store, "edith", kNow, "R1A");
  REQUIRE(f.found);
  CHECK(f.patient_id == "edith");
  CHECK(f.nhs_number == "9434765919");
  CHECK(f.holder_ods == "R1A");
  CHECK(f.now == kNow);
  CHECK_FALSE(f.sensitive);
  CHECK_FALSE(f.deceased);
  CHECK(f.registered_gp_ods == "A81001");  // generalPractitioner -> Organization/a81001 -> its ODS identifier

  // CareTeam: by Organization reference, by ODS identifier, on behalf of an organisation; the
  // daughter as a person; a participant whose period ended and an inactive team do not count.
  CHECK(has(f.care_team_orgs, "R1A"));
  CHECK(has(f.care_team_orgs, "VM4L7"));
  CHECK(has(f.care_team_orgs, "8HR52"));
  CHECK_FALSE(has(f.care_team_orgs, "NQT"));
  CHECK_FALSE(has(f.care_team_orgs, "RA7"));
  CHECK(f.care_team_orgs.size() == 3);
  CHECK(f.care_team_people == std::vector<std::string>{"9449306613"});

  // Active care: the council's EpisodeOfCare, the referral (requester and performer through a
  // PractitionerRole), the district nurses' home visit; finished ones do not count.
  CHECK(has(f.active_care_orgs, "718"));
  CHECK(has(f.active_care_orgs, "RXX"));
  CHECK(has(f.active_care_orgs, "A81001"));
  CHECK(has(f.active_care_orgs, "R1A"));
  CHECK_FALSE(has(f.active_care_orgs, "RR8"));
  CHECK_FALSE(has(f.active_care_orgs, "RM1"));
  CHECK_FALSE(has(f.active_care_orgs, "RGT"));

  // Consents: six rules from six active privacy Consents; withdrawn and treatment ones ignored.
  CHECK(f.consents.size() == 6);
  const auto* dissent = find_rule(f, "edith-dissent", Kind::Dissent);
  REQUIRE(dissent);
  CHECK(dissent->start == "2026-10-01");
  CHECK(dissent->actor_orgs.empty());
  CHECK(dissent->recorded_by_patient);
  const auto* poc = find_rule(f, "edith-poc-walk-in", Kind::PointOfCare);
  REQUIRE(poc);
  CHECK(poc->actor_orgs == std::vector<std::string>{"RWE"});
  CHECK(poc->start == "2026-12-02T08:00:00Z");
  CHECK(poc->end == "2026-12-02T20:00:00Z");
  CHECK_FALSE(poc->recorded_by_patient);  // recorded by the walk-in centre's nurse
  const auto* sex = find_rule(f, "edith-restrict-sexual-health", Kind::Restriction);
  REQUIRE(sex);
  CHECK(sex->security_labels == std::vector<std::string>{"SEX", "STD"});
  CHECK(sex->actor_orgs == std::vector<std::string>{"RXX"});  // nested deny; Organization/rxx resolved
  const auto* proxy = find_rule(f, "edith-proxy-daughter", Kind::ProxyGrant);
  REQUIRE(proxy);
  CHECK(proxy->proxy_nhs_number == "9449306613");  // RelatedPerson/daughter resolved to her NHS number
  CHECK(proxy->resource_types == std::vector<std::string>{"Patient", "MedicationRequest", "Appointment"});
  CHECK(proxy->start == "2025-06-01");
  CHECK(find_rule(f, "edith-ndop", Kind::NationalOptOut));
  const auto* by_role = find_rule(f, "edith-restrict-care-homes", Kind::Restriction);
  REQUIRE(by_role);
  CHECK(by_role->categories == std::vector<std::string>{"social-history"});
  CHECK(by_role->actor_roles == std::vector<std::string>{"care-home"});
  CHECK_FALSE(find_rule(f, "edith-dissent-withdrawn", Kind::Dissent));
  CHECK_FALSE(find_rule(f, "edith-treatment", Kind::Dissent));

  SUBCASE("the same by NHS number") {
    node::PatientFacts g = auth::gather_patient_facts_by_nhs(*t.store, "9434765919", kNow, "R1A");
    REQUIRE(g.found);
    CHECK(g.patient_id == "edith");
    CHECK(g.consents.size() == 6);
    CHECK(g.registered_gp_ods == "A81001");
  }

  SUBCASE("and what the consent policy makes of them") {
    auto policy = plugins::consent::make({});
    auto ask = [&](node::Caller c) { return policy->decide_patient(c, f, "read"); };
    node::Caller gp;
    gp.kind = node::Caller::Kind::Peer;
    gp.ods_code = "A81001";
    gp.org_kind = "gp-practice";
    gp.purpose = "direct-care";
    CHECK(ask(gp).rule.rfind("R13 ", 0) == 0);
    node::Caller walk_in = gp;
    walk_in.ods_code = "RWE";
    walk_in.org_kind = "acute-trust";
    CHECK(ask(walk_in).rule.rfind("R14 ", 0) == 0);  // point-of-care consent, today only
    node::Caller clinic = walk_in;
    clinic.ods_code = "RXX";
    CHECK(ask(clinic).result == node::PatientDecision::Result::NoConsent);  // referral, but she dissented
    node::Caller daughter;
    daughter.kind = node::Caller::Kind::Patient;
    daughter.nhs_number = "9449306613";
    auto d = ask(daughter);
    CHECK(d.rule.rfind("R6 ", 0) == 0);
    std::string type;
    CHECK(policy->permits(daughter, d, auth::view_of(fixtures::salbutamol_json(), type)));
    CHECK_FALSE(policy->permits(daughter, d, auth::view_of(fixtures::spirometry_json(), type)));
    node::Caller analytics;
    analytics.kind = node::Caller::Kind::System;
    analytics.ods_code = "R1A";
    analytics.purpose = "secondary-use";
    CHECK(policy->decide_patient(analytics, f, "export").result == node::PatientDecision::Result::NoConsent);  // R8
  }
}

TEST_CASE("patient facts: a sensitive record, GP by identifier, unresolvable actors") {
  TempStore t;
  load(*t.store, fixtures::sensitive_record());
  node::PatientFacts f = auth::gather_patient_facts(*t.store, "protected", kNow, "R1A");
  REQUIRE(f.found);
  CHECK(f.sensitive);  // meta.security R (v3-Confidentiality)
  CHECK(f.deceased);
  CHECK(f.registered_gp_ods == "B86010");  // generalPractitioner by ODS identifier, no Organization stored
  REQUIRE(f.consents.size() == 1);
  // A deny naming an Organization the store does not have applies to everyone; a permit naming
  // one admits no one (dropped).
  CHECK(f.consents[0].kind == Kind::Restriction);
  CHECK(f.consents[0].security_labels == std::vector<std::string>{"PSY"});
  CHECK(f.consents[0].actor_orgs.empty());
  CHECK(f.consents[0].actor_roles.empty());
}

TEST_CASE("patient facts: unknown patient") {
  TempStore t;
  load(*t.store, fixtures::edith_record());
  node::PatientFacts f = auth::gather_patient_facts(*t.store, "nobody", kNow, "R1A");
  CHECK_FALSE(f.found);
  CHECK(f.holder_ods == "R1A");
  CHECK(f.consents.empty());
  node::PatientFacts g = auth::gather_patient_facts_by_nhs(*t.store, "9000000009", kNow, "R1A");
  CHECK_FALSE(g.found);
  CHECK(g.nhs_number == "9000000009");
}
