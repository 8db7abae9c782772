#include "tools/hidewire/journal_audit.hpp"

#include "audit/audit_event.hpp"
#include "audit/submit_record.hpp"

namespace hidewire::cli {

node::AuditRecord journal_record(std::int64_t id, const node::JournalEntry& e, const std::string& node_ods, const std::string& node_name) {
  audit::Submit m;
  m.journal_id = id;
  m.message_id = e.message_id;
  m.status = e.status;
  if (e.status != "accepted") m.reason = e.reason;
  std::string nhs = audit::nhs_number_in(e.output);
  m.nhs_number = nhs;
  m.caller_json = e.caller;
  m.node_ods = node_ods;
  m.node_name = node_name;
  return audit::make_submit_record(m);
}

std::size_t audit_catch_up(node::Journal& journal, node::AuditLog& audit, const std::string& node_ods, const std::string& node_name) {
  std::size_t n = 0;
  std::int64_t after = audit.journal_high_water();
  for (;;) {
    std::vector<node::JournalEntry> page = journal.list({}, 500, after);
    if (page.empty()) break;
    std::vector<node::AuditRecord> records;
    for (const node::JournalEntry& e : page) records.push_back(journal_record(e.id, e, node_ods, node_name));
    audit.append_sync(std::move(records));
    n += page.size();
    after = page.back().id;
  }
  return n;
}

}  // namespace hidewire::cli
