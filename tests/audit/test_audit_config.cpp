// The node config's `audit` object: sqlite by default (audit.db under data_dir, the key made at
// first start), its settings typed, unknown keys and bad values reported with their JSON path.
#include <doctest/doctest.h>
#include <sys/stat.h>

#include <algorithm>
#include <filesystem>

#include "audit/signing.hpp"
#include "node/config.hpp"
#include "plugins/audit/sqlite/log_reader.hpp"
#include "plugins/registry.hpp"

using namespace hidewire;

namespace {

std::vector<node::AuditRecord> one_record() {
  node::AuditRecord r;
  r.recorded = "2026-12-02T09:00:00.000Z";
  r.event_json = R"({"resourceType":"AuditEvent"})";
  return {r};
}

std::string config(const std::string& audit) {
  return R"({"node": {"name": "a81001-gp", "ods_code": "A81001"}, "sources": [{"name": "s", "type": "mllp-hl7v2", "listen": "127.0.0.1:2575"}],
    "destinations": [{"name": "store", "type": "fhir-store"}], "unmatched": {"destinations": ["store"]})" +
         (audit.empty() ? std::string() : ", \"audit\": " + audit) + "}";
}

std::vector<std::string> problems_of(const std::string& json) {
  try {
    node::parse_config(json, plugins::builtin());
  } catch (const node::ConfigError& e) {
    return e.problems;
  }
  return {};
}

bool has(const std::vector<std::string>& p, const std::string& fragment) {
  return std::any_of(p.begin(), p.end(), [&](const std::string& l) { return l.find(fragment) != std::string::npos; });
}

}  // namespace

TEST_CASE("by default the audit log is sqlite, audit.db under data_dir, with a key made at first start") {
  node::NodeConfig c = node::parse_config(config(""), plugins::builtin());
  REQUIRE(c.audit);
  char tmpl[] = "/tmp/hw-audit-config-XXXXXX";
  std::filesystem::path dir = ::mkdtemp(tmpl);
  {
    auto log = c.audit(node::StorageContext{dir.string(), c.name});
    log->append_sync(one_record());
    log->stop();
  }
  CHECK(std::filesystem::exists(dir / "audit.db"));
  CHECK(std::filesystem::exists(dir / "audit-signing.key"));
  CHECK(std::filesystem::exists(dir / "audit-signing.pub"));
  plugins::AuditLogReader r((dir / "audit.db").string());
  auto checkpoints = r.checkpoints();
  REQUIRE(checkpoints.size() == 1);
  CHECK(checkpoints[0].origin == "a81001-gp");  // the node's name, in the signed note
  CHECK(checkpoints[0].note().rfind("hidewire-audit/a81001-gp\n1\n", 0) == 0);
  CHECK(audit::PublicKey::load((dir / "audit-signing.pub").string()).verify(checkpoints[0]));
  std::filesystem::remove_all(dir);
}

TEST_CASE("the audit settings: paths, the checkpoint interval") {
  node::NodeConfig c = node::parse_config(
      config(R"({"type": "sqlite", "path": "logs/audit-a81001.db", "signing_key": "keys/audit.pem", "checkpoint_every_ms": 0})"),
      plugins::builtin());
  char tmpl[] = "/tmp/hw-audit-config-XXXXXX";
  std::filesystem::path dir = ::mkdtemp(tmpl);
  std::filesystem::create_directories(dir / "logs");
  std::filesystem::create_directories(dir / "keys");
  {
    auto log = c.audit(node::StorageContext{dir.string(), c.name});
    log->append_sync(one_record());
  }
  CHECK(std::filesystem::exists(dir / "logs/audit-a81001.db"));
  CHECK(std::filesystem::exists(dir / "keys/audit.pem"));
  CHECK(std::filesystem::exists(dir / "keys/audit.pub"));
  std::filesystem::remove_all(dir);
}

TEST_CASE("audit config problems are reported with their JSON path") {
  CHECK(has(problems_of(config(R"({"type": "postgres"})")), "$.audit.type"));
  CHECK(has(problems_of(config(R"({"paht": "x.db"})")), "$.audit.paht"));
  CHECK(has(problems_of(config(R"({"checkpoint_every_ms": -5})")), "$.audit.checkpoint_every_ms"));
  CHECK(has(problems_of(config(R"({"signing_key": 7})")), "$.audit.signing_key"));
  CHECK(problems_of(config(R"({"type": "sqlite", "checkpoint_every_ms": 250})")).empty());
}
