#include "tools/hidewire/journal_audit.hpp"

#include <rapidjson/document.h>

#include "audit/audit_event.hpp"

namespace hidewire::cli {
namespace {

// The sender as the intake journalled it: {"kind":..,"id":..,"ods":..,"address":..,"request_id":..}.
node::Caller caller_of(const std::string& json) {
  node::Caller c;
  rapidjson::Document d;
  d.Parse(json.c_str());
  if (!d.IsObject()) return c;
  auto str = [&](const char* k) { return d.HasMember(k) && d[k].IsString() ? std::string(d[k].GetString()) : std::string(); };
  std::string kind = str("kind");
  c.kind = kind == "peer" ? node::Caller::Kind::Peer : kind == "system" ? node::Caller::Kind::System
           : kind == "patient" ? node::Caller::Kind::Patient : node::Caller::Kind::Anonymous;
  c.id = str("id");
  c.ods_code = str("ods");
  c.address = str("address");
  c.request_id = str("request_id");
  return c;
}

// The NHS number the converted Bundle is keyed by, without parsing it: the first NHS number identifier.
std::string nhs_number_in(const std::string& bundle) {
  static const std::string key = R"("system":"https://fhir.nhs.uk/Id/nhs-number","value":")";
  auto at = bundle.find(key);
  if (at == std::string::npos) return {};
  at += key.size();
  auto end = bundle.find('"', at);
  return end == std::string::npos ? std::string() : bundle.substr(at, end - at);
}

}  // namespace

node::AuditRecord journal_record(std::int64_t id, const node::JournalEntry& e, const std::string& node_ods, const std::string& node_name) {
  node::Caller caller = caller_of(e.caller);
  audit::Access a{caller};
  a.interaction = "submit";
  a.resource_type = "Bundle";
  a.resource_id = e.message_id;
  a.patient_nhs = nhs_number_in(e.output);
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
