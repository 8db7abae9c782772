// AccessPolicy: who may do what, decided at the data holder. Every listener that serves or
// accepts data asks it before acting, in two steps:
//   1. decide(): the request itself (may this credential write Observations, replay messages,
//      search without naming a patient);
//   2. decide_patient() for each patient the answer is about, from what the holder knows of that
//      patient (PatientFacts: registered GP, care team, active care, Consent resources), then
//      permits() for each resource of that patient (granular restrictions: the rest still flows).
// The `consent` plugin (plugins/access/consent, docs/ACCESS.md) is the real policy; `allow-all`
// is for development. Implementations are pure and table-driven: no I/O, thread-safe.
#pragma once

#include <string>
#include <string_view>
#include <vector>

#include "node/caller.hpp"

namespace hidewire::node {

struct AccessRequest {
  const Caller& caller;
  std::string_view action;         // read, search, create, update, transaction, operation, export, submit, admin, replay, audit-read, consent-write
  std::string_view resource_type;  // empty: not about one type
  std::string_view resource_id;
};

struct AccessDecision {
  bool allowed = false;
  std::string reason;  // why, in words an auditor reads
  int status = 403;    // when refused: 401 or 403
  std::string code;    // when refused: an OperationOutcome / GP Connect code (forbidden, ACCESS DENIED...)
};

// One Consent resource of the patient, as the policy reads it (auth/patient_facts.hpp parses them).
struct ConsentRule {
  enum class Kind {
    Dissent,          // opt-out of sharing (provision deny, no data class): nothing flows but to the exceptions
    PointOfCare,      // permit for named organisations in a period: overrides dissent for them
    Restriction,      // deny of data classes (types, categories, security labels), optionally for named recipients
    ProxyGrant,       // permit for a named person (a carer, a parent) to see the record, within classes
    NationalOptOut,   // the national data opt-out: secondary use only
  };
  Kind kind = Kind::Dissent;
  std::string id;                          // Consent/<id>
  std::string start, end;                  // provision.period (empty: open)
  std::vector<std::string> actor_orgs;     // ODS codes the provision names; empty: everyone
  std::vector<std::string> actor_roles;    // roles (SDS job roles, org kinds) it names; empty: everyone
  std::vector<std::string> resource_types; // data classes: resource types
  std::vector<std::string> categories;     // data classes: category codes (e.g. mental-health)
  std::vector<std::string> security_labels;// data classes: meta.security codes (v3-ActCode SEX, STD, PSY, SDV, PREGNANT...)
  std::string proxy_nhs_number;            // ProxyGrant: the person allowed
  bool recorded_by_patient = true;         // false: recorded by a proxy or a professional
  std::vector<std::string> actor_people;   // people it names by NHS number (a proxy grant's, a restriction aimed at a proxy)
};

struct PatientFacts {
  bool found = false;
  std::string patient_id, nhs_number;
  bool sensitive = false;                      // meta.security R: PATIENT_NOT_FOUND to all but permitted roles
  bool deceased = false;
  std::string registered_gp_ods;               // Patient.generalPractitioner organisation
  std::vector<std::string> care_team_orgs;     // CareTeam participants' organisations (NHS or not)
  std::vector<std::string> care_team_people;   // CareTeam participants by NHS number / identifier (carers, volunteers)
  std::vector<std::string> active_care_orgs;   // active Encounter, EpisodeOfCare, ServiceRequest
  std::vector<ConsentRule> consents;           // active ones
  std::string now;                             // the instant the facts were read at (for periods)
  std::string holder_ods;                      // the organisation holding the record (this node's)
};

struct PatientDecision {
  enum class Result {
    Allowed,
    BreakGlass,     // allowed because the caller broke glass: privacy alert and GP notification follow
    NoConsent,      // 403 NO_PATIENT_CONSENT
    NotFound,       // 404 PATIENT_NOT_FOUND (unknown, or sensitive and the caller not permitted)
    NoRelationship, // 403: no legitimate relationship for this purpose
  };
  Result result = Result::NoRelationship;
  std::string rule;    // the row of docs/ACCESS.md that decided, e.g. "R4 dissent"
  std::string reason;  // for the audit
  std::vector<const ConsentRule*> restrictions;  // to apply to each resource (pointers into the facts)
  bool allowed() const { return result == Result::Allowed || result == Result::BreakGlass; }
};

// What permits() looks at in one resource.
struct ResourceView {
  std::string_view type;
  std::vector<std::string> categories;       // category codes
  std::vector<std::string> security_labels;  // meta.security codes
};

class AccessPolicy {
 public:
  virtual ~AccessPolicy() = default;
  // Thread-safe; called on I/O threads, so it must not block.
  virtual AccessDecision decide(const AccessRequest& request) const = 0;
  virtual PatientDecision decide_patient(const Caller& caller, const PatientFacts& facts, std::string_view action) const = 0;
  // Whether one resource of a patient may go to the caller, under the patient decision.
  virtual bool permits(const Caller& caller, const PatientDecision& decision, const ResourceView& resource) const = 0;
};

}  // namespace hidewire::node
