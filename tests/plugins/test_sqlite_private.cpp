// The node's SQLite files stay locked while it runs: another process that opens the audit log
// read-write and closes it (an operator's sqlite3, a tool) must not take itself for the last
// user and delete the write-ahead log under the running node, which would lose every record
// appended after. sqlite::open_private once closed a descriptor of its own on the file, and so
// dropped the locks of the audit log's first connection when it opened its reader.
#include <doctest/doctest.h>

#include <unistd.h>

#include <cstdio>
#include <cstdlib>
#include <filesystem>

#include "audit/audit_event.hpp"
#include "plugins/audit/sqlite/audit_log.hpp"

using namespace hidewire;

namespace {

node::AuditRecord record(const std::string& request_id) {
  node::Caller c;
  c.kind = node::Caller::Kind::System;
  c.id = "epr";
  c.ods_code = "RXX";
  c.request_id = request_id;
  audit::Access a{c};
  a.interaction = "read";
  a.resource_type = "Patient";
  a.node_ods = "RXX";
  a.node_name = "Northshire General";
  return audit::make_record(a);
}

// As another program would (the sqlite3 command: a process of its own, not a fork, which would
// share this one's SQLite state): opens the file read-write, counts the entries, closes it.
// -1 when sqlite3 cannot be run.
int count_in_other_process(const std::string& path) {
  std::string cmd = "sqlite3 '" + path + "' 'SELECT COUNT(*) FROM entries' 2>/dev/null";
  std::FILE* p = ::popen(cmd.c_str(), "r");
  if (!p) return -1;
  char buf[32] = {};
  bool got = std::fgets(buf, sizeof buf, p) != nullptr;
  int rc = ::pclose(p);
  return got && rc == 0 ? std::atoi(buf) : -1;
}

}  // namespace

TEST_CASE("another process opening the running audit log leaves its WAL in place: later records are kept") {
  std::filesystem::path dir = std::filesystem::temp_directory_path() / ("hw-sqlite-locks-" + std::to_string(::getpid()));
  std::filesystem::remove_all(dir);
  std::filesystem::create_directories(dir);
  struct Cleanup {
    std::filesystem::path dir;
    ~Cleanup() { std::filesystem::remove_all(dir); }
  } cleanup{dir};
  std::string path = (dir / "audit.db").string();
  {
    plugins::SqliteAuditLog log({path, (dir / "audit-signing.key").string(), (dir / "audit-signing.pub").string(), "Northshire General"});
    log.append_sync({record("lock-1")});
    int first = count_in_other_process(path);
    if (first < 0) {
      MESSAGE("no sqlite3 command: the other process cannot be run");
      return;
    }
    CHECK(first == 1);
    CHECK(std::filesystem::exists(path + "-wal"));  // still the node's
    log.append_sync({record("lock-2")});
    CHECK(count_in_other_process(path) == 2);
    CHECK(std::filesystem::status(path).permissions() == (std::filesystem::perms::owner_read | std::filesystem::perms::owner_write));
  }
}
