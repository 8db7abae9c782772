#include "plugins/audit/sqlite/log_reader.hpp"

#include "audit/checkpoint_file.hpp"
#include "plugins/audit/sqlite/entry_query.hpp"

#include <filesystem>
#include <stdexcept>

namespace hidewire::plugins {
namespace {

// One statement, finalised when it goes out of scope.
struct Query {
  Query(sqlite3* db, const char* sql) {
    if (sqlite3_prepare_v2(db, sql, -1, &s, nullptr) != SQLITE_OK)
      throw std::runtime_error(std::string("audit log: ") + sqlite3_errmsg(db));
  }
  ~Query() { sqlite3_finalize(s); }
  bool step() {
    int rc = sqlite3_step(s);
    if (rc == SQLITE_ROW) return true;
    if (rc == SQLITE_DONE) return false;
    throw std::runtime_error(std::string("audit log: ") + sqlite3_errstr(rc));
  }
  std::string text(int i) {
    const unsigned char* t = sqlite3_column_text(s, i);
    return t ? std::string(reinterpret_cast<const char*>(t), static_cast<std::size_t>(sqlite3_column_bytes(s, i))) : "";
  }
  std::int64_t integer(int i) { return sqlite3_column_int64(s, i); }
  sqlite3_stmt* s = nullptr;
};

audit::Checkpoint checkpoint(Query& q) {
  audit::Checkpoint c;
  c.tree_size = static_cast<std::uint64_t>(q.integer(0));
  c.root = audit::hash_from_hex(q.text(1)).value_or(audit::Hash{});
  c.signed_at = q.text(2);
  c.signature = q.text(3);
  c.origin = q.text(4);
  return c;
}

}  // namespace

AuditLogReader::AuditLogReader(const std::string& path) : path_(path) {
  if (!std::filesystem::exists(path)) throw std::runtime_error(path + ": no such file");
  sqlite::configure_process();
  if (sqlite3_open_v2(path.c_str(), &db_, SQLITE_OPEN_READONLY, nullptr) != SQLITE_OK) {
    std::string why = db_ ? sqlite3_errmsg(db_) : "out of memory";
    sqlite3_close(db_);
    db_ = nullptr;
    throw std::runtime_error(path + ": " + why);
  }
  sqlite3_busy_timeout(db_, 5000);
  Query q(db_, "SELECT COUNT(*) FROM sqlite_master WHERE type = 'table' AND name IN ('entries', 'checkpoints')");
  if (!q.step() || q.integer(0) != 2) throw std::runtime_error(path + ": not an audit log (no entries and checkpoints tables)");
  sqlite::StmtCache stmts(db_);
  has_keys_ = has_entry_keys(stmts);
}

AuditLogReader::~AuditLogReader() { sqlite3_close(db_); }

std::vector<audit::StoredEntry> AuditLogReader::entries() {
  std::vector<audit::StoredEntry> out;
  each_entry([&](const audit::StoredEntry& e) {
    out.push_back(e);
    return true;
  });
  return out;
}

void AuditLogReader::each_entry(const std::function<bool(const audit::StoredEntry&)>& each) {
  sqlite::StmtCache stmts(db_);
  each_stored_entry(stmts, has_keys_, each);
}

audit::VerifyResult AuditLogReader::verify(const audit::PublicKey& key) {
  std::vector<audit::Checkpoint> all = checkpoints();
  std::string removed = audit::checkpoints_removed(audit::checkpoint_file_of(path_), key, all.empty() ? 0 : all.back().tree_size, !all.empty());
  if (!removed.empty()) {
    audit::VerifyResult r;
    r.ok = false;
    r.message = removed;
    return r;
  }
  audit::LogVerifier verifier(std::move(all), key);
  each_entry([&](const audit::StoredEntry& e) { return verifier.add(e); });
  audit::VerifyResult r = verifier.finish();
  if (!r.ok) return r;
  sqlite::StmtCache stmts(db_);
  if (!has_keys_) {
    r.message += "; the log has no entry_keys table (written by a hidewire from before batches of journalled messages, so it has "
                 "none to index): start the node on it once to add the table, which who-saw needs";
  } else if (std::int64_t orphan = first_orphan_key(stmts)) {
    r.ok = false;
    r.bad_entry = orphan;
    r.message = "entry_keys indexes entry " + std::to_string(orphan) + ", which is not stored (an index written ahead of its entry)";
  }
  return r;
}

std::vector<audit::Hash> AuditLogReader::leaf_hashes() {
  Query q(db_, "SELECT leaf_hash FROM entries ORDER BY seq");
  std::vector<audit::Hash> out;
  while (q.step()) out.push_back(audit::hash_from_hex(q.text(0)).value_or(audit::Hash{}));
  return out;
}

std::vector<audit::Checkpoint> AuditLogReader::checkpoints() {
  Query q(db_, "SELECT tree_size, root_hash, signed_at, signature, origin FROM checkpoints ORDER BY tree_size, rowid");
  std::vector<audit::Checkpoint> out;
  while (q.step()) out.push_back(checkpoint(q));
  return out;
}

std::optional<audit::Checkpoint> AuditLogReader::checkpoint_at(std::uint64_t size) {
  Query q(db_, "SELECT tree_size, root_hash, signed_at, signature, origin FROM checkpoints WHERE tree_size = ? ORDER BY rowid LIMIT 1");
  sqlite3_bind_int64(q.s, 1, static_cast<std::int64_t>(size));
  if (!q.step()) return std::nullopt;
  return checkpoint(q);
}

std::optional<std::string> AuditLogReader::event(std::int64_t seq) {
  Query q(db_, "SELECT event_json FROM entries WHERE seq = ?");
  sqlite3_bind_int64(q.s, 1, seq);
  if (!q.step()) return std::nullopt;
  return q.text(0);
}

std::vector<node::AuditRecord> AuditLogReader::by_patient(const std::string& nhs_number) {
  if (!has_keys_)
    throw std::runtime_error("the log has no entry_keys table (written by a hidewire from before batches of journalled messages): "
                             "start the node on it once to add the table, then ask again");
  sqlite::StmtCache stmts(db_);
  node::AuditQuery q;
  q.patient_nhs = nhs_number;
  q.limit = 1000;
  std::vector<node::AuditRecord> out;
  for (;;) {  // page by page, so a long log is not one query's result set
    std::vector<node::AuditRecord> page = query_entries(stmts, q);
    if (page.empty()) break;
    q.after_seq = page.back().seq;
    for (node::AuditRecord& r : page) out.push_back(std::move(r));
  }
  return out;
}

}  // namespace hidewire::plugins
