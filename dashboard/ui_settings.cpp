// The federation, conformance and configuration views: GET /ui/api/federation (peers from the
// config, with what the federation client saw of them), GET /ui/api/conformance (the report
// folders of `dashboard.conformance_reports`) and .../{name}/report.html, GET /ui/api/config
// (the running config, secrets hidden) and POST /ui/api/config/check (the reader `hidewire run` uses).
#include <openssl/evp.h>
#include <openssl/sha.h>

#include <algorithm>
#include <filesystem>
#include <initializer_list>
#include <fstream>
#include <sstream>

#include "dashboard/ui_parts.hpp"
#include "federation/federated_record.hpp"
#include "node/config.hpp"

namespace hidewire::dashboard {
namespace {

namespace fs = std::filesystem;

std::string slurp(const fs::path& p, std::size_t max) {
  std::ifstream in(p, std::ios::binary);
  std::string out;
  if (!in) return out;
  out.resize(max);
  in.read(out.data(), static_cast<std::streamsize>(max));
  out.resize(static_cast<std::size_t>(in.gcount()));
  return out;
}

// A setting that holds a secret or names a key: hidden, whatever its value.
bool secret_key(std::string k) {
  for (char& c : k) c = static_cast<char>(std::tolower(static_cast<unsigned char>(c)));
  for (const char* s : {"token", "secret", "password", "passphrase", "key", "sha256", "authorization", "credential"})
    if (k.find(s) != std::string::npos) return true;
  return false;
}

void hide_secrets(rapidjson::Value& v, rapidjson::Document::AllocatorType& a) {
  if (v.IsObject()) {
    for (auto& m : v.GetObject()) {
      if (secret_key(m.name.GetString()) && !m.value.IsBool() && !m.value.IsObject()) m.value.SetString("***", a);
      else hide_secrets(m.value, a);
    }
  } else if (v.IsArray()) {
    for (auto& e : v.GetArray()) hide_secrets(e, a);
  } else if (v.IsString()) {
    std::string s = v.GetString();  // a URL's user:password@
    auto scheme = s.find("://");
    auto at = scheme == std::string::npos ? std::string::npos : s.find('@', scheme);
    if (at != std::string::npos && at < s.find('/', scheme + 3)) {
      s.replace(scheme + 3, at - scheme - 3, "***");
      v.SetString(s.c_str(), static_cast<rapidjson::SizeType>(s.size()), a);
    }
  }
}

// 'sha256-...' for each inline <style> of a report, so its CSP can allow exactly those.
std::string style_hashes(const std::string& html) {
  std::string out;
  for (std::size_t pos = 0; (pos = html.find("<style>", pos)) != std::string::npos;) {
    std::size_t end = html.find("</style>", pos);
    if (end == std::string::npos) break;
    unsigned char digest[SHA256_DIGEST_LENGTH];
    SHA256(reinterpret_cast<const unsigned char*>(html.data() + pos + 7), end - pos - 7, digest);
    unsigned char b64[64];
    int n = EVP_EncodeBlock(b64, digest, SHA256_DIGEST_LENGTH);
    out += " 'sha256-" + std::string(reinterpret_cast<char*>(b64), static_cast<std::size_t>(n)) + "'";
    pos = end;
  }
  return out;
}

bool safe_name(const std::string& n) {
  return !n.empty() && n.size() < 200 && n[0] != '.' && n.find_first_of("/\\") == std::string::npos && n.find("..") == std::string::npos;
}

}  // namespace

http::Response federation_view(Call& c) {
  const node::NodeConfig& cfg = c.ctx.admin.cfg;
  rapidjson::StringBuffer b;
  Writer w(b);
  w.StartObject();
  w.Key("enabled");
  w.Bool(c.ctx.federation != nullptr);
  w.Key("peers");
  w.StartArray();
  for (std::size_t i = 0; i < cfg.peers.size(); ++i) {
    const node::PeerConfig& p = cfg.peers[i];
    if (p.url.empty()) continue;  // a peer that only calls this node is not asked
    federation::PeerStats::Peer s = c.ctx.federation ? c.ctx.federation->stats().of(p.ods_code) : federation::PeerStats::Peer{};
    w.StartObject();
    write_string(w, "ods", p.ods_code);
    write_string(w, "name", i < cfg.auth.peers.size() && !cfg.auth.peers[i].kind.empty() ? p.ods_code + " (" + cfg.auth.peers[i].kind + ")" : p.ods_code);
    write_string(w, "kind", i < cfg.auth.peers.size() ? cfg.auth.peers[i].kind : "");
    write_string(w, "url", p.url);
    w.Key("gpconnect_provider");
    w.Bool(!p.gpconnect.asid.empty());
    w.Key("reachable");
    s.reachable ? w.Bool(*s.reachable) : w.Null();
    write_nullable(w, "last_contact", s.last_contact);
    w.Key("latency_ms");
    w.StartArray();
    for (double ms : s.latency_ms) w.Double(ms);
    w.EndArray();
    w.Key("refusals");
    w.StartArray();
    for (const auto& [reason, r] : s.refusals) {
      w.StartObject();
      write_string(w, "at", r.at);
      write_string(w, "reason", reason);
      w.Key("count");
      w.Uint64(r.count);
      w.EndObject();
    }
    w.EndArray();
    w.EndObject();
  }
  w.EndArray();
  w.EndObject();
  return json(b);
}

http::Response conformance(Call& c) {
  const std::string& dir = c.ctx.admin.cfg.dashboard.conformance_reports;
  struct Report {
    std::string name, pack, at;
    int passed = 0, failed = 0, skipped = 0, errors = 0;
    bool ok = false;
  };
  std::vector<Report> reports;
  std::error_code ec;
  if (!dir.empty() && fs::is_directory(dir, ec))
    for (const auto& e : fs::directory_iterator(dir, ec)) {
      std::string name = e.path().filename().string();
      if (!e.is_directory() || !safe_name(name)) continue;
      rapidjson::Document d;
      std::string text = slurp(e.path() / "summary.json", 4u << 20);
      if (text.empty() || d.Parse(text.c_str()).HasParseError() || !d.IsObject()) continue;  // not a report folder
      Report r{name, member_string(d, "pack"), member_string(d, "finished")};
      r.ok = d.HasMember("passed") && d["passed"].IsBool() && d["passed"].GetBool();
      if (d.HasMember("tests") && d["tests"].IsObject())
        for (const auto& t : d["tests"].GetObject()) {
          std::string s = t.value.IsString() ? t.value.GetString() : "";
          ++(s == "pass" ? r.passed : s == "fail" ? r.failed : s == "skip" ? r.skipped : r.errors);
        }
      reports.push_back(std::move(r));
    }
  std::sort(reports.begin(), reports.end(), [](const Report& a, const Report& b) { return a.at > b.at; });  // latest first
  rapidjson::StringBuffer b;
  Writer w(b);
  w.StartObject();
  write_string(w, "folder", dir);
  w.Key("reports");
  w.StartArray();
  for (const Report& r : reports) {
    w.StartObject();
    write_string(w, "name", r.name);
    write_string(w, "pack", r.pack);
    write_string(w, "at", r.at);
    w.Key("ok");
    w.Bool(r.ok);
    for (auto [k, v] : std::initializer_list<std::pair<const char*, int>>{{"passed", r.passed}, {"failed", r.failed}, {"skipped", r.skipped}, {"errors", r.errors}}) {
      w.Key(k);
      w.Int(v);
    }
    write_string(w, "html", "/ui/api/conformance/" + r.name + "/report.html");
    w.EndObject();
  }
  w.EndArray();
  w.EndObject();
  return json(b);
}

http::Response conformance_report(Call& c, const std::string& name) {
  const std::string& dir = c.ctx.admin.cfg.dashboard.conformance_reports;
  if (dir.empty() || !safe_name(name)) return error(404, "no such report");
  fs::path file = fs::path(dir) / name / "report.html";
  std::error_code ec;
  if (!fs::is_regular_file(file, ec)) return error(404, "no such report");
  http::Response r;
  r.content_type = "text/html; charset=utf-8";
  r.body = slurp(file, 64u << 20);
  // The same strict policy, with the report's own inline styles allowed by their hashes only.
  std::string hashes = style_hashes(r.body);
  r.headers["Content-Security-Policy"] =
      "default-src 'none'; script-src 'self'; style-src 'self'" + hashes +
      "; img-src 'self' data:; connect-src 'self'; font-src 'self'; form-action 'self'; frame-ancestors 'none'; base-uri 'none'";
  return r;
}

http::Response config_view(Call& c) {
  rapidjson::Document d;
  d.Parse(c.ctx.config_text.c_str());
  if (d.HasParseError()) return error(500, "the running config cannot be read back");
  hide_secrets(d, d.GetAllocator());
  rapidjson::StringBuffer b;
  Writer w(b);
  w.StartObject();
  write_string(w, "path", c.ctx.config_path);
  w.Key("config");
  d.Accept(w);
  w.EndObject();
  return json(b);
}

http::Response config_check(Call& c) {
  rapidjson::Document d;
  http::Response bad;
  if (!body_object(c.r, d, bad)) return bad;
  if (!d.HasMember("text") || !d["text"].IsString()) return error(400, "text is the config file's JSON, as a string");
  std::vector<std::string> errors, warnings;
  try {
    node::NodeConfig cfg = node::parse_config(d["text"].GetString(), c.ctx.registry);
    // What `hidewire run` checks next: every TLS and key file it names must be readable.
    for (const std::string& item : cfg.tls_files) {
      std::size_t tab = item.find('\t');
      std::ifstream in(item.substr(tab + 1));
      if (!in) errors.push_back(item.substr(0, tab) + ": cannot read " + item.substr(tab + 1));
    }
    if (cfg.auth.allow_anonymous) warnings.push_back("$.development.allow_anonymous: callers without credentials get every right; never on a node with real records");
    if (!cfg.admin.tls.enabled() && cfg.admin.listen.host != "127.0.0.1" && cfg.admin.listen.host != "localhost" && cfg.admin.listen.host != "::1")
      warnings.push_back("$.admin: listens beyond loopback without TLS: credentials and the dashboard's session cookie cross the network in clear");
    if (cfg.name != c.ctx.admin.cfg.name) warnings.push_back("$.node.name: differs from the running node's (" + c.ctx.admin.cfg.name + ")");
  } catch (const node::ConfigError& e) {
    errors = e.problems;
  } catch (const std::exception& e) {
    errors.push_back(e.what());
  }
  rapidjson::StringBuffer b;
  Writer w(b);
  w.StartObject();
  w.Key("ok");
  w.Bool(errors.empty());
  for (auto* list : {&errors, &warnings}) {
    w.Key(list == &errors ? "errors" : "warnings");
    w.StartArray();
    for (const std::string& s : *list) w.String(s.c_str(), static_cast<rapidjson::SizeType>(s.size()));
    w.EndArray();
  }
  w.EndObject();
  return json(b);
}

}  // namespace hidewire::dashboard
