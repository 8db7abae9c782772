// What one FHIR API request did, for its audit: the interaction, what it was about, whose record
// it touched and how it ended. The API fills it while serving; one AuditEvent is appended per
// patient the answer was about (or one with no patient), before the answer is sent, and before
// the store is written for a write.
#pragma once

#include <functional>
#include <string>
#include <vector>

#include "net/http/server.hpp"

namespace hidewire::http {

struct TrailPatient {
  std::string id, nhs_number;
  bool withheld = false;     // a restriction held part of this patient's record back
  bool break_glass = false;  // reached by break-glass: privacy alert, GP notified
  std::string registered_gp_ods;
  std::string rule;          // the policy rule that decided
};

struct AccessTrail {
  std::string interaction;   // BALP subtype: read, vread, history-instance, search-type, create, update, transaction, batch, operation, audit-read, consent-write
  std::string type, id, query;
  std::vector<TrailPatient> patients;
  int outcome = 0;           // 0 success, 4 refused, 8 failed
  std::string outcome_text;
  // A write that passed every check that can refuse it without writing (policy, validation,
  // write rules): the store write itself, run by FhirApi::finish only once this access is
  // audited as authorised and the record is durable, and never on the audit log's thread. Its
  // answer replaces the one serve() gave. It may throw the store's errors, or say in `after` (a
  // copy of this trail) what it did not apply (a batch's entries): either is audited again.
  std::function<Response(AccessTrail& after)> apply;

  TrailPatient& patient(const std::string& patient_id) {
    for (auto& p : patients)
      if (p.id == patient_id) return p;
    patients.push_back({patient_id, {}, false, false, {}, {}});
    return patients.back();
  }
};

}  // namespace hidewire::http
