// Reading the audit log's entries by patient, request id and time, for the node (SqliteAuditLog)
// and the offline reader (`hidewire audit who-saw`) alike: the entries themselves and the
// batches of journalled messages (audit/submit_record.hpp) found through `entry_keys`, each
// batch expanded into its members that match.
#pragma once

#include <functional>
#include <vector>

#include "audit/verify.hpp"
#include "node/audit_log.hpp"
#include "plugins/common/sqlite.hpp"

namespace hidewire::plugins {

// The schema both read: entry_keys indexes what a batch is about ("n:" NHS number, "r:" request
// id, "t:" token id), one row per distinct key.
inline constexpr const char* kEntryKeysSchema =
    "CREATE TABLE IF NOT EXISTS entry_keys (key TEXT NOT NULL, seq INTEGER NOT NULL, PRIMARY KEY (key, seq)) WITHOUT ROWID;";

// Up to q.limit entries after q.after_seq (a batch counts as one), as AuditRecords with their
// AuditEvents: one per batch member that matches. Throws sqlite::SqliteError.
std::vector<node::AuditRecord> query_entries(sqlite::StmtCache& stmts, const node::AuditQuery& q);

// Token ids (jti) recorded at or after `since`, from entries and batches.
std::vector<std::string> token_ids_since(sqlite::StmtCache& stmts, const std::string& since);

// Every entry as stored, with its indexed columns and (with_keys) its entry_keys, in seq order:
// what the verifier and the node's start-up check compare with the event. `each` false: stop.
void each_stored_entry(sqlite::StmtCache& stmts, bool with_keys, const std::function<bool(const audit::StoredEntry&)>& each);

// Whether the file has the entry_keys table (a log from before batches of journalled messages does not).
bool has_entry_keys(sqlite::StmtCache& stmts);

// The lowest seq an entry_keys row names that is no stored entry (0: none). Such a row would
// index an entry the node has not written yet.
std::int64_t first_orphan_key(sqlite::StmtCache& stmts);

// Writes a batch's keys (inside the writer's transaction).
void insert_entry_keys(sqlite::StmtCache& stmts, std::int64_t seq, const node::AuditRecord& r);

}  // namespace hidewire::plugins
