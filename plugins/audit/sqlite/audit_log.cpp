#include "plugins/audit/sqlite/audit_log.hpp"

#include <pthread.h>

#include <algorithm>
#include <future>

#include "audit/checkpoint_file.hpp"
#include "audit/verify.hpp"
#include "fhir/clock.hpp"
#include "log/log.hpp"
#include "plugins/audit/sqlite/entry_query.hpp"
#include "plugins/common/sqlite.hpp"

namespace hidewire::plugins {
namespace {

using sqlite::Stmt;
using sqlite::exec;

}  // namespace

SqliteAuditLog::SqliteAuditLog(const Options& o) : o_(o) {
  try {
    key_ = audit::SigningKey::load_or_create(o.key_path, o.pub_path);
  } catch (const audit::KeyError& e) {
    throw std::runtime_error(std::string("audit log signing key: ") + e.what());
  }
  db_ = sqlite::open_private(o.path, "audit log");
  stmts_ = std::make_unique<sqlite::StmtCache>(db_);
  // WAL with synchronous=FULL: an acknowledged access is audited across a crash of the machine.
  exec(db_, "PRAGMA journal_mode=WAL; PRAGMA synchronous=FULL; PRAGMA temp_store=MEMORY;");
  exec(db_,
       "CREATE TABLE IF NOT EXISTS entries (seq INTEGER PRIMARY KEY, recorded TEXT NOT NULL, event_json TEXT NOT NULL,"
       " leaf_hash TEXT NOT NULL, patient_nhs TEXT NOT NULL DEFAULT '', patient_id TEXT NOT NULL DEFAULT '',"
       " request_id TEXT NOT NULL DEFAULT '', agent_ods TEXT NOT NULL DEFAULT '', action TEXT NOT NULL DEFAULT '',"
       " outcome TEXT NOT NULL DEFAULT '', token_id TEXT NOT NULL DEFAULT '', journal_id INTEGER NOT NULL DEFAULT 0);"
       // Partial: most entries have no patient id (messages), no token id (no JWT), no request id
       // (MLLP messages); only the audits of journalled messages count for the journal's
       // high-water mark. Each index an entry skips is a page fewer written per commit on the
       // ingest path.
       "DROP INDEX IF EXISTS entries_patient_id; DROP INDEX IF EXISTS entries_token_id; DROP INDEX IF EXISTS entries_journal_id;"
       "DROP INDEX IF EXISTS entries_request_id; DROP INDEX IF EXISTS entries_patient_nhs;"
       "CREATE INDEX IF NOT EXISTS entries_by_patient_nhs ON entries(patient_nhs) WHERE patient_nhs > '';"
       "CREATE INDEX IF NOT EXISTS entries_by_request_id ON entries(request_id) WHERE request_id > '';"
       "CREATE INDEX IF NOT EXISTS entries_by_patient_id ON entries(patient_id) WHERE patient_id > '';"
       "CREATE INDEX IF NOT EXISTS entries_by_token_id ON entries(token_id) WHERE token_id > '';"
       "CREATE INDEX IF NOT EXISTS entries_submits ON entries(journal_id) WHERE action = 'submit';"
       // origin: the node that signed (the note names it); the four others as the brief of the format.
       "CREATE TABLE IF NOT EXISTS checkpoints (tree_size INTEGER NOT NULL, root_hash TEXT NOT NULL, signed_at TEXT NOT NULL,"
       " signature TEXT NOT NULL, origin TEXT NOT NULL);"
       "CREATE INDEX IF NOT EXISTS checkpoints_size ON checkpoints(tree_size);");
  exec(db_, kEntryKeysSchema);
  if (o.max_pages > 0) exec(db_, ("PRAGMA max_page_count=" + std::to_string(o.max_pages)).c_str());
  rebuild();
  reader_ = sqlite::open_private(o.path, "audit log");
  read_stmts_ = std::make_unique<sqlite::StmtCache>(reader_);
  last_checkpoint_ = std::chrono::steady_clock::now();
  // Entries written after the last checkpoint before a crash are signed now.
  if (range_.size() > signed_size_) checkpoint_alone();
  writer_ = std::thread([this] {
    pthread_setname_np(pthread_self(), "hw-audit");  // named for top -H and perf
    run();
  });
}

SqliteAuditLog::~SqliteAuditLog() {
  stop();
  read_stmts_.reset();
  stmts_.reset();
  sqlite3_close(reader_);
  sqlite3_close(db_);
}

// The compact range from every stored leaf hash, checked against the latest signed checkpoint.
void SqliteAuditLog::rebuild() {
  audit::Checkpoint latest;
  bool have = false;
  {
    Stmt c(*stmts_, "SELECT tree_size, root_hash, signed_at, signature, origin FROM checkpoints ORDER BY tree_size DESC, rowid DESC LIMIT 1");
    if (c.step()) {
      have = true;
      latest.tree_size = static_cast<std::uint64_t>(c.integer(0));
      latest.root = audit::hash_from_hex(c.text(1)).value_or(audit::Hash{});
      latest.signed_at = c.text(2);
      latest.signature = c.text(3);
      latest.origin = c.text(4);
    }
  }
  auto refuse = [&](const std::string& why) {
    throw std::runtime_error("audit log " + o_.path + ": " + why +
                             "; the log was altered (run `hidewire audit verify --db " + o_.path + "`): the node does not start on it");
  };
  if (have && !audit::PublicKey::from_pem(key_.public_pem()).verify(latest))
    refuse("the latest checkpoint (size " + std::to_string(latest.tree_size) + ") is not signed by this node's key");
  if (std::string why = audit::checkpoints_removed(audit::checkpoint_file_of(o_.path), audit::PublicKey::from_pem(key_.public_pem()),
                                                    latest.tree_size, have);
      !why.empty())
    refuse(why);
  // The event itself is hashed again: an edit of event_json alone leaves the stored leaf hashes,
  // and so the signed root, as they were.
  // So are its indexed columns and entry_keys, which the leaf hash does not cover.
  std::int64_t edited = 0, reindexed = 0;
  std::string columns;
  each_stored_entry(*stmts_, true, [&](const audit::StoredEntry& e) {
    std::int64_t seq = e.seq;
    if (seq != static_cast<std::int64_t>(range_.size()) + 1)
      refuse("entry " + std::to_string(range_.size() + 1) + " is missing (the next stored is entry " + std::to_string(seq) + ")");
    auto leaf = audit::hash_from_hex(e.leaf_hash);
    if (!leaf) refuse("entry " + std::to_string(seq) + " has no valid leaf hash");
    if (!edited && audit::leaf_hash(e.event_json) != *leaf) edited = seq;  // said after the checks of the tree itself
    if (!reindexed) {
      auto derived = audit::derive_index(e.event_json);
      columns = derived ? audit::index_mismatch(*e.index, *derived) : "columns";
      if (!columns.empty()) reindexed = seq;
    }
    range_.append(*leaf);
    if (have && range_.size() == latest.tree_size && range_.root() != latest.root)
      refuse("the " + std::to_string(latest.tree_size) + " entries up to the latest checkpoint do not match its signed root");
    return true;
  });
  if (have && range_.size() < latest.tree_size)
    refuse("the latest checkpoint covers " + std::to_string(latest.tree_size) + " entries but only " + std::to_string(range_.size()) +
           " are stored");
  if (edited) refuse("entry " + std::to_string(edited) + " was edited: its event no longer matches its leaf hash");
  if (reindexed) refuse(audit::index_fault(reindexed, columns));
  if (std::int64_t orphan = first_orphan_key(*stmts_))
    refuse("entry_keys indexes entry " + std::to_string(orphan) + ", which is not stored (an index written ahead of its entry)");
  signed_size_ = have ? latest.tree_size : 0;
}

// The audit of a journalled message: the journal holds it durably, and the log catches up from
// the journal after a crash, so it needs no sync and no hurry of its own.
bool SqliteAuditLog::deferrable(const std::vector<node::AuditRecord>& records) {
  for (const node::AuditRecord& r : records)
    if (!(r.action == "submit" && r.journal_id > 0)) return false;
  return true;
}

void SqliteAuditLog::append(std::vector<node::AuditRecord> records, Done done) { enqueue(std::move(records), std::move(done), false); }

void SqliteAuditLog::enqueue(std::vector<node::AuditRecord> records, Done done, bool urgent) {
  {
    std::lock_guard lock(mu_);
    if (!stopped_ && !stopping_) {
      if (queue_.empty()) queued_since_ = std::chrono::steady_clock::now();
      queue_urgent_ = queue_urgent_ || urgent || !deferrable(records);
      queue_.push_back({std::move(records), std::move(done)});
      cv_.notify_one();
      return;
    }
  }
  if (done) done(false, "the audit log is stopped");
}

void SqliteAuditLog::append_sync(std::vector<node::AuditRecord> records) {
  std::promise<std::string> result;
  auto f = result.get_future();
  // Someone waits: no lingering (the start-up catch-up appends the journal's audits this way).
  enqueue(std::move(records), [&result](bool ok, const std::string& error) { result.set_value(ok ? std::string() : error.empty() ? "failed" : error); },
          true);
  std::string error = f.get();
  if (!error.empty()) throw node::StorageUnavailable("audit log: " + error);
}

void SqliteAuditLog::run() {
  // An idle unsigned tail is signed once the interval has passed (not more often than every
  // 100 ms, so a disk that cannot take the checkpoint is not retried in a tight loop).
  const auto every = std::chrono::milliseconds(std::max<std::int64_t>(o_.checkpoint_every_ms, 100));
  const auto linger = std::chrono::milliseconds(std::max<std::int64_t>(o_.journal_linger_ms, 0));
  std::unique_lock lock(mu_);
  for (;;) {
    if (queue_.empty() && !stopping_) {
      if (range_.size() > signed_size_) cv_.wait_until(lock, last_checkpoint_ + every, [&] { return stopping_ || !queue_.empty(); });
      else cv_.wait(lock, [&] { return stopping_ || !queue_.empty(); });
    }
    if (!queue_.empty() && !queue_urgent_ && !stopping_ && linger.count() > 0)
      cv_.wait_until(lock, queued_since_ + linger, [&] { return stopping_ || queue_urgent_; });
    std::vector<Pending> batch;
    batch.swap(queue_);
    queue_urgent_ = false;
    bool final = stopping_ && batch.empty();
    bool due = range_.size() > signed_size_ && std::chrono::steady_clock::now() >= last_checkpoint_ + every;
    lock.unlock();
    if (!batch.empty()) write(batch);
    else if (final || due) checkpoint_alone();
    lock.lock();
    if (final) break;
  }
}

void SqliteAuditLog::keep_checkpoint_file() {
  try {
    audit::write_checkpoint_file(audit::checkpoint_file_of(o_.path), last_signed_);
  } catch (const std::exception& e) {
    log::warn("audit log: the checkpoint file could not be written", {{"error", e.what()}});
  }
}

void SqliteAuditLog::insert_checkpoint(const audit::CompactRange& range) {
  audit::Checkpoint c;
  c.origin = o_.origin;
  c.tree_size = range.size();
  c.root = range.root();
  c.signed_at = fhir::utc_now_instant();
  c.signature = key_.sign(c.note());
  Stmt s(*stmts_, "INSERT INTO checkpoints(tree_size, root_hash, signed_at, signature, origin) VALUES(?, ?, ?, ?, ?)");
  s.bind(1, static_cast<std::int64_t>(c.tree_size)).bind(2, audit::to_hex(c.root)).bind(3, c.signed_at).bind(4, c.signature).bind(5, c.origin);
  s.step();
  last_signed_ = c;
}

void SqliteAuditLog::write(std::vector<Pending>& batch) {
  audit::CompactRange range;
  {
    std::lock_guard lock(mu_);
    range = range_;
  }
  auto now = std::chrono::steady_clock::now();
  bool checkpoint = o_.checkpoint_every_ms == 0 || now >= last_checkpoint_ + std::chrono::milliseconds(o_.checkpoint_every_ms);
  // An answered access must be durable before its answer (a sync of the WAL: synchronous=FULL).
  // The audit of a journalled message need not be: the journal already holds the message durably
  // and the log catches up from it at start-up, so a batch of those alone is committed without a
  // sync of its own (it survives a SIGKILL in the kernel's cache; the next synced commit, or
  // the catch-up after a power loss, covers it).
  bool must_sync = false;
  for (const Pending& p : batch) must_sync = must_sync || !deferrable(p.records);
  if (must_sync != synced_) {
    exec(db_, must_sync ? "PRAGMA synchronous=FULL" : "PRAGMA synchronous=NORMAL");
    synced_ = must_sync;
  }
  std::string error;
  try {
    exec(db_, "BEGIN IMMEDIATE");
    try {
      for (const Pending& p : batch)
        for (const node::AuditRecord& r : p.records) {
          std::int64_t seq = static_cast<std::int64_t>(range.size()) + 1;
          std::string json = audit::with_seq(r.event_json, seq);
          audit::Hash leaf = audit::leaf_hash(json);
          Stmt s(*stmts_,
                 "INSERT INTO entries(seq, recorded, event_json, leaf_hash, patient_nhs, patient_id, request_id, agent_ods, action,"
                 " outcome, token_id, journal_id) VALUES(?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)");
          s.bind(1, seq).bind(2, r.recorded.empty() ? fhir::utc_now_instant() : r.recorded).bind(3, json).bind(4, audit::to_hex(leaf))
              .bind(5, r.patient_nhs).bind(6, r.patient_id).bind(7, r.request_id).bind(8, r.agent_ods).bind(9, r.action)
              .bind(10, r.outcome).bind(11, r.token_id).bind(12, r.journal_id);
          s.step();
          insert_entry_keys(*stmts_, seq, r);
          range.append(leaf);
        }
      if (checkpoint) insert_checkpoint(range);
      exec(db_, "COMMIT");
    } catch (...) {
      sqlite::rollback(db_);
      throw;
    }
  } catch (const std::exception& e) {
    error = e.what();
  }
  if (!error.empty()) {
    watch_.failed(error);
    for (Pending& p : batch)
      if (p.done) p.done(false, error);
    return;
  }
  watch_.ok();
  if (checkpoint) keep_checkpoint_file();
  {
    std::lock_guard lock(mu_);
    range_ = range;
    if (checkpoint) {
      signed_size_ = range.size();
      last_checkpoint_ = now;
    }
  }
  for (Pending& p : batch)
    if (p.done) p.done(true, {});
}

void SqliteAuditLog::checkpoint_alone() {
  audit::CompactRange range;
  {
    std::lock_guard lock(mu_);
    if (range_.size() == signed_size_) return;
    range = range_;
  }
  try {
    exec(db_, "BEGIN IMMEDIATE");
    try {
      insert_checkpoint(range);
      exec(db_, "COMMIT");
    } catch (...) {
      sqlite::rollback(db_);
      throw;
    }
  } catch (const std::exception& e) {
    watch_.failed(e.what());
    std::lock_guard lock(mu_);
    last_checkpoint_ = std::chrono::steady_clock::now();  // tried: again after the interval, not in a loop
    return;
  }
  keep_checkpoint_file();
  std::lock_guard lock(mu_);
  signed_size_ = range.size();
  last_checkpoint_ = std::chrono::steady_clock::now();
}

void SqliteAuditLog::stop() {
  {
    std::lock_guard lock(mu_);
    if (stopped_) return;
    stopping_ = true;
    cv_.notify_one();
  }
  if (writer_.joinable()) writer_.join();
  std::lock_guard lock(mu_);
  stopped_ = true;
}

std::uint64_t SqliteAuditLog::size() {
  std::lock_guard lock(mu_);
  return range_.size();
}

std::uint64_t SqliteAuditLog::signed_size() {
  std::lock_guard lock(mu_);
  return signed_size_;
}

std::vector<node::AuditRecord> SqliteAuditLog::query(const node::AuditQuery& q) {
  std::lock_guard lock(read_mu_);
  return query_entries(*read_stmts_, q);
}

std::int64_t SqliteAuditLog::journal_high_water() {
  std::lock_guard lock(read_mu_);
  Stmt s(*read_stmts_, "SELECT COALESCE(MAX(journal_id), 0) FROM entries WHERE action = 'submit'");
  s.step();
  return s.integer(0);
}

std::vector<std::string> SqliteAuditLog::token_ids_since(const std::string& since) {
  std::lock_guard lock(read_mu_);
  return plugins::token_ids_since(*read_stmts_, since);
}

}  // namespace hidewire::plugins
