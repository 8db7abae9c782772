// What one FHIR API request did, for its audit: the interaction, what it was about, whose record
// it touched and how it ended. The API fills it while serving; one AuditEvent is appended per
// patient the answer was about (or one with no patient), before the answer is sent.
#pragma once

#include <string>
#include <vector>

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

  TrailPatient& patient(const std::string& patient_id) {
    for (auto& p : patients)
      if (p.id == patient_id) return p;
    patients.push_back({patient_id, {}, false, false, {}, {}});
    return patients.back();
  }
};

}  // namespace hidewire::http
