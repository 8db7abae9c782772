// hidewire audit who-saw --nhs N: every access to one patient's record in this node's audit log
// (when, who, organisation, role, what was done to what, why, the outcome, break-glass reasons),
// as text or as a FHIR searchset Bundle of the AuditEvents (the GP practice's export). Only of a
// log that verifies.
#include <rapidjson/document.h>

#include <filesystem>
#include <iostream>
#include <map>
#include <string>

#include "fhir/nhs_number.hpp"
#include "plugins/audit/sqlite/log_reader.hpp"
#include "tools/hidewire/cli.hpp"

namespace hidewire::cli {

std::string audit_key_path(std::map<std::string, std::string>& o);

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

struct Line {
  std::string when, who, organisation, role, action, what, why, outcome, break_glass;
};

Line describe(const std::string& event_json) {
  Line l;
  rapidjson::Document d;
  d.Parse(event_json.c_str());
  if (d.HasParseError() || !d.IsObject()) {
    l.what = "(unreadable entry)";
    return l;
  }
  l.when = str(d, "recorded");
  if (const Value* sub = member(d, "subtype"); sub && sub->IsArray())
    for (const auto& c : sub->GetArray()) l.action = str(c, "code");  // the most specific: hidewire's own code is last
  l.outcome = str(d, "outcome") == "0" ? "success" : "refused or failed (" + str(d, "outcome") + ")";
  if (std::string desc = str(d, "outcomeDesc"); !desc.empty()) l.outcome += ": " + desc;
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

}  // namespace

int run_audit_who_saw(std::map<std::string, std::string>& o) {
  if (!o.count("nhs") || !o.count("db")) {
    std::cerr << "hidewire audit who-saw: needs --nhs NUMBER and --db FILE\n";
    return kUsage;
  }
  std::string format = o.count("format") ? o["format"] : "text";
  if (format != "text" && format != "json") {
    std::cerr << "hidewire audit who-saw: --format is text or json\n";
    return kUsage;
  }
  const std::string& nhs = o["nhs"];
  if (!fhir::is_valid_nhs_number(nhs)) {
    std::cerr << "hidewire audit who-saw: '" << nhs << "' is not a valid NHS number\n";
    return kUsage;
  }
  // The list is read through the indexed columns, which the leaf hashes do not cover: the whole
  // log is verified first (those columns too), and an altered log gives no list at all.
  std::string key_path = audit_key_path(o);
  if (!std::filesystem::exists(key_path)) {
    std::cerr << "hidewire audit who-saw: no public key to verify the log with: " << key_path << " does not exist (give --public-key PEM)\n";
    return kUsage;
  }
  plugins::AuditLogReader reader(o["db"]);
  audit::VerifyResult verified = reader.verify(audit::PublicKey::load(key_path));
  if (!verified.ok) {
    std::cout << "who-saw REFUSED: audit log " << o["db"] << " FAILED verification: " << verified.message << "\n";
    return kInvalid;
  }
  std::vector<node::AuditRecord> records = reader.by_patient(nhs);
  if (format == "json") {
    std::string out = "{\"resourceType\":\"Bundle\",\"type\":\"searchset\",\"total\":" + std::to_string(records.size());
    if (!records.empty()) {
      out += ",\"entry\":[";
      for (std::size_t i = 0; i < records.size(); ++i) {
        if (i) out += ',';
        out += "{\"resource\":" + records[i].event_json + ",\"search\":{\"mode\":\"match\"}}";
      }
      out += ']';
    }
    std::cout << out << "}\n";
    return kOk;
  }
  std::cout << records.size() << " access" << (records.size() == 1 ? "" : "es") << " to the record of NHS number " << nhs << "\n";
  for (const node::AuditRecord& r : records) {
    Line l = describe(r.event_json);
    std::cout << l.when << "  " << (l.who.empty() ? "(unnamed)" : l.who);
    if (!l.role.empty()) std::cout << " [role " << l.role << "]";
    std::cout << "  organisation " << (l.organisation.empty() ? "(none)" : l.organisation) << "  " << l.action;
    if (!l.what.empty()) std::cout << " " << l.what;
    if (!l.why.empty()) std::cout << "  purpose " << l.why;
    std::cout << "  " << l.outcome;
    if (!l.break_glass.empty()) std::cout << "  BREAK-GLASS: " << l.break_glass;
    std::cout << "\n";
  }
  return kOk;
}

}  // namespace hidewire::cli
