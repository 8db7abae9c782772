#include "node/config.hpp"

#include <rapidjson/document.h>
#include <rapidjson/error/en.h>

#include <algorithm>
#include <filesystem>
#include <fstream>
#include <iterator>
#include <set>

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
      n.num("convert_threads", c.convert_threads, 1, 64);
      n.num("inline_convert_bytes", c.inline_convert_bytes, 0, 1LL << 30);
    }, true);
    root.object("log", [&](ConfigReader& l) {
      std::string text;
      if (l.one_of("level", text, {"debug", "info", "warn", "error"}, false)) log::parse_level(text, c.log_level);
      if (l.one_of("format", text, {"text", "json"}, false)) log::parse_format(text, c.log_format);
    });
    std::string type;
    // Journal, store, access policy and audit log: one each, SQLite and allow-all unless the config says.
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
    one("access", registry.access_policies, c.access, "allow-all");
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
    root.object("api", [&](ConfigReader& a) { read_http_listener(a, c.api); });
    root.object("admin", [&](ConfigReader& a) { read_http_listener(a, c.admin); });
    root.array("sources", [&](ConfigReader& s) {
      SourceConfig src;
      s.str("name", src.name, true);
      s.boolean("accept_reused_control_id", src.accept_reused_control_id);
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
      p.str("url", peer.url, true);
      p.tls(peer.tls);
      c.peers.push_back(std::move(peer));
    });
  }
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
