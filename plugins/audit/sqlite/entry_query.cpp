#include "plugins/audit/sqlite/entry_query.hpp"

#include <algorithm>

#include "audit/entry_index.hpp"
#include "audit/submit_record.hpp"

namespace hidewire::plugins {

using sqlite::Stmt;

std::vector<node::AuditRecord> query_entries(sqlite::StmtCache& stmts, const node::AuditQuery& q) {
  // Only the conditions asked for, so SQLite uses the index of the one that narrows; a batch is
  // found through its keys (a union of two indexed lookups, not an OR that scans).
  auto by = [](const char* column, const char* param, const char* prefix) {
    return std::string(" AND seq IN (SELECT seq FROM entries WHERE ") + column + " = " + param + " AND " + column +
           " > '' UNION ALL SELECT seq FROM entry_keys WHERE key = '" + prefix + "' || " + param + ")";
  };
  std::string sql =
      "SELECT seq, recorded, event_json, patient_nhs, patient_id, request_id, agent_ods, action, outcome, token_id, journal_id"
      " FROM entries WHERE seq > ?1";
  if (!q.patient_nhs.empty()) sql += by("patient_nhs", "?2", "n:");
  if (!q.patient_id.empty()) sql += " AND patient_id = ?3 AND patient_id > ''";
  if (!q.request_id.empty()) sql += by("request_id", "?4", "r:");
  if (!q.since.empty()) sql += " AND recorded >= ?5";
  sql += " ORDER BY seq LIMIT ?6";
  Stmt s(stmts, sql);
  s.bind(1, q.after_seq).bind(6, static_cast<std::int64_t>(q.limit));
  if (!q.patient_nhs.empty()) s.bind(2, q.patient_nhs);
  if (!q.patient_id.empty()) s.bind(3, q.patient_id);
  if (!q.request_id.empty()) s.bind(4, q.request_id);
  if (!q.since.empty()) s.bind(5, q.since);
  std::vector<node::AuditRecord> out;
  while (s.step()) {
    node::AuditRecord r;
    r.seq = s.integer(0);
    r.recorded = s.text(1);
    r.patient_nhs = s.text(3);
    r.patient_id = s.text(4);
    r.request_id = s.text(5);
    r.agent_ods = s.text(6);
    r.action = s.text(7);
    r.outcome = s.text(8);
    r.token_id = s.text(9);
    r.journal_id = s.integer(10);
    std::string stored = s.text(2);
    // The row was found by its indexed columns, which the leaf hash does not cover: it is given
    // only if its event says the same (a row re-indexed to another patient is an alteration).
    std::optional<audit::EntryIndex> derived = audit::derive_index(stored);
    audit::EntryIndex ix{r.recorded, r.patient_nhs, r.patient_id, r.request_id, r.agent_ods, r.action, r.outcome, r.token_id, r.journal_id, {}};
    std::string bad = derived ? audit::index_mismatch(ix, *derived, false) : "event";
    if (bad.empty() && !audit::index_matches(*derived, q)) bad = "entry_keys";
    if (!bad.empty()) throw sqlite::SqliteError("audit log: " + audit::index_fault(r.seq, bad) + "; run `hidewire audit verify`");
    if (!audit::is_submit_batch(stored)) {
      r.event_json = std::move(stored);
      out.push_back(std::move(r));
      continue;
    }
    for (std::string& event : audit::expand_events(stored, r.seq, {q.patient_nhs, q.request_id})) {
      node::AuditRecord m = r;
      if (!q.patient_nhs.empty()) m.patient_nhs = q.patient_nhs;
      m.event_json = std::move(event);
      out.push_back(std::move(m));
    }
  }
  return out;
}

std::vector<std::string> token_ids_since(sqlite::StmtCache& stmts, const std::string& since) {
  Stmt s(stmts,
         "SELECT token_id FROM entries WHERE token_id > '' AND recorded >= ?1"
         " UNION SELECT substr(k.key, 3) FROM entry_keys k JOIN entries e ON e.seq = k.seq"
         " WHERE k.key >= 't:' AND k.key < 't;' AND e.recorded >= ?1 ORDER BY 1");
  s.bind(1, since);
  std::vector<std::string> out;
  while (s.step()) out.push_back(s.text(0));
  return out;
}

void each_stored_entry(sqlite::StmtCache& stmts, bool with_keys, const std::function<bool(const audit::StoredEntry&)>& each) {
  // char(31) (unit separator) between keys: none of NHS number, request id or jti holds it.
  Stmt s(stmts, std::string("SELECT seq, event_json, leaf_hash, recorded, patient_nhs, patient_id, request_id, agent_ods, action, outcome,"
                            " token_id, journal_id, ") +
                    (with_keys ? "(SELECT group_concat(key, char(31)) FROM entry_keys k WHERE k.seq = e.seq)" : "NULL") +
                    " FROM entries e ORDER BY seq");
  audit::StoredEntry e;
  while (s.step()) {
    e.seq = s.integer(0);
    e.event_json = s.text(1);
    e.leaf_hash = s.text(2);
    audit::EntryIndex ix{s.text(3), s.text(4), s.text(5), s.text(6), s.text(7), s.text(8), s.text(9), s.text(10), s.integer(11), {}};
    std::string keys = s.text(12);
    for (std::size_t at = 0; !keys.empty() && at <= keys.size();) {
      std::size_t end = std::min(keys.find('\x1f', at), keys.size());
      ix.keys.push_back(keys.substr(at, end - at));
      at = end + 1;
    }
    std::sort(ix.keys.begin(), ix.keys.end());
    e.index = std::move(ix);
    if (!each(e)) return;
  }
}

bool has_entry_keys(sqlite::StmtCache& stmts) {
  Stmt s(stmts, "SELECT COUNT(*) FROM sqlite_master WHERE type = 'table' AND name = 'entry_keys'");
  return s.step() && s.integer(0) == 1;
}

std::int64_t first_orphan_key(sqlite::StmtCache& stmts) {
  Stmt s(stmts, "SELECT COALESCE(MIN(seq), 0) FROM entry_keys WHERE seq NOT IN (SELECT seq FROM entries)");
  s.step();
  return s.integer(0);
}

void insert_entry_keys(sqlite::StmtCache& stmts, std::int64_t seq, const node::AuditRecord& r) {
  auto put = [&](const char* prefix, const std::vector<std::string>& values) {
    for (const std::string& v : values) {
      Stmt s(stmts, "INSERT OR IGNORE INTO entry_keys(key, seq) VALUES(?, ?)");
      s.bind(1, prefix + v).bind(2, seq);
      s.step();
    }
  };
  put("n:", r.batch_patients);
  put("r:", r.batch_request_ids);
  put("t:", r.batch_token_ids);
}

}  // namespace hidewire::plugins
