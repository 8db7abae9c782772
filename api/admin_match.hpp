// The admin endpoints of patient matching (docs/MATCHING.md): GET /match (the messages held
// because their patient could not be traced to one NHS number), GET /match/{id} (one, with its
// patient's demographics and the candidates as they score now), POST /match/{id}/resolve with
// {"nhs_number": "..."}, {"action": "new-patient"} or {"action": "reject"}. A resolved message
// is converted again, keyed as the operator said, stored and routed; the answer waits for that.
// The guard (api/admin_guard.hpp) asks the policy for "match-resolve" (role admin) and audits it.
#pragma once

#include <string>

#include "api/admin.hpp"

namespace hidewire::api {

bool is_match_path(const std::string& path);
bool is_match_resolve(const http::Request& r);
http::Response match_handle(const AdminContext& ctx, const http::Request& r);
// The valid NHS number a resolve body names, for the audit; empty otherwise.
std::string resolve_nhs_number(const std::string& body);

}  // namespace hidewire::api
