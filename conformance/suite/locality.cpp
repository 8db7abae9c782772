#include "conformance/suite/locality.hpp"

#include <rapidjson/document.h>

#include <cctype>
#include <ctime>
#include <filesystem>
#include <fstream>
#include <sstream>
#include <stdexcept>

#include "conformance/suite/probes.hpp"
#include "conformance/suite/runner.hpp"
#include "fhir/json_escape.hpp"

namespace hidewire::conformance::suite {
namespace {

std::string slurp(const std::filesystem::path& p) {
  std::ifstream in(p, std::ios::binary);
  if (!in) return {};
  std::stringstream s;
  s << in.rdbuf();
  return s.str();
}

std::string str(const rapidjson::Value& o, const char* key) {
  auto it = o.FindMember(key);
  return it != o.MemberEnd() && it->value.IsString() ? it->value.GetString() : std::string();
}

std::size_t count(const rapidjson::Value& o, const char* key) {
  auto it = o.FindMember(key);
  return it != o.MemberEnd() && it->value.IsUint64() ? static_cast<std::size_t>(it->value.GetUint64()) : 0;
}

void read_summary(LocalityNode& n, const std::filesystem::path& dir) {
  std::string text = slurp(dir / "summary.json");
  rapidjson::Document d;
  d.Parse(text.c_str(), text.size());
  if (text.empty() || d.HasParseError() || !d.IsObject() || !d.HasMember("tests") || !d["tests"].IsObject()) {
    n.problem = "no readable summary.json in " + dir.string();
    return;
  }
  n.pack = str(d, "pack");
  n.passed = d.HasMember("passed") && d["passed"].IsBool() && d["passed"].GetBool();
  n.reads_gp_records = str(d["tests"], "GPC-CONSUMER-REQUEST") == "pass";
  if (d.HasMember("messages") && d["messages"].IsObject()) {
    const auto& m = d["messages"];
    n.v2_patient_level = count(m, "v2_patient_level");
    n.v2_valid = count(m, "v2_valid_nhs_number");
    n.fhir_patients = count(m, "fhir_patients");
    n.fhir_valid = count(m, "fhir_valid_nhs_number");
    n.fhir_verified = count(m, "fhir_verified_nhs_number");
  }
}

// A token as the config gives it: the value, or @FILE (relative to the config's folder).
std::string token_of(const std::string& v, const std::filesystem::path& base) {
  if (v.empty() || v[0] != '@') return v;
  std::filesystem::path f = v.substr(1);
  std::string t = slurp(f.is_absolute() ? f : base / f);
  while (!t.empty() && std::isspace(static_cast<unsigned char>(t.back()))) t.pop_back();
  return t;
}

// The node's own counts from its admin API (GET /stats): summed over its channels.
void read_admin(LocalityNode& n, const std::filesystem::path& base) {
  auto path = [&](const std::string& f) { return f.empty() || std::filesystem::path(f).is_absolute() ? f : (base / f).string(); };
  Target t;
  t.fhir_base = n.admin;
  while (!t.fhir_base.empty() && t.fhir_base.back() == '/') t.fhir_base.pop_back();
  t.token = token_of(n.admin_token, base);
  t.ca = path(n.admin_ca), t.cert = path(n.admin_cert), t.key = path(n.admin_key);
  std::vector<Exchange> ignored;
  HttpAnswer h = http_call(t, "GET", "/stats", "", true, "admin /stats", ignored);
  rapidjson::Document d;
  d.Parse(h.body.c_str(), h.body.size());
  if (h.status != 200 || d.HasParseError() || !d.IsObject() || !d.HasMember("channels") || !d["channels"].IsObject()) {
    n.admin_problem = "its admin API " + n.admin + "/stats " + (h.status ? "answered " + std::to_string(h.status) : "did not answer: " + h.error);
    return;
  }
  for (const auto& ch : d["channels"].GetObject()) {
    if (!ch.value.IsObject()) continue;
    n.node_patient_level += count(ch.value, "patient_level");
    n.node_valid += count(ch.value, "valid_nhs_number");
  }
  n.gp_record_reads = count(d, "gp_record_reads");
  n.gp_records_to_urgent_care = count(d, "gp_records_to_urgent_care");
  n.admin_read = true;
  if (n.gp_record_reads > 0) n.reads_gp_records = true;  // it does read them, whatever its run saw
}

std::string share(std::size_t part, std::size_t whole) {
  if (whole == 0) return "n/a";
  return std::to_string(part * 100 / whole) + "% (" + std::to_string(part) + " of " + std::to_string(whole) + ")";
}

}  // namespace

std::size_t Locality::urgent_care() const {
  std::size_t n = 0;
  for (const LocalityNode& x : nodes) n += x.urgent_care;
  return n;
}

std::size_t Locality::urgent_care_reading() const {
  std::size_t n = 0;
  for (const LocalityNode& x : nodes) n += x.urgent_care && x.reads_gp_records;
  return n;
}

Locality read_locality(const std::string& config_path) {
  std::string text = slurp(config_path);
  rapidjson::Document d;
  d.Parse(text.c_str(), text.size());
  if (text.empty() || d.HasParseError() || !d.IsObject()) throw std::runtime_error(config_path + ": not a readable JSON object");
  if (!d.HasMember("nodes") || !d["nodes"].IsArray() || d["nodes"].Empty()) throw std::runtime_error(config_path + ": 'nodes' must be a non-empty array");
  Locality l;
  l.name = str(d, "locality");
  std::time_t now = std::time(nullptr);
  char buf[32];
  std::strftime(buf, sizeof buf, "%Y-%m-%dT%H:%M:%SZ", std::gmtime(&now));
  l.generated = buf;
  std::filesystem::path base = std::filesystem::path(config_path).parent_path();
  for (const auto& v : d["nodes"].GetArray()) {
    if (!v.IsObject()) throw std::runtime_error(config_path + ": each of 'nodes' must be an object");
    LocalityNode n;
    n.name = str(v, "name"), n.ods_code = str(v, "ods_code"), n.kind = str(v, "kind"), n.report = str(v, "report");
    n.admin = str(v, "admin"), n.admin_token = str(v, "admin_token"), n.admin_ca = str(v, "admin_ca");
    n.admin_cert = str(v, "admin_cert"), n.admin_key = str(v, "admin_key");
    if (n.name.empty() || n.kind.empty() || (n.report.empty() && n.admin.empty()))
      throw std::runtime_error(config_path + ": every node needs name, kind, and report or admin");
    if (!n.admin.empty() && n.admin.rfind("http://", 0) != 0 && n.admin.rfind("https://", 0) != 0)
      throw std::runtime_error(config_path + ": " + n.name + ": admin must be an http(s):// URL");
    n.urgent_care = n.kind == "ambulance-service" || n.kind == "nhs-111" || n.kind == "acute-trust";
    std::filesystem::path dir = n.report;
    if (!n.report.empty()) read_summary(n, dir.is_absolute() ? dir : base / dir);
    else n.problem = "no conformance run named (its admin counts only)";
    if (!n.admin.empty()) read_admin(n, base);
    l.nodes.push_back(std::move(n));
  }
  return l;
}

std::string locality_json(const Locality& l) {
  using fhir::json_escape;
  std::size_t v2 = 0, v2_valid = 0, fp = 0, fv = 0, fver = 0, own = 0, own_valid = 0, asked = 0;
  std::ostringstream nodes;
  for (std::size_t i = 0; i < l.nodes.size(); ++i) {
    const LocalityNode& n = l.nodes[i];
    v2 += n.v2_patient_level, v2_valid += n.v2_valid, fp += n.fhir_patients, fv += n.fhir_valid, fver += n.fhir_verified;
    if (n.admin_read) own += n.node_patient_level, own_valid += n.node_valid, ++asked;
    nodes << (i ? "," : "") << R"({"name":")" << json_escape(n.name) << R"(","ods_code":")" << json_escape(n.ods_code) << R"(","kind":")"
          << json_escape(n.kind) << R"(","urgent_care":)" << (n.urgent_care ? "true" : "false") << R"(,"report":")"
          << (n.problem.empty() ? "read" : json_escape(n.problem)) << R"(","pack":")" << json_escape(n.pack) << R"(","passed":)"
          << (n.passed ? "true" : "false") << R"(,"reads_gp_records":)" << (n.reads_gp_records ? "true" : "false") << R"(,"v2_patient_level":)"
          << n.v2_patient_level << R"(,"v2_valid_nhs_number":)" << n.v2_valid << R"(,"fhir_patients":)" << n.fhir_patients
          << R"(,"fhir_valid_nhs_number":)" << n.fhir_valid << R"(,"fhir_verified_nhs_number":)" << n.fhir_verified;
    if (!n.admin.empty())
      nodes << R"(,"node_counts":)"
            << (n.admin_read ? R"({"patient_level_messages":)" + std::to_string(n.node_patient_level) + R"(,"with_valid_nhs_number":)" +
                                   std::to_string(n.node_valid) + R"(,"gp_record_reads":)" + std::to_string(n.gp_record_reads) +
                                   R"(,"gp_records_to_urgent_care":)" + std::to_string(n.gp_records_to_urgent_care) + "}"
                             : "null")
            << R"(,"admin":")" << (n.admin_read ? "read" : json_escape(n.admin_problem)) << '"';
    nodes << "}";
  }
  std::ostringstream s;
  s << R"({"locality":")" << json_escape(l.name) << R"(","generated":")" << l.generated << R"(","urgent_care_nodes":)" << l.urgent_care()
    << R"(,"urgent_care_reading_gp_records":)" << l.urgent_care_reading() << R"(,"patient_level_messages":)" << v2 + fp
    << R"(,"with_valid_nhs_number":)" << v2_valid + fv << R"(,"fhir_patients":)" << fp << R"(,"fhir_patients_verified_nhs_number":)" << fver
    << R"(,"nodes_counting":)" << asked << R"(,"node_patient_level_messages":)" << own << R"(,"node_with_valid_nhs_number":)" << own_valid
    << R"(,"nodes":[)" << nodes.str() << "]}\n";
  return s.str();
}

std::string locality_html(const Locality& l) {
  std::size_t msgs = 0, valid = 0, fp = 0, fver = 0, own = 0, own_valid = 0;
  for (const LocalityNode& n : l.nodes) {
    msgs += n.v2_patient_level + n.fhir_patients, valid += n.v2_valid + n.fhir_valid, fp += n.fhir_patients, fver += n.fhir_verified;
    if (n.admin_read) own += n.node_patient_level, own_valid += n.node_valid;
  }
  std::ostringstream s;
  s << "<!DOCTYPE html>\n<html lang=\"en-GB\"><head><meta charset=\"utf-8\"><title>Locality: " << xml_escape(l.name)
    << "</title><style>body{font-family:sans-serif;margin:2em}table{border-collapse:collapse}td,th{border:1px solid #999;padding:.3em}</style>"
    << "</head><body>\n<h1>Locality " << xml_escape(l.name) << "</h1>\n<p>Generated " << l.generated << " from each node's own conformance run and, where named, its admin API.</p>\n<ul>"
    << "<li>Ambulance, NHS 111 and A&amp;E nodes that read GP records (GPC-CONSUMER-REQUEST passed, or the node counts GP-record reads): "
    << share(l.urgent_care_reading(), l.urgent_care())
    << "</li>\n<li>Patient-level messages sent with a valid NHS number (the runs): " << share(valid, msgs)
    << "</li>\n<li>Patient-level messages the nodes took in keyed by a valid NHS number (their own counts, admin /stats): " << share(own_valid, own) << "</li>\n<li>FHIR Patients sent with a verified NHS number (UK Core status 01): "
    << share(fver, fp) << "</li></ul>\n<table><tr><th>Node</th><th>ODS</th><th>Kind</th><th>Run</th><th>Reads GP records</th><th>Valid NHS numbers</th>"
    << "<th>Verified (FHIR)</th><th>Node's own count: valid NHS numbers</th><th>GP-record reads</th><th>GP records served to urgent care</th></tr>\n";
  for (const LocalityNode& n : l.nodes)
    s << "<tr><td>" << xml_escape(n.name) << "</td><td>" << xml_escape(n.ods_code) << "</td><td>" << xml_escape(n.kind) << "</td><td>"
      << (n.problem.empty() ? xml_escape(n.pack) + (n.passed ? ": passed" : ": not passed") : xml_escape(n.problem)) << "</td><td>"
      << (n.urgent_care ? (n.reads_gp_records ? "yes" : "no") : "-") << "</td><td>" << share(n.v2_valid + n.fhir_valid, n.v2_patient_level + n.fhir_patients)
      << "</td><td>" << share(n.fhir_verified, n.fhir_patients) << "</td><td>"
      << (n.admin_read ? share(n.node_valid, n.node_patient_level) : n.admin.empty() ? "-" : xml_escape(n.admin_problem)) << "</td><td>"
      << (n.admin_read ? std::to_string(n.gp_record_reads) : "-") << "</td><td>" << (n.admin_read ? std::to_string(n.gp_records_to_urgent_care) : "-")
      << "</td></tr>\n";
  s << "</table></body></html>\n";
  return s.str();
}

}  // namespace hidewire::conformance::suite
