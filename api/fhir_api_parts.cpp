#include "api/fhir_api_parts.hpp"

#include "api/record_gate.hpp"

namespace hidewire::http {

std::vector<std::string> split_path(const std::string& path) {
  std::vector<std::string> out;
  std::size_t i = 0;
  while (i < path.size()) {
    std::size_t j = path.find('/', i);
    if (j == std::string::npos) j = path.size();
    if (j > i) out.push_back(path.substr(i, j - i));
    i = j + 1;
  }
  return out;
}

std::string json_string(const std::string& s) {
  std::string out = "\"";
  for (char c : s) {
    if (c == '"' || c == '\\') out += '\\';
    if (static_cast<unsigned char>(c) < 0x20) {
      char buf[8];
      std::snprintf(buf, sizeof buf, "\\u%04x", c);
      out += buf;
      continue;
    }
    out += c;
  }
  return out + "\"";
}

Response resource_response(const node::StoredResource& r, int status) {
  Response out;
  out.status = status;
  out.body = r.json;
  out.headers["ETag"] = "W/\"" + std::to_string(r.version) + "\"";
  out.headers["Last-Modified"] = r.last_updated;
  out.headers["Location"] = r.type + "/" + r.id + "/_history/" + std::to_string(r.version);
  return out;
}

Response bundle_of(const std::string& type, const std::vector<node::StoredResource>& rs, const std::string& base,
                   const std::string& next_link, const std::string& outcome_entry) {
  std::string body = R"({"resourceType":"Bundle","type":)" + json_string(type);
  if (!next_link.empty()) body += R"(,"link":[{"relation":"next","url":)" + json_string(next_link) + "}]";
  body += R"(,"entry":[)" + outcome_entry;
  for (std::size_t i = 0; i < rs.size(); ++i) {
    if (i || !outcome_entry.empty()) body += ',';
    body += R"({"fullUrl":)" + json_string(base + "/" + rs[i].type + "/" + rs[i].id) + R"(,"resource":)" + rs[i].json + "}";
  }
  body += "]}";
  Response out;
  out.body = std::move(body);
  return out;
}


Response refused(AccessTrail& trail, Response r, const std::string& why) {
  trail.outcome = 4;
  trail.outcome_text = why;
  return r;
}

std::string withheld_entry() {
  return R"({"resource":{"resourceType":"OperationOutcome","issue":[{"severity":"information","code":"suppressed",)"
         R"("diagnostics":"some information is not shown, at the patient's request or by policy"}]},"search":{"mode":"outcome"}})";
}

Response withheld_answer() {
  return spine_outcome(403, "suppressed", "ACCESS DENIED", "Access denied",
                       "this information is not shared with you, at the patient's request or by policy");
}

}  // namespace hidewire::http
