#include "federation/merge.hpp"

#include <rapidjson/document.h>
#include <rapidjson/stringbuffer.h>
#include <rapidjson/writer.h>

#include <unordered_set>

#include "auth/jwt.hpp"
#include "fhir/json_escape.hpp"

namespace hidewire::federation {
namespace {

constexpr const char* kOds = "https://fhir.nhs.uk/Id/ods-organization-code";

void str(std::string& out, std::string_view s) {
  out += '"';
  out += fhir::json_escape(s);
  out += '"';
}

bool valid_id(const std::string& id) {
  if (id.empty() || id.size() > 64) return false;
  for (char c : id)
    if (!((c >= 'A' && c <= 'Z') || (c >= 'a' && c <= 'z') || (c >= '0' && c <= '9') || c == '-' || c == '.')) return false;
  return true;
}

bool valid_type(const std::string& t) {
  if (t.empty() || t.size() > 64 || t[0] < 'A' || t[0] > 'Z') return false;
  for (char c : t)
    if (!((c >= 'A' && c <= 'Z') || (c >= 'a' && c <= 'z'))) return false;
  return true;
}

bool is_urn(const std::string& u) { return u.rfind("urn:uuid:", 0) == 0 || u.rfind("urn:oid:", 0) == 0; }

std::string who(const std::string& ods, const std::string& kind) { return ods + (kind.empty() ? "" : " (" + kind + ")"); }

void write_value(std::string& out, const rapidjson::Value& v) {
  rapidjson::StringBuffer b;
  rapidjson::Writer<rapidjson::StringBuffer> w(b);
  v.Accept(w);
  out.append(b.GetString(), b.GetSize());
}

// A source's own OperationOutcome (withheld data, unsupported parameters): its issues, each saying whose.
void source_issues(std::string& out, const SourceRecord& s, const ScannedEntry& e, bool& first) {
  rapidjson::Document d;
  d.Parse(s.body.c_str() + e.begin, e.end - e.begin);
  if (d.HasParseError() || !d.IsObject() || !d.HasMember("issue") || !d["issue"].IsArray()) return;
  for (const auto& is : d["issue"].GetArray()) {
    if (!is.IsObject()) continue;
    auto text = [&](const char* k, const char* fallback) {
      auto it = is.FindMember(k);
      return it != is.MemberEnd() && it->value.IsString() ? std::string(it->value.GetString()) : std::string(fallback);
    };
    out += first ? "" : ",";
    first = false;
    out += "{\"severity\":";
    std::string sev = text("severity", "information");
    str(out, sev == "fatal" || sev == "error" ? "warning" : sev);  // the source answered: its errors are ours to warn of
    out += ",\"code\":";
    str(out, text("code", "informational"));
    if (auto it = is.FindMember("details"); it != is.MemberEnd() && it->value.IsObject()) {
      out += ",\"details\":";
      write_value(out, it->value);
    }
    out += ",\"diagnostics\":";
    std::string diag = text("diagnostics", "");
    str(out, who(s.ods_code, s.kind) + ": " + (diag.empty() ? "see details" : diag));
    out += '}';
  }
}

void peer_issue(std::string& out, const PeerIssue& i) {
  out += "{\"severity\":\"warning\",\"code\":";
  str(out, i.code);
  out += ",\"details\":{";
  if (!i.spine_code.empty()) {
    out += R"("coding":[{"system":"https://fhir.nhs.uk/R4/CodeSystem/Spine-ErrorOrWarningCode","code":)";
    str(out, i.spine_code);
    out += "}],";
  }
  out += "\"text\":";
  str(out, "peer " + who(i.ods_code, i.kind) + (i.status ? ": answered " + std::to_string(i.status) : std::string()) +
               (i.spine_code.empty() ? "" : " " + i.spine_code));
  out += "},\"diagnostics\":";
  str(out, who(i.ods_code, i.kind) + ": " + i.text);
  out += '}';
}

}  // namespace

PeerError read_peer_error(const std::string& body) {
  PeerError e;
  rapidjson::Document d;
  d.Parse(body.c_str(), body.size());
  if (d.HasParseError() || !d.IsObject() || !d.HasMember("issue") || !d["issue"].IsArray() || d["issue"].Empty()) return e;
  const auto& is = d["issue"][0];
  if (!is.IsObject()) return e;
  if (auto det = is.FindMember("details"); det != is.MemberEnd() && det->value.IsObject())
    if (auto cod = det->value.FindMember("coding"); cod != det->value.MemberEnd() && cod->value.IsArray())
      for (const auto& c : cod->value.GetArray())
        if (c.IsObject() && c.HasMember("code") && c["code"].IsString() && e.spine_code.empty()) e.spine_code = c["code"].GetString();
  if (auto dg = is.FindMember("diagnostics"); dg != is.MemberEnd() && dg->value.IsString()) e.diagnostics = dg->value.GetString();
  return e;
}

std::string merge_record(const MergeContext& ctx, const std::vector<SourceRecord>& sources, const std::vector<PeerIssue>& issues) {
  std::size_t total = 4096;
  for (const SourceRecord& s : sources) total += s.body.size() + s.scan.entries.size() * (2 * s.base_url.size() + 160);
  std::string out;
  out.reserve(total);
  out += R"({"resourceType":"Bundle","id":)";
  str(out, ctx.bundle_id);
  out += R"(,"meta":{"lastUpdated":)";
  str(out, ctx.now);
  out += R"(},"identifier":{"system":"https://fhir.nhs.uk/Id/nhs-number","value":)";
  str(out, ctx.nhs_number);
  out += R"(},"type":"collection","timestamp":)";
  str(out, ctx.now);
  out += R"(,"entry":[)";

  // The OperationOutcome first: what is missing is the first thing a clinician should see.
  out += R"({"fullUrl":"urn:uuid:)" + auth::random_uuid() + R"(","resource":{"resourceType":"OperationOutcome","issue":[)";
  std::string answered;
  for (const SourceRecord& s : sources) answered += (answered.empty() ? "" : ", ") + who(s.ods_code, s.kind);
  out += R"({"severity":"information","code":"informational","diagnostics":)";
  str(out, "federated record for this NHS number: " + std::to_string(ctx.asked) + " organisation(s) asked; " +
               std::to_string(sources.size()) + " answered" + (answered.empty() ? "" : " (" + answered + ")") + "; " +
               std::to_string(issues.size()) + " not (below)");
  out += '}';
  bool first = false;
  for (const PeerIssue& i : issues) {
    out += ',';
    peer_issue(out, i);
  }
  for (const SourceRecord& s : sources)
    for (const ScannedEntry& e : s.scan.entries)
      if (e.type == "OperationOutcome") source_issues(out, s, e, first);
  out += "]}}";

  std::unordered_set<std::string> seen;
  std::vector<std::string> targets;
  for (const SourceRecord& s : sources) {
    targets.clear();
    for (const ScannedEntry& e : s.scan.entries) {
      if (e.type == "OperationOutcome" || !valid_type(e.type)) continue;
      std::string full_url;
      if (is_urn(e.full_url)) full_url = e.full_url;  // the source's references name it so
      else if (valid_id(e.id)) full_url = s.base_url + "/" + e.type + "/" + e.id;
      else full_url = "urn:uuid:" + auth::random_uuid();
      if (!seen.insert(full_url).second) continue;  // the same resource twice in one answer (bdl-7)
      out += R"(,{"fullUrl":)";
      str(out, full_url);
      out += ",\"resource\":";
      out.append(s.body, e.begin, e.end - e.begin);
      out += '}';
      targets.push_back(std::move(full_url));
    }
    if (targets.empty()) continue;  // Provenance.target is 1..*
    out += R"(,{"fullUrl":"urn:uuid:)" + auth::random_uuid() + R"(","resource":{"resourceType":"Provenance","target":[)";
    for (std::size_t i = 0; i < targets.size(); ++i) {
      out += i ? ",{\"reference\":" : "{\"reference\":";
      str(out, targets[i]);
      out += '}';
    }
    out += "],\"recorded\":";
    str(out, s.answered_at);
    out += R"(,"agent":[{"type":{"coding":[{"system":"http://terminology.hl7.org/CodeSystem/provenance-participant-type","code":"custodian","display":"Custodian"}]},"who":{"identifier":{"system":")";
    out += kOds;
    out += "\",\"value\":";
    str(out, s.ods_code);
    out += "},\"display\":";
    str(out, who(s.ods_code, s.kind));
    out += R"(}},{"type":{"coding":[{"system":"http://terminology.hl7.org/CodeSystem/provenance-participant-type","code":"assembler","display":"Assembler"}]},"who":{"identifier":{"system":")";
    out += kOds;
    out += "\",\"value\":";
    str(out, ctx.node_ods);
    out += "}";
    if (!ctx.node_name.empty()) {
      out += ",\"display\":";
      str(out, ctx.node_name);
    }
    out += "}}]}}";
  }
  out += "]}";
  return out;
}

}  // namespace hidewire::federation
