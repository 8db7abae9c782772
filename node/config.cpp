#include "node/config.hpp"

#include <rapidjson/document.h>
#include <rapidjson/error/en.h>

#include <algorithm>
#include <cctype>
#include <filesystem>
#include <fstream>
#include <iterator>
#include <set>

#include "fhir/nhs_number.hpp"
#include "fhirpath/parser.hpp"

namespace hidewire::node {
namespace {

std::string joined(const std::vector<std::string>& p) {
  std::string out = "invalid configuration:";
  for (const std::string& s : p) out += "\n  " + s;
  return out;
}

// Reads `type` (default `fallback` when it may be absent) and hands the object to that plugin's
// factory; unknown types are named with the ones registered.
template <typename Builder>
Builder plugin(ConfigReader& r, const PluginKind<Builder>& kind, const char* what, std::string& type, const char* fallback = nullptr) {
  if (fallback && !r.has("type")) {
    r.claim("type");
    type = fallback;
  } else if (!r.one_of("type", type, kind.types(), true)) {
    return nullptr;
  }
  auto it = kind.by_type.find(type);
  if (it == kind.by_type.end()) {
    r.problem("type", std::string("no ") + what + " plugin '" + type + "'");
    return nullptr;
  }
  return it->second(r);
}

void read_http_listener(ConfigReader& a, HttpListenerConfig& l) {
  a.endpoint("listen", l.listen);
  a.num("max_request_bytes", l.max_request_bytes, 1024, 1LL << 30);
  a.tls(l.tls);
  read_limits(a, l.limits);
}

const std::vector<std::string> kOrgKinds = {"acute-trust", "ambulance-service", "care-home", "community", "gp-practice",
                                           "nhs-111", "social-care", "voluntary"};

bool is_hex64(const std::string& s) {
  return s.size() == 64 && std::all_of(s.begin(), s.end(), [](char ch) { return std::isxdigit(static_cast<unsigned char>(ch)); });
}

std::string lower(std::string s) {
  for (char& ch : s) ch = static_cast<char>(std::tolower(static_cast<unsigned char>(ch)));
  return s;
}

// The credentials part of a peers[] entry (its ods_code, url and tls are the federation's).
void read_peer_auth(ConfigReader& p, PeerAuth& a) {
  p.one_of("kind", a.kind, kOrgKinds, false);
  p.strings("jwt_keys", a.jwt_keys);
  p.boolean("gpconnect_consumer", a.gpconnect_consumer);
  p.strings("roles", a.roles);
  p.strings("write_types", a.write_types);
}

void read_system(ConfigReader& s, SystemAuth& a) {
  s.str("name", a.name, true);
  s.str("ods_code", a.ods_code);
  s.one_of("kind", a.kind, kOrgKinds, false);
  s.str("token_sha256", a.token_sha256);
  if (!a.token_sha256.empty() && !is_hex64(a.token_sha256))
    s.problem("token_sha256", "expected the 64 hex digits of a SHA-256 (hidewire token secret prints one)");
  a.token_sha256 = lower(a.token_sha256);
  s.str("cert_cn", a.cert_cn);
  s.strings("jwt_keys", a.jwt_keys);
  if (a.token_sha256.empty() && a.cert_cn.empty() && a.jwt_keys.empty())
    s.problem("", "a system needs a credential: token_sha256, cert_cn or jwt_keys");
  s.strings("roles", a.roles);
  s.strings("write_types", a.write_types);
  s.strings("facilities", a.facilities);
}

void read_identity_provider(ConfigReader& i, IdentityProvider& a) {
  i.str("issuer", a.issuer, true);
  i.strings("keys", a.keys, true);
  if (i.has("keys") && a.keys.empty()) i.problem("keys", "at least one PEM public key file");
  i.str("audience", a.audience);
  i.str("nhs_number_claim", a.nhs_number_claim);
}

// Names that must be unique across one list: "$.systems[2].name: 'pas' is used twice".
template <typename List, typename Get>
void unique_in(std::vector<std::string>& problems, const char* path, const char* key, const List& list, Get get) {
  std::set<std::string> seen;
  for (std::size_t i = 0; i < list.size(); ++i) {
    const std::string& v = get(list[i]);
    if (!v.empty() && !seen.insert(v).second)
      problems.push_back(std::string("$.") + path + "[" + std::to_string(i) + "]." + key + ": '" + v + "' is used twice");
  }
}

void check_credentials(const AuthConfig& a, std::vector<std::string>& problems) {
  unique_in(problems, "peers", "ods_code", a.peers, [](const PeerAuth& p) -> const std::string& { return p.ods_code; });
  unique_in(problems, "systems", "name", a.systems, [](const SystemAuth& s) -> const std::string& { return s.name; });
  unique_in(problems, "systems", "cert_cn", a.systems, [](const SystemAuth& s) -> const std::string& { return s.cert_cn; });
  unique_in(problems, "systems", "token_sha256", a.systems, [](const SystemAuth& s) -> const std::string& { return s.token_sha256; });
  unique_in(problems, "identity_providers", "issuer", a.identity_providers, [](const IdentityProvider& p) -> const std::string& { return p.issuer; });
  // A JWT without a certificate finds its keys by iss: a system name and an issuer must differ.
  for (std::size_t i = 0; i < a.identity_providers.size(); ++i)
    for (const SystemAuth& s : a.systems)
      if (s.name == a.identity_providers[i].issuer)
        problems.push_back("$.identity_providers[" + std::to_string(i) + "].issuer: '" + s.name + "' is also a system's name");
}

// Federation sends health data to every peer with a url: only over mutual TLS with its CA pinned.
void check_federation_peers(const std::vector<PeerConfig>& peers, std::vector<std::string>& problems) {
  std::set<std::string> urls;
  for (std::size_t i = 0; i < peers.size(); ++i) {
    const PeerConfig& p = peers[i];
    if (p.url.empty()) continue;
    std::string at = "$.peers[" + std::to_string(i) + "]";
    if (p.url.rfind("https://", 0) != 0) problems.push_back(at + ".url: federation asks peers over https:// only");
    if (!p.tls.enabled() || p.tls.ca_file.empty())
      problems.push_back(at + ".tls: federation needs cert and key (this node's client certificate) and ca (the peer's CA)");
    std::string u = p.url;
    while (!u.empty() && u.back() == '/') u.pop_back();
    if (!urls.insert(u).second) problems.push_back(at + ".url: '" + p.url + "' is another peer's too");
  }
}

}  // namespace

ConfigError::ConfigError(std::vector<std::string> p) : std::runtime_error(joined(p)), problems(std::move(p)) {}

std::string StorageContext::under(const std::string& path) const {
  return std::filesystem::path(path).is_absolute() ? path : (std::filesystem::path(data_dir) / path).string();
}

const DestinationConfig* NodeConfig::destination(const std::string& n) const {
  for (const DestinationConfig& d : destinations)
    if (d.name == n) return &d;
  return nullptr;
}

NodeConfig parse_config(const std::string& text, const Registry& registry) {
  rapidjson::Document doc;
  doc.Parse(text.c_str());
  if (doc.HasParseError())
    throw ConfigError({std::string("$: invalid JSON: ") + rapidjson::GetParseError_En(doc.GetParseError()) + " at offset " +
                       std::to_string(doc.GetErrorOffset())});
  std::vector<std::string> problems;
  NodeConfig c;
  {
    ConfigReader root(&doc, "$", problems, &c.tls_files);
    root.object("node", [&](ConfigReader& n) {
      n.str("name", c.name, true);
      n.str("ods_code", c.ods_code, true);
      n.str("data_dir", c.data_dir);
      n.num("io_threads", c.io_threads, 0, 64);
      n.num("convert_threads", c.convert_threads, 0, 64);
      n.num("inline_convert_bytes", c.inline_convert_bytes, 0, 1LL << 30);
      n.one_of("kind", c.auth.node_kind, kOrgKinds, false);
      n.str("audience", c.auth.audience);
    }, true);
    root.object("development", [&](ConfigReader& d) { d.boolean("allow_anonymous", c.auth.allow_anonymous); });
    root.object("log", [&](ConfigReader& l) {
      std::string text;
      if (l.one_of("level", text, {"debug", "info", "warn", "error"}, false)) log::parse_level(text, c.log_level);
      if (l.one_of("format", text, {"text", "json"}, false)) log::parse_format(text, c.log_format);
    });
    std::string type;
    // Journal, store, access policy and audit log: one each, SQLite and the consent policy unless the
    // config says (allow-all is for development: it lets every authenticated caller see everything).
    auto one = [&](const char* key, auto& kind, auto& out, const char* fallback) {
      if (root.has(key)) root.object(key, [&](ConfigReader& r) { out = plugin(r, kind, key, type, fallback); });
      else {
        rapidjson::Value empty(rapidjson::kObjectType);
        ConfigReader r(&empty, root.at(key), problems, &c.tls_files);
        out = plugin(r, kind, key, type, fallback);
      }
    };
    one("journal", registry.journals, c.journal, "sqlite");
    one("store", registry.stores, c.store, "sqlite");
    one("access", registry.access_policies, c.access, "consent");
    one("audit", registry.audit_logs, c.audit, "sqlite");
    // Every registered converter, with its settings from `converters.FORMAT` when given.
    root.object("converters", [&](ConfigReader& cv) {
      for (const auto& [format, factory] : registry.converters.by_type)
        if (cv.has(format.c_str())) cv.object(format.c_str(), [&, &factory = factory](ConfigReader& r) { c.converters[format] = factory(r); });
    });
    for (const auto& [format, factory] : registry.converters.by_type) {
      if (c.converters.count(format)) continue;
      rapidjson::Value empty(rapidjson::kObjectType);
      ConfigReader r(&empty, "$.converters." + format, problems);
      c.converters[format] = factory(r);
    }
    root.object("matching", [&](ConfigReader& m) {
      c.matching.enabled = true;
      m.num("confident", c.matching.thresholds.confident, 1, 95);
      m.num("candidate", c.matching.thresholds.candidate, 1, 95);
      m.num("margin", c.matching.thresholds.margin, 0, 95);
      m.str("local_identifier_system", c.matching.local_system);
      m.array("indexes", [&](ConfigReader& i) { c.matching.indexes.push_back(plugin(i, registry.patient_indexes, "patient index", type)); }, true);
      if (c.matching.thresholds.candidate > c.matching.thresholds.confident)
        m.problem("candidate", "must not be above confident (" + std::to_string(c.matching.thresholds.confident) + ")");
    });
    root.object("conformance", [&](ConfigReader& g) { g.strings("igs", c.conformance_igs); });
    root.object("api", [&](ConfigReader& a) { read_http_listener(a, c.api); });
    root.object("admin", [&](ConfigReader& a) { read_http_listener(a, c.admin); });
    root.object("dashboard", [&](ConfigReader& d) {
      d.boolean("enabled", c.dashboard.enabled);
      d.num("max_sessions", c.dashboard.max_sessions, 1, 10000);
      d.num("idle_timeout_s", c.dashboard.idle_timeout_s, 60, 24 * 3600);
      d.num("absolute_timeout_s", c.dashboard.absolute_timeout_s, 60, 7 * 24 * 3600);
      d.str("conformance_reports", c.dashboard.conformance_reports);
    });
    root.array("sources", [&](ConfigReader& s) {
      SourceConfig src;
      s.str("name", src.name, true);
      s.boolean("accept_reused_control_id", src.accept_reused_control_id);
      s.object("profiles", [&](ConfigReader& p) {
        p.boolean("declared", src.profiles.declared);
        p.strings("require", src.profiles.require);
      });
      // A source that names its messages' format (the file drop) names a registered converter.
      std::string format;
      s.one_of("format", format, registry.converters.types(), false);
      src.build = plugin(s, registry.sources, "source", src.type);
      c.sources.push_back(std::move(src));
    }, true);
    root.array("destinations", [&](ConfigReader& d) {
      DestinationConfig dst;
      d.str("name", dst.name, true);
      dst.build = plugin(d, registry.sinks, "destination", dst.type);
      c.destinations.push_back(std::move(dst));
    }, true);
    root.array("routes", [&](ConfigReader& r) {
      RouteConfig route;
      r.str("name", route.name, true);
      r.object("match", [&](ConfigReader& m) {
        m.strings("sources", route.match.sources);
        m.strings("message_types", route.match.message_types);
        m.strings("resource_types", route.match.resource_types);
        m.str("fhirpath", route.match.fhirpath);
        if (!route.match.fhirpath.empty()) {
          try {
            fhirpath::parse(route.match.fhirpath);
          } catch (const fhirpath::SyntaxError& e) {
            m.problem("fhirpath", std::string(e.what()) + " at offset " + std::to_string(e.position));
          }
        }
      });
      r.strings("destinations", route.destinations, true);
      c.routes.push_back(std::move(route));
    });
    root.object("unmatched", [&](ConfigReader& u) { u.strings("destinations", c.unmatched_destinations, true); }, true);
    root.array("peers", [&](ConfigReader& p) {
      PeerConfig peer;
      p.str("ods_code", peer.ods_code, true);
      p.str("url", peer.url);  // none: a peer that only calls this node
      p.tls(peer.tls);
      p.object("gpconnect_provider", [&](ConfigReader& g) {
        g.str("asid", peer.gpconnect.asid, true);
        g.one_of("token", peer.gpconnect.token, {"signed", "unsigned"}, false);
      });
      PeerAuth auth;
      auth.ods_code = peer.ods_code;
      read_peer_auth(p, auth);
      c.peers.push_back(std::move(peer));
      c.auth.peers.push_back(std::move(auth));
    });
    root.object("federation", [&](ConfigReader& f) {
      c.federation.enabled = true;
      f.str("jwt_key", c.federation.jwt_key, true);
      if (!c.federation.jwt_key.empty()) c.tls_files.push_back(f.at("jwt_key") + "\t" + c.federation.jwt_key);
      f.num("deadline_ms", c.federation.deadline_ms, 100, 60000);
      f.one_of("keep", c.federation.keep, {"none"}, false);
      f.num("max_queries", c.federation.max_queries, 1, 4096);
      f.num("max_answer_bytes", c.federation.max_answer_bytes, 1024, 1LL << 30);
      f.str("asid", c.federation.asid);
      f.object("follow", [&](ConfigReader& w) {
        w.num("interval_s", c.federation.follow_interval_s, 1, 7 * 86400);
        w.strings("nhs_numbers", c.federation.follow, true);
        for (const std::string& n : c.federation.follow)
          if (!fhir::is_valid_nhs_number(n)) w.problem("nhs_numbers", "not an NHS number (10 digits, Modulus 11 check digit)");
      });
    });
    root.array("systems", [&](ConfigReader& s) {
      SystemAuth sys;
      read_system(s, sys);
      c.auth.systems.push_back(std::move(sys));
    });
    root.array("identity_providers", [&](ConfigReader& i) {
      IdentityProvider idp;
      read_identity_provider(i, idp);
      c.auth.identity_providers.push_back(std::move(idp));
    });
  }
  // Credentials: defaults from the node, then names that must be unique.
  c.auth.node_ods = c.ods_code;
  for (SystemAuth& s : c.auth.systems) {
    if (s.ods_code.empty()) s.ods_code = c.ods_code;
    if (s.kind.empty()) s.kind = c.auth.node_kind;
  }
  if (c.auth.audience.empty())
    c.auth.audience = std::string(c.api.tls.enabled() ? "https://" : "http://") + c.api.listen.host + ":" + std::to_string(c.api.listen.port);
  check_credentials(c.auth, problems);
  if (c.matching.enabled && c.matching.local_system.empty()) c.matching.local_system = "urn:hidewire:local-patient:" + c.ods_code;
  if (c.federation.enabled) check_federation_peers(c.peers, problems);
  for (std::size_t i = 0; i < c.peers.size(); ++i)
    if (!c.peers[i].gpconnect.asid.empty() && c.federation.asid.empty())
      problems.push_back("$.peers[" + std::to_string(i) + "].gpconnect_provider: a GP Connect provider needs federation.asid (this node's ASID, Ssp-From)");
  // Cross-references, once the whole file is read.
  auto unique = [&](const char* what, auto& list) {
    std::set<std::string> names;
    for (std::size_t i = 0; i < list.size(); ++i)
      if (!names.insert(list[i].name).second)
        problems.push_back(std::string("$.") + what + "[" + std::to_string(i) + "].name: '" + list[i].name + "' is used twice");
  };
  unique("sources", c.sources);
  unique("destinations", c.destinations);
  unique("routes", c.routes);
  auto known_dest = [&](const std::string& path, const std::vector<std::string>& names) {
    for (std::size_t i = 0; i < names.size(); ++i)
      if (!c.destination(names[i])) problems.push_back(path + "[" + std::to_string(i) + "]: no destination named '" + names[i] + "'");
  };
  for (std::size_t i = 0; i < c.routes.size(); ++i) {
    known_dest("$.routes[" + std::to_string(i) + "].destinations", c.routes[i].destinations);
    for (std::size_t k = 0; k < c.routes[i].match.sources.size(); ++k)
      if (std::none_of(c.sources.begin(), c.sources.end(), [&](const SourceConfig& s) { return s.name == c.routes[i].match.sources[k]; }))
        problems.push_back("$.routes[" + std::to_string(i) + "].match.sources[" + std::to_string(k) + "]: no source named '" +
                           c.routes[i].match.sources[k] + "'");
  }
  known_dest("$.unmatched.destinations", c.unmatched_destinations);
  for (std::size_t i = 0; i < c.sources.size(); ++i)
    if (!c.sources[i].profiles.empty() && c.conformance_igs.empty())
      problems.push_back("$.sources[" + std::to_string(i) + "].profiles: no implementation guide loaded (conformance.igs)");
  if (!problems.empty()) throw ConfigError(std::move(problems));
  return c;
}

NodeConfig load_config(const std::string& path, const Registry& registry) {
  std::ifstream in(path, std::ios::binary);
  if (!in) throw ConfigError({path + ": cannot be read"});
  std::string text((std::istreambuf_iterator<char>(in)), std::istreambuf_iterator<char>());
  try {
    return parse_config(text, registry);
  } catch (ConfigError& e) {
    for (std::string& p : e.problems) p = path + ": " + p;
    throw ConfigError(e.problems);
  }
}

}  // namespace hidewire::node
