// Reads back what audit_event.cpp and submit_record.cpp write: tests/audit/test_entry_index.cpp
// checks that every record they make gives its own index again.
#include "audit/entry_index.hpp"

#include <rapidjson/document.h>

#include <algorithm>
#include <charconv>

#include "audit/submit_record.hpp"

namespace hidewire::audit {
namespace {

using Value = rapidjson::Value;

constexpr std::string_view kOds = "https://fhir.nhs.uk/Id/ods-organization-code";
constexpr std::string_view kRest = "http://hl7.org/fhir/restful-interaction";
constexpr std::string_view kHidewire = "urn:hidewire:codesystem:audit-interaction";
constexpr std::string_view kJournal = "urn:hidewire:journal-id";

const Value* member(const Value& v, const char* key) {
  if (!v.IsObject()) return nullptr;
  auto it = v.FindMember(key);
  return it == v.MemberEnd() ? nullptr : &it->value;
}

std::string str(const Value* v, const char* key) {
  const Value* m = v ? member(*v, key) : nullptr;
  return m && m->IsString() ? std::string(m->GetString(), m->GetStringLength()) : std::string();
}

const Value* array(const Value& v, const char* key) {
  const Value* a = member(v, key);
  return a && a->IsArray() ? a : nullptr;
}

std::int64_t to_int(const std::string& s) {
  std::int64_t v = 0;
  auto [end, ec] = std::from_chars(s.data(), s.data() + s.size(), v);
  return ec == std::errc() && end == s.data() + s.size() ? v : 0;
}

void add_distinct(std::vector<std::string>& to, std::string v) {
  if (!v.empty() && std::find(to.begin(), to.end(), v) == to.end()) to.push_back(std::move(v));
}

void keys_of(EntryIndex& ix, const std::vector<std::string>& nhs, const std::vector<std::string>& requests,
             const std::vector<std::string>& tokens) {
  for (const std::string& v : nhs) ix.keys.push_back("n:" + v);
  for (const std::string& v : requests) ix.keys.push_back("r:" + v);
  for (const std::string& v : tokens) ix.keys.push_back("t:" + v);
  std::sort(ix.keys.begin(), ix.keys.end());
  ix.keys.erase(std::unique(ix.keys.begin(), ix.keys.end()), ix.keys.end());
}

std::optional<EntryIndex> from_batch(const Value& d) {
  const Value* messages = array(d, "messages");
  const Value* callers = array(d, "callers");
  if (!messages || !callers || messages->Empty()) return std::nullopt;
  EntryIndex ix;
  ix.recorded = str(&d, "recorded");
  ix.action = "submit";
  std::vector<std::string> nhs, requests, tokens;
  for (const Value& c : callers->GetArray()) {
    add_distinct(requests, str(&c, "request_id"));
    add_distinct(tokens, str(&c, "jti"));
  }
  int worst = 0;
  for (const Value& m : messages->GetArray()) {
    add_distinct(nhs, str(&m, "n"));
    if (const Value* j = member(m, "j"); j && j->IsInt64()) ix.journal_id = std::max(ix.journal_id, j->GetInt64());
    std::string s = str(&m, "s");
    worst = std::max(worst, submit_outcome(s));
  }
  ix.outcome = std::to_string(worst);
  if (nhs.size() == 1) ix.patient_nhs = nhs.front();
  if (requests.size() == 1) ix.request_id = requests.front();
  keys_of(ix, nhs, requests, tokens);
  return ix;
}

std::optional<EntryIndex> from_event(const Value& d) {
  EntryIndex ix;
  ix.recorded = str(&d, "recorded");
  ix.outcome = str(&d, "outcome");
  // The interaction: hidewire's own code where it has one, else the RESTful interaction.
  std::string rest, own;
  if (const Value* sub = array(d, "subtype"))
    for (const Value& c : sub->GetArray()) {
      std::string system = str(&c, "system");
      if (system == kHidewire) own = str(&c, "code");
      else if (system == kRest) rest = str(&c, "code");
    }
  ix.action = own.empty() ? rest : own;
  if (const Value* agents = array(d, "agent"); agents && !agents->Empty()) {
    const Value& client = (*agents)[0];
    const Value* who = member(client, "who");
    const Value* id = who ? member(*who, "identifier") : nullptr;
    if (str(id, "system") == kOds) ix.agent_ods = str(id, "value");
    if (const Value* policy = array(client, "policy"); policy && !policy->Empty() && (*policy)[0].IsString())
      ix.token_id = (*policy)[0].GetString();
  }
  if (const Value* entities = array(d, "entity"))
    for (const Value& e : entities->GetArray()) {
      const Value* what = member(e, "what");
      const Value* id = what ? member(*what, "identifier") : nullptr;
      if (str(member(e, "role"), "code") == "1" && str(member(e, "type"), "code") == "1") {
        ix.patient_nhs = str(id, "value");
        std::string ref = str(what, "reference");
        if (ref.rfind("Patient/", 0) == 0) ix.patient_id = ref.substr(8);
      } else if (str(member(e, "type"), "code") == "XrequestId") {
        ix.request_id = str(id, "value");
      } else if (str(id, "system") == kJournal) {
        ix.journal_id = to_int(str(id, "value"));
      }
    }
  return ix;
}

}  // namespace

EntryIndex index_of(const node::AuditRecord& r) {
  EntryIndex ix{r.recorded, r.patient_nhs, r.patient_id, r.request_id, r.agent_ods, r.action, r.outcome, r.token_id, r.journal_id, {}};
  keys_of(ix, r.batch_patients, r.batch_request_ids, r.batch_token_ids);
  return ix;
}

std::optional<EntryIndex> derive_index(std::string_view event_json) {
  rapidjson::Document d;
  if (d.Parse(event_json.data(), event_json.size()).HasParseError() || !d.IsObject()) return std::nullopt;
  if (is_submit_batch(event_json)) return from_batch(d);
  if (str(&d, "resourceType") != "AuditEvent") return std::nullopt;
  return from_event(d);
}

std::string index_mismatch(const EntryIndex& s, const EntryIndex& d, bool with_keys) {
  std::string out;
  auto check = [&](bool same, const char* name) {
    if (same) return;
    if (!out.empty()) out += ", ";
    out += name;
  };
  check(s.recorded == d.recorded, "recorded");
  check(s.patient_nhs == d.patient_nhs, "patient_nhs");
  check(s.patient_id == d.patient_id, "patient_id");
  check(s.request_id == d.request_id, "request_id");
  check(s.agent_ods == d.agent_ods, "agent_ods");
  check(s.action == d.action, "action");
  check(s.outcome == d.outcome, "outcome");
  check(s.token_id == d.token_id, "token_id");
  check(s.journal_id == d.journal_id, "journal_id");
  if (with_keys) check(s.keys == d.keys, "entry_keys");
  return out;
}

bool index_matches(const EntryIndex& ix, const node::AuditQuery& q) {
  auto has = [&](const std::string& key) { return std::binary_search(ix.keys.begin(), ix.keys.end(), key); };
  if (!q.patient_nhs.empty() && ix.patient_nhs != q.patient_nhs && !has("n:" + q.patient_nhs)) return false;
  if (!q.patient_id.empty() && ix.patient_id != q.patient_id) return false;
  if (!q.request_id.empty() && ix.request_id != q.request_id && !has("r:" + q.request_id)) return false;
  if (!q.since.empty() && ix.recorded < q.since) return false;
  return true;
}

}  // namespace hidewire::audit
