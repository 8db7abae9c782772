#include "plugins/audit/sqlite/plugin.hpp"

#include "plugins/audit/sqlite/audit_log.hpp"

namespace hidewire::plugins::sqlite_audit {

namespace {

// The public key's file: the private key's name with .pub for its extension.
std::string public_key_path(const std::string& key_path) {
  auto dot = key_path.rfind('.');
  auto slash = key_path.rfind('/');
  if (dot == std::string::npos || (slash != std::string::npos && dot < slash)) return key_path + ".pub";
  return key_path.substr(0, dot) + ".pub";
}

}  // namespace

node::AuditLogBuilder factory(node::ConfigReader& r) {
  Settings s;
  r.str("path", s.path);
  r.str("signing_key", s.signing_key);
  r.num("checkpoint_every_ms", s.checkpoint_every_ms, 0, 3600 * 1000);
  r.num("journal_linger_ms", s.journal_linger_ms, 0, 1000);
  return [s](const node::StorageContext& ctx) {
    SqliteAuditLog::Options o;
    o.path = ctx.under(s.path);
    o.key_path = ctx.under(s.signing_key);
    o.pub_path = public_key_path(o.key_path);
    o.origin = ctx.node_name.empty() ? "node" : ctx.node_name;
    o.checkpoint_every_ms = s.checkpoint_every_ms;
    o.journal_linger_ms = s.journal_linger_ms;
    return std::make_unique<SqliteAuditLog>(o);
  };
}

}  // namespace hidewire::plugins::sqlite_audit
