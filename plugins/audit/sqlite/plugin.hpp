// Registration of the `sqlite` audit log: settings { "path": "audit.db", "signing_key":
// "audit-signing.key", "checkpoint_every_ms": 1000 } (paths under data_dir).
#pragma once

#include <cstdint>

#include "node/registry.hpp"

namespace hidewire::plugins::sqlite_audit {

struct Settings {
  std::string path = "audit.db";
  std::string signing_key = "audit-signing.key";  // PEM; made (ECDSA P-256) at first start, its .pub beside it
  std::int64_t checkpoint_every_ms = 1000;        // a signed checkpoint at most this often under load; 0: every commit
  std::int64_t journal_linger_ms = 50;            // journalled messages' audits wait this long to share a commit
};

node::AuditLogBuilder factory(node::ConfigReader& settings);

}  // namespace hidewire::plugins::sqlite_audit
