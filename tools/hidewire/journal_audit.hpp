// Writes that arrive as messages (MLLP, the HTTP FHIR source, the file drop) are audited from
// the journal: the journal entry is the durable record of the write and its sender, so the
// sender's answer waits for no second sync. Each stored entry is appended to the audit log
// right after its commit; at start-up the log catches up with the journal entries it lacks
// (those of a crash between the two).
#pragma once

#include <cstdint>
#include <string>

#include "node/audit_log.hpp"
#include "node/journal.hpp"

namespace hidewire::cli {

node::AuditRecord journal_record(std::int64_t id, const node::JournalEntry& e, const std::string& node_ods, const std::string& node_name);
// Appends the records of journal entries after the audit log's high-water mark; returns how many.
std::size_t audit_catch_up(node::Journal& journal, node::AuditLog& audit, const std::string& node_ods, const std::string& node_name);

}  // namespace hidewire::cli
