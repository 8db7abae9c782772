// The rules of docs/ACCESS.md, in their order. Each returns through `decided(...)` with its id,
// so PatientDecision.rule always names the row that decided.
#include <algorithm>

#include "auth/period.hpp"
#include "plugins/access/consent/consent_policy.hpp"

namespace hidewire::plugins::consent {
namespace {

using node::Caller;
using node::ConsentRule;
using node::PatientDecision;
using Kind = ConsentRule::Kind;
using Result = PatientDecision::Result;

bool contains(const std::vector<std::string>& v, std::string_view s) {
  return !s.empty() && std::find(v.begin(), v.end(), s) != v.end();
}
bool one_of(std::string_view v, std::initializer_list<std::string_view> list) {
  return std::find(list.begin(), list.end(), v) != list.end();
}

// Whether a rule is in force at `now`; a period that cannot be read keeps a deny in force and a
// permit out of it (refuse rather than share).
bool in_force(const ConsentRule& r, const std::string& now) {
  switch (auth::check_period(r.start, r.end, now)) {
    case auth::PeriodCheck::Within: return true;
    case auth::PeriodCheck::Outside: return false;
    case auth::PeriodCheck::Unreadable: return r.kind != Kind::PointOfCare && r.kind != Kind::ProxyGrant;
  }
  return false;
}

// An SDS job role code (R8000). The person's job role comes from the caller's own token, so it
// answers for a configured role only when the config names that SDS code: a token saying
// "sensitive-records" is not given a role of this node's config.
bool is_sds_code(const std::string& r) {
  return r.size() >= 5 && r.size() <= 6 && r[0] == 'R' && std::all_of(r.begin() + 1, r.end(), [](char ch) { return ch >= '0' && ch <= '9'; });
}

bool has_any_role(const Caller& c, const std::vector<std::string>& roles) {
  for (const auto& r : roles)
    if (c.has_role(r) || (is_sds_code(r) && r == c.person.sds_role) || r == c.org_kind) return true;
  return false;
}

bool names_nobody(const ConsentRule& r) { return r.actor_orgs.empty() && r.actor_roles.empty() && r.actor_people.empty(); }

// Whether a rule's actors take in this caller: an organisation (by ODS code, role or org kind),
// or a person (a Patient-kind caller, by NHS number). Naming nobody means everyone.
bool applies_to(const ConsentRule& r, const Caller& c) {
  if (names_nobody(r)) return true;
  if (c.kind == Caller::Kind::Patient) return contains(r.actor_people, c.nhs_number);
  return contains(r.actor_orgs, c.ods_code) || has_any_role(c, r.actor_roles);
}

bool matches(const ConsentRule& r, const node::ResourceView& res) {
  auto any = [](const std::vector<std::string>& wanted, const std::vector<std::string>& have) {
    for (const auto& h : have)
      if (contains(wanted, h)) return true;
    return false;
  };
  // Each data class the provision names must hold (FHIR: provision elements are ANDed).
  if (!r.resource_types.empty() && !contains(r.resource_types, res.type)) return false;
  if (!r.categories.empty() && !any(r.categories, res.categories)) return false;
  if (!r.security_labels.empty() && !any(r.security_labels, res.security_labels)) return false;
  return !r.resource_types.empty() || !r.categories.empty() || !r.security_labels.empty();
}

class ConsentPolicy final : public node::AccessPolicy {
 public:
  explicit ConsentPolicy(Settings s) : s_(std::move(s)) {}

  node::AccessDecision decide(const node::AccessRequest& q) const override {
    const Caller& c = q.caller;
    const std::string_view a = q.action;
    auto allow = [](std::string reason) { return node::AccessDecision{true, std::move(reason), 0, {}}; };
    auto refuse = [](std::string reason) { return node::AccessDecision{false, std::move(reason), 403, "ACCESS_DENIED"}; };
    if (c.kind == Caller::Kind::Anonymous) return allow("anonymous caller (development.allow_anonymous)");
    if (c.kind == Caller::Kind::Patient)
      return one_of(a, {"audit-read", "consent-write", "read", "search"})
                 ? allow("patient caller: decided per patient")
                 : refuse("a patient may read their access log, record their consent and read within a proxy grant, nothing else");
    if (a == "admin")
      return c.has_role("admin") || c.has_role("viewer") ? allow("admin port: admin or viewer role") : refuse("the admin port needs the admin or viewer role");
    if (a == "replay" || a == "match-resolve")
      return c.has_role("admin") ? allow(std::string(a) + ": admin role") : refuse(std::string(a) + " needs the admin role");
    if (one_of(a, {"create", "update", "delete", "transaction", "submit"})) {
      if (q.resource_type.empty())  // a transaction as a whole: each entry's type is asked next
        return c.write_types.empty() ? refuse(c.describe() + " may write no resource type") : allow("may write: entries checked per type");
      std::string type(q.resource_type);
      return c.may_write(type) ? allow("may write " + type) : refuse(c.describe() + " may not write " + type);
    }
    if (a == "consent-write") return c.may_write("Consent") ? allow("may write Consent") : refuse(c.describe() + " may not write Consent");
    if (one_of(a, {"read", "vread", "history", "search", "operation", "export", "audit-read"})) return allow("decided per patient");
    return refuse("unknown action '" + std::string(a) + "'");
  }

  PatientDecision decide_patient(const Caller& c, const node::PatientFacts& f, std::string_view action) const override {
    using CK = Caller::Kind;
    const bool patient_caller = c.kind == CK::Patient;
    const bool holder = !patient_caller && !f.holder_ods.empty() && c.ods_code == f.holder_ods;
    const bool reading = one_of(action, {"read", "vread", "history", "search", "operation"});

    if (c.kind == CK::Anonymous) return decided(Result::Allowed, "R1 development", "anonymous caller under development.allow_anonymous");
    if (!f.found) return decided(Result::NotFound, "R2 unknown patient", "no such patient here");
    if (patient_caller && !c.nhs_number.empty() && c.nhs_number == f.nhs_number) {
      if (one_of(action, {"audit-read", "consent-write"})) return decided(Result::Allowed, "R3 own record", "the patient about their own record");
      return decided(Result::NoRelationship, "R4 own record, other action", "a patient may only read their access log and record consent");
    }
    if (f.sensitive && !holder && !has_any_role(c, s_.sensitive_roles))
      return decided(Result::NotFound, "R5 sensitive record", "restricted record (meta.security R): not shown to this caller");
    if (patient_caller) {
      PatientDecision d = proxy(c, f, reading && action != "operation");
      if (d.allowed()) return d;
      return decided(Result::NotFound, "R7 another's record", "no proxy grant in force for this person");
    }
    if (action == "export" && c.purpose == "secondary-use" && any_in_force(f, Kind::NationalOptOut, c))
      return decided(Result::NoConsent, "R8 national data opt-out", "the patient opted out of secondary use");
    if (holder) return decided(Result::Allowed, "R9 holder", "the holder's own organisation");
    if (action == "audit-read") {
      if (!f.registered_gp_ods.empty() && c.ods_code == f.registered_gp_ods)
        return decided(Result::Allowed, "R10 access log to the registered GP", "the registered GP practice reads the access log");
      return decided(Result::NoRelationship, "R11 access log to others", "only the patient, the holder and the registered GP read the access log");
    }
    // Stated, not assumed: the authentication leaves the purpose empty when the token names none it knows.
    if (!one_of(c.purpose, {"direct-care", "emergency"}))
      return decided(Result::NoRelationship, "R12 not direct care",
                     c.purpose.empty() ? "no purpose of use stated" : "relationships serve direct care, not '" + c.purpose + "'");
    const bool registered_gp = !f.registered_gp_ods.empty() && c.ods_code == f.registered_gp_ods;
    if (registered_gp && s_.registered_gp_full_access)
      return decided(Result::Allowed, "R13 registered GP full access", "the registered GP practice (registered_gp_full_access)");
    if (any_in_force(f, Kind::PointOfCare, c))
      return with_restrictions(decided(Result::Allowed, "R14 point-of-care consent", "consent recorded for this organisation"), c, f);
    std::string relationship = relationship_of(c, f, registered_gp);
    const bool dissent = any_in_force(f, Kind::Dissent, c);
    if ((dissent || relationship.empty()) && reading && break_glass_allowed(c))
      return with_restrictions(decided(Result::BreakGlass, "R15 break-glass", "break-glass: " + c.break_glass_reason), c, f);
    if (dissent) return decided(Result::NoConsent, "R16 dissent", "the patient dissented from sharing");
    if (!relationship.empty()) return with_restrictions(decided(Result::Allowed, "R17 legitimate relationship", relationship), c, f);
    return decided(Result::NoRelationship, "R18 no relationship", "no legitimate relationship for direct care");
  }

  bool permits(const Caller&, const PatientDecision& d, const node::ResourceView& res) const override {
    if (!d.allowed()) return false;
    bool grants = false, granted = false;
    for (const ConsentRule* r : d.restrictions) {
      if (r->kind == Kind::ProxyGrant) {
        grants = true;
        granted = granted || r->resource_types.empty() || contains(r->resource_types, res.type);
      } else if (r->kind == Kind::Restriction && matches(*r, res)) {
        return false;
      }
    }
    return !grants || granted;
  }

 private:
  static PatientDecision decided(Result result, std::string rule, std::string reason) {
    PatientDecision d;
    d.result = result;
    d.rule = std::move(rule);
    d.reason = std::move(reason);
    return d;
  }

  bool any_in_force(const node::PatientFacts& f, Kind kind, const Caller& c) const {
    for (const auto& r : f.consents)
      if (r.kind == kind && applies_to(r, c) && in_force(r, f.now)) return true;
    return false;
  }

  // The restrictions in force that apply to this caller, for permits().
  static PatientDecision with_restrictions(PatientDecision d, const Caller& c, const node::PatientFacts& f) {
    for (const auto& r : f.consents)
      if (r.kind == Kind::Restriction && applies_to(r, c) && in_force(r, f.now)) d.restrictions.push_back(&r);
    return d;
  }

  // R6: a carer or parent within a recorded grant; the grant's classes and the patient's
  // restrictions both narrow what they see. A dissent naming the person cancels the grant.
  PatientDecision proxy(const Caller& c, const node::PatientFacts& f, bool reading) const {
    if (!reading || c.nhs_number.empty()) return {};
    PatientDecision d = decided(Result::Allowed, "R6 proxy within grant", "a proxy within a recorded grant");
    for (const auto& r : f.consents) {
      if (r.kind == Kind::Dissent && contains(r.actor_people, c.nhs_number) && in_force(r, f.now)) return {};
      if (r.kind == Kind::ProxyGrant && r.proxy_nhs_number == c.nhs_number && in_force(r, f.now)) d.restrictions.push_back(&r);
    }
    if (d.restrictions.empty()) return {};
    for (const auto& r : f.consents)
      if (r.kind == Kind::Restriction && applies_to(r, c) && in_force(r, f.now)) d.restrictions.push_back(&r);
    return d;
  }

  std::string relationship_of(const Caller& c, const node::PatientFacts& f, bool registered_gp) const {
    if (registered_gp) return "the registered GP practice";
    if (c.purpose == "emergency" && contains(s_.emergency_kinds, c.org_kind)) return "emergency care by " + c.org_kind;
    if (contains(f.care_team_orgs, c.ods_code)) return "a member of the patient's care team";
    if (contains(f.active_care_orgs, c.ods_code)) return "active care (Encounter, EpisodeOfCare or referral)";
    return {};
  }

  bool break_glass_allowed(const Caller& c) const {
    // A reason of blanks is no reason: the privacy alert and the GP's notification must say why.
    bool reason = c.break_glass_reason.find_first_not_of(" \t\r\n") != std::string::npos;
    return s_.break_glass.allowed && reason && contains(s_.break_glass.purposes, c.purpose) &&
           contains(s_.break_glass.kinds, c.org_kind);
  }

  Settings s_;
};

}  // namespace

std::unique_ptr<node::AccessPolicy> make(Settings settings) { return std::make_unique<ConsentPolicy>(std::move(settings)); }

}  // namespace hidewire::plugins::consent
