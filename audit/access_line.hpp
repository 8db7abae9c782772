// One AuditEvent read back as a line of "who saw my record": when, who, their organisation and
// role, what was done to what, why (purposeOfUse), the outcome and any break-glass reason.
// `hidewire audit who-saw` prints these; the dashboard's patient view lists them.
#pragma once

#include <string>

namespace hidewire::audit {

struct AccessLine {
  std::string when, who, organisation, role, action, what, why, break_glass;
  std::string outcome;       // "success", or "refused or failed (4): reason"
  std::string outcome_code;  // AuditEvent.outcome: 0, 4, 8, 12
  std::string outcome_desc;  // AuditEvent.outcomeDesc
};

AccessLine describe_access(const std::string& event_json);

}  // namespace hidewire::audit
