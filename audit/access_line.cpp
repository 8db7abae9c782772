#include "audit/access_line.hpp"

#include <rapidjson/document.h>

namespace hidewire::audit {
namespace {

using Value = rapidjson::Value;

std::string str(const Value& v, const char* key) {
  return v.IsObject() && v.HasMember(key) && v[key].IsString() ? v[key].GetString() : "";
}

const Value* member(const Value& v, const char* key) { return v.IsObject() && v.HasMember(key) ? &v[key] : nullptr; }

std::string first_code(const Value* concept_) {
  if (!concept_) return "";
  const Value* coding = member(*concept_, "coding");
  if (coding && coding->IsArray() && !coding->Empty()) return str((*coding)[0], "code");
  return str(*concept_, "code");
}

}  // namespace

AccessLine describe_access(const std::string& event_json) {
  AccessLine l;
  rapidjson::Document d;
  d.Parse(event_json.c_str());
  if (d.HasParseError() || !d.IsObject()) {
    l.what = "(unreadable entry)";
    return l;
  }
  l.when = str(d, "recorded");
  if (const Value* sub = member(d, "subtype"); sub && sub->IsArray())
    for (const auto& c : sub->GetArray()) l.action = str(c, "code");  // the most specific: hidewire's own code is last
  l.outcome_code = str(d, "outcome");
  l.outcome_desc = str(d, "outcomeDesc");
  l.outcome = l.outcome_code == "0" ? "success" : "refused or failed (" + l.outcome_code + ")";
  if (!l.outcome_desc.empty()) l.outcome += ": " + l.outcome_desc;
  if (const Value* p = member(d, "purposeOfEvent"); p && p->IsArray())
    for (const auto& c : p->GetArray()) l.why += (l.why.empty() ? "" : "+") + first_code(&c);
  if (const Value* agents = member(d, "agent"); agents && agents->IsArray() && !agents->Empty()) {
    // The first agent is the client organisation; the requestor is the person (or the organisation's system).
    const Value& client = (*agents)[0];
    if (const Value* who = member(client, "who")) {
      const Value* id = member(*who, "identifier");
      l.organisation = str(id ? *id : *who, "value");
    }
    for (const auto& a : agents->GetArray()) {
      const Value* req = member(a, "requestor");
      if (!req || !req->IsBool() || !req->GetBool()) continue;
      l.who = str(a, "name");
      if (l.who.empty() && member(a, "who")) l.who = str(*member(a, "who"), "display");
      if (const Value* roles = member(a, "role"); roles && roles->IsArray() && !roles->Empty()) l.role = first_code(&(*roles)[0]);
    }
  }
  // What was done to: the resource, else the search, else the patient's record itself.
  std::string resource, search, patient;
  if (const Value* entities = member(d, "entity"); entities && entities->IsArray())
    for (const auto& e : entities->GetArray()) {
      std::string role = member(e, "role") ? str(*member(e, "role"), "code") : "";
      if (role == "4" && member(e, "what")) resource = str(*member(e, "what"), "reference");
      if (role == "24") search = "search " + str(e, "description");
      if (role == "1" && member(e, "what")) patient = str(*member(e, "what"), "reference");
      if (const Value* details = member(e, "detail"); details && details->IsArray())
        for (const auto& x : details->GetArray())
          if (str(x, "type") == "break-glass-reason") l.break_glass = str(x, "valueString");
    }
  l.what = !resource.empty() ? resource : !search.empty() ? search : patient;
  return l;
}


}  // namespace hidewire::audit
