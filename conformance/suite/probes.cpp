#include "conformance/suite/probes.hpp"

#include <curl/curl.h>
#include <rapidjson/document.h>

#include <algorithm>
#include <cctype>
#include <ctime>
#include <stdexcept>

#include "conformance/gate.hpp"
#include "fhir/nhs_number.hpp"
#include "net/mllp/client.hpp"

namespace hidewire::conformance::suite {
namespace {

constexpr std::size_t kEvidenceBytes = 64u << 10;  // per body: enough to judge, small enough to read

}  // namespace

std::string clip(const std::string& s) {
  if (s.size() <= kEvidenceBytes) return s;
  return s.substr(0, kEvidenceBytes) + "\n... (" + std::to_string(s.size() - kEvidenceBytes) + " more bytes)";
}

namespace {

std::size_t collect(char* p, std::size_t size, std::size_t n, void* out) {
  auto* s = static_cast<std::string*>(out);
  if (s->size() > (16u << 20)) return 0;  // a product answering without end: stop reading
  s->append(p, size * n);
  return size * n;
}

}  // namespace

std::string readable(std::string s) {
  std::replace(s.begin(), s.end(), '\r', '\n');
  return s;
}

HttpAnswer http_call(const Target& target, const std::string& method, const std::string& path, const std::string& body,
                     bool authenticate, const std::string& label, std::vector<Exchange>& evidence,
                     const std::vector<std::string>& extra_headers) {
  static const bool init = curl_global_init(CURL_GLOBAL_DEFAULT) == CURLE_OK;
  HttpAnswer a;
  Exchange ex{label, method + " " + target.fhir_base + path + "\nAccept: application/fhir+json\n", ""};
  CURL* c = init ? curl_easy_init() : nullptr;
  if (!c) {
    a.error = "libcurl could not start";
    evidence.push_back(ex);
    return a;
  }
  curl_slist* headers = curl_slist_append(nullptr, "Accept: application/fhir+json");
  if (!body.empty()) {
    headers = curl_slist_append(headers, "Content-Type: application/fhir+json");
    ex.request += "Content-Type: application/fhir+json\n";
  }
  for (const std::string& h : extra_headers) {
    headers = curl_slist_append(headers, h.c_str());
    ex.request += h + "\n";
  }
  if (authenticate && !target.token.empty()) {
    headers = curl_slist_append(headers, ("Authorization: Bearer " + target.token).c_str());
    ex.request += "Authorization: Bearer (token not shown)\n";
  }
  if (authenticate && !target.cert.empty()) ex.request += "(client certificate " + target.cert + ")\n";
  if (!authenticate) ex.request += "(no credentials: no token, no client certificate)\n";
  if (!body.empty()) ex.request += "\n" + clip(body) + "\n";
  std::string url = target.fhir_base + path;
  curl_easy_setopt(c, CURLOPT_URL, url.c_str());
  curl_easy_setopt(c, CURLOPT_CUSTOMREQUEST, method.c_str());
  if (!body.empty()) {
    curl_easy_setopt(c, CURLOPT_POSTFIELDS, body.c_str());
    curl_easy_setopt(c, CURLOPT_POSTFIELDSIZE, static_cast<long>(body.size()));
  }
  curl_easy_setopt(c, CURLOPT_HTTPHEADER, headers);
  curl_easy_setopt(c, CURLOPT_PROTOCOLS_STR, "http,https");
  curl_easy_setopt(c, CURLOPT_TIMEOUT_MS, static_cast<long>(target.timeout.count()));
  curl_easy_setopt(c, CURLOPT_NOSIGNAL, 1L);
  if (!target.ca.empty()) curl_easy_setopt(c, CURLOPT_CAINFO, target.ca.c_str());
  if (authenticate && !target.cert.empty()) {
    curl_easy_setopt(c, CURLOPT_SSLCERT, target.cert.c_str());
    curl_easy_setopt(c, CURLOPT_SSLKEY, target.key.c_str());
  }
  curl_easy_setopt(c, CURLOPT_WRITEFUNCTION, collect);
  curl_easy_setopt(c, CURLOPT_WRITEDATA, &a.body);
  curl_easy_setopt(c, CURLOPT_HEADERFUNCTION, collect);
  curl_easy_setopt(c, CURLOPT_HEADERDATA, &a.headers);
  char err[CURL_ERROR_SIZE] = {0};
  curl_easy_setopt(c, CURLOPT_ERRORBUFFER, err);
  CURLcode rc = curl_easy_perform(c);
  if (rc == CURLE_OK) {
    curl_easy_getinfo(c, CURLINFO_RESPONSE_CODE, &a.status);
    a.headers.erase(std::remove(a.headers.begin(), a.headers.end(), '\r'), a.headers.end());
    ex.response = a.headers + clip(a.body);
  } else {
    a.error = err[0] ? err : curl_easy_strerror(rc);
    ex.response = "(no answer: " + a.error + ")";
  }
  curl_slist_free_all(headers);
  curl_easy_cleanup(c);
  evidence.push_back(std::move(ex));
  return a;
}

std::string header_value(const std::string& headers, std::string_view name) {
  std::size_t pos = 0;
  while (pos < headers.size()) {
    std::size_t end = headers.find('\n', pos);
    std::string_view line(headers.data() + pos, (end == std::string::npos ? headers.size() : end) - pos);
    pos = end == std::string::npos ? headers.size() : end + 1;
    if (line.size() <= name.size() || line[name.size()] != ':') continue;
    bool same = true;
    for (std::size_t i = 0; i < name.size() && same; ++i) same = std::tolower(static_cast<unsigned char>(line[i])) == std::tolower(static_cast<unsigned char>(name[i]));
    if (!same) continue;
    std::string_view v = line.substr(name.size() + 1);
    while (!v.empty() && v.front() == ' ') v.remove_prefix(1);
    while (!v.empty() && (v.back() == ' ' || v.back() == '\r')) v.remove_suffix(1);
    return std::string(v);
  }
  return {};
}

std::string mllp_call(const Target& target, const std::string& frame_payload, const std::string& label,
                      std::vector<Exchange>& evidence, std::string& error) {
  Exchange ex{label, "MLLP frame to " + target.mllp_host + ":" + std::to_string(target.mllp_port) + (target.mllp_tls ? " (TLS)" : "") +
                         "\n" + readable(clip(frame_payload)),
              ""};
  std::string ack;
  try {
    mllp::ClientOptions o;
    o.timeout = target.timeout;
    o.tls = target.mllp_tls;
    o.tls_ca_file = target.ca;
    o.tls_cert_file = target.cert;
    o.tls_key_file = target.key;
    mllp::Client client(target.mllp_host, target.mllp_port, o);
    ack = client.send(frame_payload);
    ex.response = readable(clip(ack));
  } catch (const std::exception& e) {
    error = e.what();
    ex.response = "(no ACK: " + error + ")";
  }
  evidence.push_back(std::move(ex));
  return ack;
}

std::string first_r4_error(const std::string& json) {
  fhir::Diagnostics diags = conformance::check(json);
  for (const fhir::Issue& i : diags.issues())
    if (i.severity == fhir::Severity::Error || i.severity == fhir::Severity::Fatal) return i.location + ": " + i.message;
  return {};
}

bool parse_resource(const std::string& body, std::string_view type, rapidjson::Document& d) {
  d.Parse(body.c_str(), body.size());
  if (d.HasParseError() || !d.IsObject()) return false;
  auto rt = d.FindMember("resourceType");
  return rt != d.MemberEnd() && rt->value.IsString() && rt->value.GetString() == type;
}

std::string resource_type(const std::string& body) {
  rapidjson::Document d;
  d.Parse(body.c_str(), body.size());
  if (d.HasParseError() || !d.IsObject()) return {};
  auto it = d.FindMember("resourceType");
  return it != d.MemberEnd() && it->value.IsString() ? it->value.GetString() : std::string();
}

bool is_operation_outcome(const std::string& body) {
  rapidjson::Document d;
  if (!parse_resource(body, "OperationOutcome", d)) return false;
  auto issue = d.FindMember("issue");
  return issue != d.MemberEnd() && issue->value.IsArray() && !issue->value.Empty();
}

long bundle_count(const std::string& body) {
  rapidjson::Document d;
  if (!parse_resource(body, "Bundle", d)) return -1;
  auto total = d.FindMember("total");
  if (total != d.MemberEnd() && total->value.IsInt64()) return static_cast<long>(total->value.GetInt64());
  auto entry = d.FindMember("entry");
  return entry != d.MemberEnd() && entry->value.IsArray() ? static_cast<long>(entry->value.Size()) : 0;
}

std::string spine_code(const std::string& body) {
  rapidjson::Document d;
  if (!parse_resource(body, "OperationOutcome", d)) return {};
  return spine_code_of(d);
}

std::string spine_code_of(const rapidjson::Value& outcome) {
  if (!outcome.IsObject() || !outcome.HasMember("issue") || !outcome["issue"].IsArray()) return {};
  for (const auto& issue : outcome["issue"].GetArray()) {
    if (!issue.IsObject() || !issue.HasMember("details") || !issue["details"].IsObject()) continue;
    const auto& details = issue["details"];
    if (!details.HasMember("coding") || !details["coding"].IsArray()) continue;
    for (const auto& c : details["coding"].GetArray())
      if (c.IsObject() && c.HasMember("code") && c["code"].IsString() && c.HasMember("system") && c["system"].IsString() &&
          std::string_view(c["system"].GetString()).find("Spine-ErrorOrWarningCode") != std::string_view::npos)
        return c["code"].GetString();
  }
  return {};
}

const rapidjson::Value* audit_of_request(const rapidjson::Document& d, const std::string& request_id) {
  if (!d.IsObject() || !d.HasMember("entry") || !d["entry"].IsArray()) return nullptr;
  for (const auto& e : d["entry"].GetArray()) {
    if (!e.IsObject() || !e.HasMember("resource") || !e["resource"].IsObject()) continue;
    const auto& a = e["resource"];
    if (!a.HasMember("entity") || !a["entity"].IsArray()) continue;
    for (const auto& en : a["entity"].GetArray())
      if (en.IsObject() && en.HasMember("what") && en["what"].IsObject() && en["what"].HasMember("identifier") &&
          en["what"]["identifier"].IsObject() && en["what"]["identifier"].HasMember("value") && en["what"]["identifier"]["value"].IsString() &&
          request_id == en["what"]["identifier"]["value"].GetString())
        return &a;
  }
  return nullptr;
}

std::string nhs_number_from(std::uint64_t seed) {
  for (std::uint64_t s = seed;; ++s) {
    // 9 digits from the seed (a 999 prefix keeps clear of most real numbers), then the check digit.
    std::string d = "999" + std::to_string(100000 + (s * 2654435761u) % 900000);
    int sum = 0;
    for (int i = 0; i < 9; ++i) sum += (d[i] - '0') * (10 - i);
    int check = 11 - sum % 11;
    if (check == 10) continue;
    d += static_cast<char>('0' + (check == 11 ? 0 : check));
    if (fhir::is_valid_nhs_number(d)) return d;
  }
}

std::string with_wrong_check_digit(const std::string& nhs) {
  std::string out = nhs;
  out[9] = out[9] == '9' ? '0' : static_cast<char>(out[9] + 1);
  return out;
}

std::string adt_a01(const std::string& control_id, const std::string& nhs, const std::string& facility) {
  std::time_t now = std::time(nullptr);
  char ts[32];
  std::strftime(ts, sizeof ts, "%Y%m%d%H%M%S", std::gmtime(&now));
  std::string t = ts;
  return "MSH|^~\\&|HWCONF|" + facility + "|RECEIVER|RECEIVER|" + t + "||ADT^A01^ADT_A01|" + control_id + "|P|2.5.1|||AL|NE|GBR\r" +
         "EVN|A01|" + t + "\r" +
         "PID|1||" + nhs + "^^^NHS^NH~HWC" + control_id.substr(control_id.size() > 8 ? control_id.size() - 8 : 0) +
         "^^^HWCONF^MR||CONFORMANCE^ALICE^JANE^^MRS||19800214|F|||12 Station Road^^York^North Yorkshire^YO1 7HB^GBR^H\r" +
         "PV1|1|I|WARD1^BED2^^HWCONF||||C3456789^JONES^SARAH^^^DR|||||||||||" + control_id + "\r";
}

}  // namespace hidewire::conformance::suite
