// One access as an AuditEvent shaped as IHE Basic Audit Log Patterns (BALP): type rest and
// subtype (the RESTful interaction), action, recorded, outcome, agents (the caller: who, role,
// organisation, network address; the person acting through it; this node), source (this node),
// entities (the patient, the query, the X-Request-ID transaction), purposeOfUse and break-glass.
#pragma once

#include <string>
#include <string_view>

#include "node/audit_log.hpp"
#include "node/caller.hpp"

namespace hidewire::audit {

struct Access {
  const node::Caller& caller;
  std::string interaction{};   // read, vread, history-instance, search-type, create, update, transaction, batch, operation, export, submit, replay, consent-write, audit-read
  std::string resource_type{}; // the type acted on (empty: none)
  std::string resource_id{};
  std::string query{};         // the query string for a search (carried base64 in entity.query); never logged
  std::string patient_id{}, patient_nhs{};  // the patient it was about (empty: none or not known)
  int outcome = 0;           // 0 success, 4 refused (minor failure), 8 failed (serious), 12 major
  std::string outcome_text{};  // the reason: the policy's rule, the error
  std::string node_ods{}, node_name{};  // this node: source.observer
  bool withheld = false;     // part of the answer was withheld by a restriction
  std::int64_t journal_id = 0;  // a write audited from the journal
};

// The NHS number a converted Bundle (or any FHIR JSON) is keyed by, found without parsing it:
// the first NHS number identifier's value; empty when there is none.
std::string nhs_number_in(std::string_view fhir_json);

// The AuditEvent JSON and its indexed fields, ready for AuditLog::append. `recorded` is set to now.
node::AuditRecord make_record(const Access& a);
// The same with `recorded` given: the AuditEvent of a record stored compact (audit/submit_record.hpp).
node::AuditRecord make_record(const Access& a, std::string recorded);

}  // namespace hidewire::audit
