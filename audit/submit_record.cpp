#include "audit/submit_record.hpp"

#include <rapidjson/document.h>
#include <rapidjson/stringbuffer.h>
#include <rapidjson/writer.h>

#include <algorithm>
#include <unordered_map>

#include "audit/audit_event.hpp"
#include "fhir/clock.hpp"
#include "fhir/json_escape.hpp"
#include "node/caller_json.hpp"

namespace hidewire::audit {
namespace {

constexpr std::string_view kPrefix = "{\"hidewire\":\"submits\",";

void str(std::string& s, std::string_view key, std::string_view value) {
  s += '"';
  s += key;
  s += "\":\"";
  s += fhir::json_escape(value);
  s += "\",";
}


std::string text(const rapidjson::Value& o, const char* name) {
  auto it = o.FindMember(name);
  return it != o.MemberEnd() && it->value.IsString() ? std::string(it->value.GetString(), it->value.GetStringLength()) : std::string();
}

void add_distinct(std::vector<std::string>& to, const std::string& v) {
  if (!v.empty() && std::find(to.begin(), to.end(), v) == to.end()) to.push_back(v);
}

std::string json_of(const rapidjson::Value& v) {
  rapidjson::StringBuffer b;
  rapidjson::Writer<rapidjson::StringBuffer> w(b);
  v.Accept(w);
  return std::string(b.GetString(), b.GetSize());
}

// A journalled caller as the entry records it: re-serialised through the journal's reader and
// writer (well-formed whatever the journal holds). Remembered per thread by its text: a commit
// holds one caller per connection, and the same connections send commit after commit.
struct Normalised {
  std::string json, request_id, token_id;
};

struct TextHash {
  using is_transparent = void;
  std::size_t operator()(std::string_view s) const { return std::hash<std::string_view>{}(s); }
};

const Normalised& normalised(std::string_view stored) {
  thread_local std::unordered_map<std::string, Normalised, TextHash, std::equal_to<>> seen;
  if (auto it = seen.find(stored); it != seen.end()) return it->second;
  if (seen.size() >= 4096) seen.clear();  // bounded: callers carry a per-connection address
  node::Caller who = node::caller_from_json(stored);
  return seen.emplace(std::string(stored), Normalised{node::caller_json(who), who.request_id, who.token_id}).first->second;
}

}  // namespace

node::AuditRecord make_submit_batch(const std::vector<Submit>& messages, std::string_view node_ods, std::string_view node_name,
                                    std::string recorded) {
  node::AuditRecord r;
  r.recorded = recorded.empty() ? fhir::utc_now_instant() : std::move(recorded);
  r.action = "submit";
  r.outcome = "0";
  // Each sender once: a commit's messages come from the connections that sent them.
  std::vector<std::string_view> callers;
  std::string caller_list;
  int worst = 0;
  std::string& s = r.event_json;
  s.reserve(256 + messages.size() * 96);
  s += kPrefix;
  str(s, "recorded", r.recorded);
  str(s, "node", node_ods);
  str(s, "site", node_name);
  s += "\"messages\":[";
  for (const Submit& m : messages) {
    std::size_t c = std::find(callers.begin(), callers.end(), m.caller_json) - callers.begin();
    if (c == callers.size()) {
      callers.push_back(m.caller_json);
      const Normalised& who = normalised(m.caller_json);
      if (c) caller_list += ',';
      caller_list += who.json;
      add_distinct(r.batch_request_ids, who.request_id);
      add_distinct(r.batch_token_ids, who.token_id);
    }
    add_distinct(r.batch_patients, m.nhs_number);
    r.journal_id = std::max(r.journal_id, m.journal_id);
    worst = std::max(worst, submit_outcome(m.status));
    s += "{\"j\":" + std::to_string(m.journal_id) + ',';
    str(s, "m", m.message_id);
    str(s, "s", m.status);
    if (!m.reason.empty() && m.status != "accepted") str(s, "r", m.reason);
    if (!m.nhs_number.empty()) str(s, "n", m.nhs_number);
    s += "\"c\":" + std::to_string(c) + "},";
  }
  if (s.back() == ',') s.pop_back();
  s += "],\"callers\":[";
  s += caller_list;
  s += "]}";
  r.outcome = std::to_string(worst);
  if (r.batch_patients.size() == 1) r.patient_nhs = r.batch_patients.front();
  if (r.batch_request_ids.size() == 1) r.request_id = r.batch_request_ids.front();
  return r;
}

int submit_outcome(std::string_view status) { return status == "accepted" || status == "held" ? 0 : status == "rejected" ? 4 : 8; }

bool is_submit_batch(std::string_view stored) { return stored.substr(0, kPrefix.size()) == kPrefix; }

std::vector<std::string> expand_events(std::string_view stored, std::int64_t seq, const MemberFilter& filter) {
  if (!is_submit_batch(stored)) return {std::string(stored)};
  rapidjson::Document d;
  if (d.Parse(stored.data(), stored.size()).HasParseError() || !d.IsObject() || !d.HasMember("messages") || !d["messages"].IsArray() ||
      !d.HasMember("callers") || !d["callers"].IsArray())
    return {std::string(stored)};
  std::vector<node::Caller> callers;
  for (const auto& c : d["callers"].GetArray()) callers.push_back(c.IsObject() ? node::caller_from_json(json_of(c)) : node::Caller{});
  std::string recorded = text(d, "recorded"), node_ods = text(d, "node"), site = text(d, "site");
  std::vector<std::string> out;
  std::size_t k = 0;
  for (const auto& m : d["messages"].GetArray()) {
    ++k;
    if (!m.IsObject()) continue;
    std::size_t ci = m.HasMember("c") && m["c"].IsUint() ? m["c"].GetUint() : callers.size();
    static const node::Caller nobody;
    const node::Caller& caller = ci < callers.size() ? callers[ci] : nobody;
    Access a{caller};
    a.interaction = "submit";
    a.resource_type = "Bundle";
    a.resource_id = text(m, "m");
    a.patient_nhs = text(m, "n");
    if (!filter.patient_nhs.empty() && a.patient_nhs != filter.patient_nhs) continue;
    if (!filter.request_id.empty() && caller.request_id != filter.request_id) continue;
    a.outcome = submit_outcome(text(m, "s"));
    a.outcome_text = a.outcome == 0 ? "" : text(m, "r");
    a.node_ods = node_ods;
    a.node_name = site;
    if (m.HasMember("j") && m["j"].IsInt64()) a.journal_id = m["j"].GetInt64();
    std::string event = make_record(a, recorded).event_json;
    // The member's id: the entry's position and its own ("812.3"), a valid FHIR id.
    static constexpr std::string_view head = "{\"resourceType\":\"AuditEvent\",";
    out.push_back(std::string(head) + "\"id\":\"" + std::to_string(seq) + "." + std::to_string(k) + "\"," + event.substr(head.size()));
  }
  return out;
}

}  // namespace hidewire::audit
