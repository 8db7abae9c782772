#include "tools/hidewire/audited_authentication.hpp"

#include "audit/audit_event.hpp"
#include "log/log.hpp"

namespace hidewire::cli {

node::AuthOutcome AuditedAuthentication::audited(node::AuthOutcome o, const std::string& listener, const std::string& address,
                                                 const std::string& request_id) {
  if (o.ok) return o;
  node::Caller nobody;  // who it claimed to be is not known: the refusal says what was presented
  nobody.address = address;
  nobody.request_id = request_id;
  audit::Access a{nobody};
  a.interaction = "submit";
  a.resource_type = "Bundle";
  a.resource_id = listener;
  a.outcome = 4;
  a.outcome_text = "sender refused (" + std::to_string(o.status) + "): " + o.message;
  a.node_ods = node_ods_;
  a.node_name = node_name_;
  audit_.append({audit::make_record(a)}, [](bool ok, const std::string& error) {
    if (!ok) log::error("audit: a refused sender could not be audited", {{"error", error}});
  });
  return o;
}

node::AuthOutcome AuditedAuthentication::authenticate(const node::Credentials& c) {
  return audited(inner_.authenticate(c), c.listener, c.address, c.request_id);
}

node::AuthOutcome AuditedAuthentication::system(const std::string& name, const std::string& address) {
  return audited(inner_.system(name, address), "system " + name, address, {});
}

}  // namespace hidewire::cli
