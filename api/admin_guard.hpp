// The admin port's door: every endpoint but /health (liveness, no data) needs an authenticated
// caller the policy allows (`admin` to read: roles admin or viewer; `replay`: role admin), and
// every use is audited before it is answered.
#pragma once

#include <functional>
#include <string>

#include "api/admin.hpp"
#include "node/access_policy.hpp"
#include "node/audit_log.hpp"
#include "node/authentication.hpp"

namespace hidewire::api {

struct AdminGuard {
  node::Authentication& auth;
  const node::AccessPolicy& policy;
  node::AuditLog& audit;
  std::string node_ods, node_name;
};

// Audits one use of the admin listener (who, the interaction, what was used, the patient it
// concerned, its outcome: 0, 4 refused, 8 failed), then answers; a use that cannot be audited is
// answered 503, not with its data. The dashboard's calls are audited through it too.
void audit_then_answer(const AdminGuard& g, const node::Caller& caller, const std::string& interaction, const std::string& what,
                       const std::string& patient_nhs, int outcome, const std::string& why, http::Response answer,
                       std::function<void(http::Response)> reply);

void guarded_admin(const AdminContext& ctx, const AdminGuard& guard, const http::Request& r, std::function<void(http::Response)> reply);

}  // namespace hidewire::api
