#include "tools/hidewire/journal_audit.hpp"

#include "audit/audit_event.hpp"
#include "audit/submit_record.hpp"

namespace hidewire::cli {

node::AuditRecord journal_record(const StoredEntries& stored, const std::string& node_ods, const std::string& node_name) {
  std::vector<audit::Submit> messages;
  messages.reserve(stored.size());
  for (const auto& [id, e] : stored) {
    audit::Submit m;
    m.journal_id = id;
    m.message_id = e->message_id;
    m.status = e->status;
    m.reason = e->reason;
    m.nhs_number = audit::nhs_number_in(e->output);
    m.caller_json = e->caller;
    messages.push_back(std::move(m));
  }
  return audit::make_submit_batch(messages, node_ods, node_name);
}

std::size_t audit_catch_up(node::Journal& journal, node::AuditLog& audit, const std::string& node_ods, const std::string& node_name) {
  std::size_t n = 0;
  std::int64_t after = audit.journal_high_water();
  for (;;) {
    std::vector<node::JournalEntry> page = journal.list({}, 500, after);
    if (page.empty()) break;
    StoredEntries stored;
    for (const node::JournalEntry& e : page) stored.emplace_back(e.id, &e);
    audit.append_sync({journal_record(stored, node_ods, node_name)});
    n += page.size();
    after = page.back().id;
  }
  return n;
}

}  // namespace hidewire::cli
