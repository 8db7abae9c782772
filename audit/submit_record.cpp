#include "audit/submit_record.hpp"

#include <rapidjson/document.h>

#include "audit/audit_event.hpp"
#include "audit/verify.hpp"
#include "fhir/clock.hpp"
#include "fhir/json_escape.hpp"
#include "node/caller_json.hpp"

namespace hidewire::audit {
namespace {

constexpr std::string_view kPrefix = "{\"hidewire\":\"submit\",";

void str(std::string& s, std::string_view key, std::string_view value) {
  s += '"';
  s += key;
  s += "\":\"";
  s += fhir::json_escape(value);
  s += "\",";
}

int outcome_of(std::string_view status) { return status == "accepted" ? 0 : status == "rejected" ? 4 : 8; }

std::string text(const rapidjson::Value& o, const char* name) {
  auto it = o.FindMember(name);
  return it != o.MemberEnd() && it->value.IsString() ? std::string(it->value.GetString(), it->value.GetStringLength()) : std::string();
}

}  // namespace

node::AuditRecord make_submit_record(const Submit& m) {
  node::Caller caller = node::caller_from_json(m.caller_json);
  node::AuditRecord r;
  r.recorded = m.recorded.empty() ? fhir::utc_now_instant() : m.recorded;
  r.patient_nhs = std::string(m.nhs_number);
  r.request_id = caller.request_id;
  r.agent_ods = caller.ods_code;
  r.action = "submit";
  r.outcome = std::to_string(outcome_of(m.status));
  r.token_id = caller.token_id;
  r.journal_id = m.journal_id;
  std::string& s = r.event_json;
  s.reserve(192 + m.caller_json.size() + m.reason.size());
  s += kPrefix;
  str(s, "recorded", r.recorded);
  s += "\"journal\":" + std::to_string(m.journal_id) + ',';
  str(s, "message", m.message_id);
  str(s, "status", m.status);
  if (!m.reason.empty()) str(s, "reason", m.reason);
  if (!m.nhs_number.empty()) str(s, "nhs", m.nhs_number);
  str(s, "node", m.node_ods);
  str(s, "site", m.node_name);
  // The caller as journalled, re-serialised so the stored text is always well-formed JSON.
  s += "\"caller\":" + node::caller_json(caller) + '}';
  return r;
}

bool is_compact(std::string_view stored) { return stored.substr(0, kPrefix.size()) == kPrefix; }

std::string expand_event(std::string_view stored) {
  if (!is_compact(stored)) return std::string(stored);
  rapidjson::Document d;
  if (d.Parse(stored.data(), stored.size()).HasParseError() || !d.IsObject()) return std::string(stored);
  // The caller is the last member, as make_submit_record writes it: read back with the journal's
  // own reader. (An unescaped `,"caller":` cannot occur inside a JSON string.)
  node::Caller caller;
  if (auto at = stored.rfind(",\"caller\":"); at != std::string_view::npos && stored.back() == '}')
    caller = node::caller_from_json(stored.substr(at + 10, stored.size() - at - 11));
  Access a{caller};
  a.interaction = "submit";
  a.resource_type = "Bundle";
  a.resource_id = text(d, "message");
  a.patient_nhs = text(d, "nhs");
  std::string status = text(d, "status");
  a.outcome = outcome_of(status);
  a.outcome_text = a.outcome == 0 ? "" : text(d, "reason");
  a.node_ods = text(d, "node");
  a.node_name = text(d, "site");
  if (auto j = d.FindMember("journal"); j != d.MemberEnd() && j->value.IsInt64()) a.journal_id = j->value.GetInt64();
  std::string event = make_record(a, text(d, "recorded")).event_json;
  std::string id = text(d, "id");
  return id.empty() ? event : with_seq(event, std::atoll(id.c_str()));
}

}  // namespace hidewire::audit
