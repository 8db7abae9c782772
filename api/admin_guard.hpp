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

void guarded_admin(const AdminContext& ctx, const AdminGuard& guard, const http::Request& r, std::function<void(http::Response)> reply);

}  // namespace hidewire::api
