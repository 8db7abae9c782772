// Writes that arrive as messages (MLLP, the HTTP FHIR source, the file drop) are audited from
// the journal: the journal entry is the durable record of the write and its sender, so the
// sender's answer waits for no second sync. The messages of each journal commit become one audit
// entry (audit/submit_record.hpp) right after the commit; at start-up the log catches up with the
// journal entries it lacks (those of a crash between the two).
#pragma once

#include <cstdint>
#include <string>
#include <utility>
#include <vector>

#include "node/audit_log.hpp"
#include "node/journal.hpp"

namespace hidewire::cli {

using StoredEntries = std::vector<std::pair<std::int64_t, const node::JournalEntry*>>;

// The audit entry of one journal commit's stored entries (at least one).
node::AuditRecord journal_record(const StoredEntries& stored, const std::string& node_ods, const std::string& node_name);
// Appends the records of journal entries after the audit log's high-water mark; returns how many.
std::size_t audit_catch_up(node::Journal& journal, node::AuditLog& audit, const std::string& node_ods, const std::string& node_name);

}  // namespace hidewire::cli
