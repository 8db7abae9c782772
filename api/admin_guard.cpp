#include "api/admin_guard.hpp"

#include <memory>

#include "api/admin_match.hpp"
#include "api/fhir_api.hpp"
#include "audit/audit_event.hpp"

namespace hidewire::api {
namespace {

bool is_replay(const http::Request& r) {
  return r.method == "POST" && r.path.rfind("/messages/", 0) == 0 && r.path.ends_with("/replay");
}

void audited(const AdminGuard& g, const node::Caller& caller, const std::string& interaction, const http::Request& r, int outcome,
             const std::string& why, http::Response answer, const std::function<void(http::Response)>& reply) {
  // A resolved match is found in the log by the patient it was keyed to (who-saw --nhs).
  std::string nhs = interaction == "match-resolve" ? resolve_nhs_number(r.body) : std::string();
  audit_then_answer(g, caller, interaction, r.path, nhs, outcome, why, std::move(answer), reply);
}

}  // namespace

void audit_then_answer(const AdminGuard& g, const node::Caller& caller, const std::string& interaction, const std::string& what,
                       const std::string& patient_nhs, int outcome, const std::string& why, http::Response answer,
                       std::function<void(http::Response)> reply) {
  audit::Access a{caller};
  a.patient_nhs = patient_nhs;
  a.interaction = interaction;
  a.resource_type = "";
  a.resource_id = what;
  a.outcome = outcome;
  a.outcome_text = why;
  a.node_ods = g.node_ods;
  a.node_name = g.node_name;
  http::answer_when_audited(g.audit, {audit::make_record(a)}, std::move(answer), std::move(reply));
}

void guarded_admin(const AdminContext& ctx, const AdminGuard& g, const http::Request& r, std::function<void(http::Response)> reply) {
  if (r.method == "GET" && r.path == "/health") return admin_handle_async(ctx, r, std::move(reply));
  std::string interaction = is_replay(r) ? "replay" : is_match_resolve(r) ? "match-resolve" : "admin";
  node::AuthOutcome a = g.auth.authenticate(http::credentials_of(r, "admin"));
  if (!a.ok) {
    node::Caller nobody;
    nobody.address = r.peer_address;
    http::Response no = http::operation_outcome(a.status, a.code.empty() ? "login" : a.code, a.message);
    if (a.status == 401) no.headers["WWW-Authenticate"] = "Bearer";
    return audited(g, nobody, interaction, r, 4, "authentication refused: " + a.message, std::move(no), reply);
  }
  node::AccessDecision d = g.policy.decide({a.caller, interaction, "", ""});
  if (!d.allowed) {
    http::Response no = http::operation_outcome(d.status ? d.status : 403, d.code.empty() ? "forbidden" : d.code, d.reason);
    return audited(g, a.caller, interaction, r, 4, d.reason, std::move(no), reply);
  }
  auto caller = std::make_shared<node::Caller>(std::move(a.caller));
  admin_handle_async(ctx, r, [&g, caller, interaction, r, reply](http::Response out) {
    int outcome = out.status >= 500 ? 8 : out.status >= 400 ? 4 : 0;
    audited(g, *caller, interaction, r, outcome, out.status >= 400 ? "answered " + std::to_string(out.status) : "", std::move(out), reply);
  });
}

}  // namespace hidewire::api
