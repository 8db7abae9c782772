// The audit log over SQLite: entries and signed checkpoints of an RFC 6962 Merkle tree
// (audit/merkle.hpp) in one file (WAL, synchronous=FULL, 0600). One writer thread group-commits:
// whatever is queued while it syncs goes into the next transaction, with a checkpoint when one is
// due, and `done` runs once that commit is durable. At start-up the tree is rebuilt from the
// stored leaf hashes and checked against the latest checkpoint; a log that does not match is
// refused. `hidewire audit` reads the same file (tools/hidewire/cmd_audit.cpp).
#pragma once

#include <sqlite3.h>

#include <chrono>
#include <condition_variable>
#include <memory>
#include <mutex>
#include <thread>

#include "audit/merkle.hpp"
#include "audit/signing.hpp"
#include "node/audit_log.hpp"
#include "node/storage.hpp"

namespace hidewire::sqlite {
class StmtCache;
}

namespace hidewire::plugins {

class SqliteAuditLog final : public node::AuditLog {
 public:
  struct Options {
    std::string path, key_path, pub_path;
    std::string origin = "node";         // the node's name, in every checkpoint
    std::int64_t checkpoint_every_ms = 1000;
    std::int64_t max_pages = 0;          // tests: a small database that fills up (0: no limit)
    // How long the audits of journalled messages alone may wait to share a commit (the journal
    // already holds them durably, nobody waits on them): fewer, larger commits on the ingest path.
    // Anything else queued, an answered access, is written at once and takes them along.
    std::int64_t journal_linger_ms = 50;
  };
  explicit SqliteAuditLog(const Options& o);
  ~SqliteAuditLog() override;

  void append(std::vector<node::AuditRecord> records, Done done) override;
  void append_sync(std::vector<node::AuditRecord> records) override;
  std::vector<node::AuditRecord> query(const node::AuditQuery& q) override;
  std::int64_t journal_high_water() override;
  std::vector<std::string> token_ids_since(const std::string& since) override;
  void stop() override;

  std::uint64_t size();         // entries committed
  std::uint64_t signed_size();  // entries covered by the latest checkpoint

 private:
  struct Pending {
    std::vector<node::AuditRecord> records;
    Done done;
  };
  static bool deferrable(const std::vector<node::AuditRecord>& records);
  void enqueue(std::vector<node::AuditRecord> records, Done done, bool urgent);
  void rebuild();
  void run();
  void write(std::vector<Pending>& batch);
  void checkpoint_alone();
  void insert_checkpoint(const audit::CompactRange& range);
  void keep_checkpoint_file();  // the latest checkpoint, also outside the database (audit/checkpoint_file.hpp)
  audit::Checkpoint last_signed_;

  Options o_;
  audit::SigningKey key_;
  sqlite3* db_ = nullptr;      // the writer's (and start-up's)
  sqlite3* reader_ = nullptr;  // queries, under read_mu_
  std::unique_ptr<sqlite::StmtCache> stmts_, read_stmts_;
  std::mutex read_mu_;

  std::mutex mu_;
  std::condition_variable cv_;
  std::vector<Pending> queue_;
  bool queue_urgent_ = false;  // something queued must be written at once
  std::chrono::steady_clock::time_point queued_since_;
  bool stopping_ = false, stopped_ = false;
  audit::CompactRange range_;     // the committed tree (writer thread; read under mu_)
  std::uint64_t signed_size_ = 0;
  bool synced_ = true;  // the connection's synchronous setting: FULL (true) or NORMAL
  std::chrono::steady_clock::time_point last_checkpoint_;
  node::StorageWatch watch_{"audit log", "accesses are refused until it can write"};
  std::thread writer_;
};

}  // namespace hidewire::plugins
