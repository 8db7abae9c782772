#include "tools/hidewire/journal_audit.hpp"

#include "audit/audit_event.hpp"
#include "node/caller_json.hpp"

namespace hidewire::cli {

node::AuditRecord journal_record(std::int64_t id, const node::JournalEntry& e, const std::string& node_ods, const std::string& node_name) {
  node::Caller caller = node::caller_from_json(e.caller);
  audit::Access a{caller};
  a.interaction = "submit";
  a.resource_type = "Bundle";
  a.resource_id = e.message_id;
  a.patient_nhs = audit::nhs_number_in(e.output);
  a.outcome = e.status == "accepted" ? 0 : e.status == "rejected" ? 4 : 8;
  a.outcome_text = e.status == "accepted" ? "" : e.reason;
  a.node_ods = node_ods;
  a.node_name = node_name;
  a.journal_id = id;
  return audit::make_record(a);
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
