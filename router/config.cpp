#include "router/config.hpp"

#include <rapidjson/document.h>
#include <rapidjson/error/en.h>

#include <algorithm>
#include <fstream>
#include <functional>
#include <iterator>
#include <set>

#include "fhirpath/parser.hpp"

namespace hidewire::router {
namespace {

using Json = rapidjson::Value;

std::string joined(const std::vector<std::string>& p) {
  std::string out = "invalid configuration:";
  for (const std::string& s : p) out += "\n  " + s;
  return out;
}

// Walks one JSON object: typed reads that record problems with the path, and a check that
// every key present was read (unknown keys are errors: a typo must not be silently ignored).
class Obj {
 public:
  Obj(const Json& v, std::string path, std::vector<std::string>& problems) : v_(v), path_(std::move(path)), p_(problems) {
    if (!v.IsObject()) {
      p_.push_back(path_ + ": expected an object");
      ok_ = false;
    }
  }
  ~Obj() {
    if (!ok_) return;
    for (auto& m : v_.GetObject()) {
      std::string k = m.name.GetString();
      if (k != "_comment" && !seen_.count(k)) p_.push_back(path_ + "." + k + ": unknown key");
    }
  }
  const std::string& path() const { return path_; }
  std::string at(const char* key) const { return path_ + "." + key; }

  const Json* get(const char* key, bool required) {
    seen_.insert(key);
    if (!ok_) return nullptr;
    auto it = v_.FindMember(key);
    if (it == v_.MemberEnd()) {
      if (required) p_.push_back(at(key) + ": required");
      return nullptr;
    }
    return &it->value;
  }
  void str(const char* key, std::string& out, bool required = false) {
    if (const Json* j = get(key, required)) {
      if (j->IsString()) out = j->GetString();
      else p_.push_back(at(key) + ": expected a string");
    }
  }
  template <typename T>
  void num(const char* key, T& out, long long min, long long max) {
    if (const Json* j = get(key, false)) {
      if (!j->IsInt64() || j->GetInt64() < min || j->GetInt64() > max)
        p_.push_back(at(key) + ": expected a whole number from " + std::to_string(min) + " to " + std::to_string(max));
      else
        out = static_cast<T>(j->GetInt64());
    }
  }
  void strings(const char* key, std::vector<std::string>& out, bool required = false) {
    if (const Json* j = get(key, required)) {
      if (!j->IsArray()) {
        p_.push_back(at(key) + ": expected an array of strings");
        return;
      }
      for (rapidjson::SizeType i = 0; i < j->Size(); ++i) {
        if ((*j)[i].IsString()) out.emplace_back((*j)[i].GetString());
        else p_.push_back(at(key) + "[" + std::to_string(i) + "]: expected a string");
      }
    }
  }
  void endpoint(const char* key, Endpoint& out, bool required = false) {
    std::string text;
    str(key, text, required);
    if (text.empty()) return;
    auto colon = text.rfind(':');
    std::string port = colon == std::string::npos ? "" : text.substr(colon + 1);
    if (colon == std::string::npos || colon == 0 || port.empty() || port.size() > 5 ||
        port.find_first_not_of("0123456789") != std::string::npos || std::stoi(port) > 65535) {
      p_.push_back(at(key) + ": expected HOST:PORT, got '" + text + "'");
      return;
    }
    out.host = text.substr(0, colon);
    out.port = static_cast<std::uint16_t>(std::stoi(port));
  }
  template <typename F>
  void object(const char* key, F&& read) {
    if (const Json* j = get(key, false)) {
      Obj o(*j, at(key), p_);
      read(o);
    }
  }
  template <typename F>
  void array(const char* key, F&& read, bool required = false) {
    if (const Json* j = get(key, required)) {
      if (!j->IsArray()) {
        p_.push_back(at(key) + ": expected an array");
        return;
      }
      for (rapidjson::SizeType i = 0; i < j->Size(); ++i) {
        Obj o((*j)[i], at(key) + "[" + std::to_string(i) + "]", p_);
        read(o);
      }
    }
  }
  std::vector<std::string>& problems() { return p_; }

 private:
  const Json& v_;
  std::string path_;
  std::vector<std::string>& p_;
  std::set<std::string> seen_;
  bool ok_ = true;
};

void read_tls(Obj& o, TlsConfig& t) {
  o.object("tls", [&](Obj& x) {
    x.str("cert", t.cert_file, true);
    x.str("key", t.key_file, true);
    x.str("ca", t.ca_file);
  });
}

template <typename E>
bool enum_of(Obj& o, const char* key, E& out, std::initializer_list<std::pair<const char*, E>> values) {
  std::string text;
  o.str(key, text, true);
  if (text.empty()) return false;
  for (auto& [name, v] : values)
    if (text == name) {
      out = v;
      return true;
    }
  std::string allowed;
  for (auto& [name, v] : values) allowed += (allowed.empty() ? "" : ", ") + std::string(name);
  o.problems().push_back(o.at(key) + ": '" + text + "' is not one of " + allowed);
  return false;
}

}  // namespace

ConfigError::ConfigError(std::vector<std::string> p) : std::runtime_error(joined(p)), problems(std::move(p)) {}

const DestinationConfig* NodeConfig::destination(const std::string& n) const {
  for (const DestinationConfig& d : destinations)
    if (d.name == n) return &d;
  return nullptr;
}

NodeConfig parse_config(const std::string& text) {
  rapidjson::Document doc;
  doc.Parse(text.c_str());
  if (doc.HasParseError())
    throw ConfigError({std::string("$: invalid JSON: ") + rapidjson::GetParseError_En(doc.GetParseError()) + " at offset " +
                       std::to_string(doc.GetErrorOffset())});
  std::vector<std::string> problems;
  NodeConfig c;
  {
    Obj root(doc, "$", problems);
    root.object("node", [&](Obj& n) {
      n.str("name", c.name, true);
      n.str("ods_code", c.ods_code, true);
      n.str("data_dir", c.data_dir);
      n.num("io_threads", c.io_threads, 0, 64);
    });
    root.get("node", true);  // reports "required" when absent
    root.object("journal", [&](Obj& j) { j.str("path", c.journal_path); });
    root.object("store", [&](Obj& s) { s.str("path", c.store_path); });
    root.object("api", [&](Obj& a) {
      a.endpoint("listen", c.api);
      a.num("max_request_bytes", c.api_max_request_bytes, 1024, 1LL << 30);
      read_tls(a, c.api_tls);
    });
    root.object("admin", [&](Obj& a) {
      a.endpoint("listen", c.admin);
      read_tls(a, c.admin_tls);
    });
    root.array("sources", [&](Obj& s) {
      SourceConfig src;
      s.str("name", src.name, true);
      if (enum_of(s, "type", src.type,
                  {{"mllp-hl7v2", SourceType::MllpHl7v2}, {"http-fhir", SourceType::HttpFhir}, {"file-drop", SourceType::FileDrop}})) {
        if (src.type == SourceType::FileDrop) s.str("directory", src.directory, true);
        else s.endpoint("listen", src.listen, true);
      }
      s.num("max_message_bytes", src.max_message_bytes, 1024, 1LL << 30);
      read_tls(s, src.tls);
      c.sources.push_back(std::move(src));
    }, true);
    root.array("destinations", [&](Obj& d) {
      DestinationConfig dst;
      d.str("name", dst.name, true);
      if (enum_of(d, "type", dst.type,
                  {{"fhir-store", DestinationType::FhirStore}, {"http-fhir", DestinationType::HttpFhir},
                   {"mllp", DestinationType::Mllp}, {"file", DestinationType::File}})) {
        if (dst.type == DestinationType::HttpFhir) {
          d.str("url", dst.url, true);
          if (!dst.url.empty() && dst.url.rfind("http://", 0) != 0 && dst.url.rfind("https://", 0) != 0)
            problems.push_back(d.at("url") + ": expected an http:// or https:// URL");
        }
        if (dst.type == DestinationType::Mllp) d.endpoint("target", dst.target, true);
        if (dst.type == DestinationType::File) d.str("directory", dst.directory, true);
      }
      d.num("timeout_ms", dst.timeout_ms, 100, 600000);
      d.object("retry", [&](Obj& r) {
        r.num("max_attempts", dst.retry.max_attempts, 0, 1000000);  // 0: until delivered
        r.num("initial_backoff_ms", dst.retry.initial_backoff_ms, 10, 3600000);
        r.num("max_backoff_ms", dst.retry.max_backoff_ms, 10, 86400000);
      });
      read_tls(d, dst.tls);
      c.destinations.push_back(std::move(dst));
    }, true);
    root.array("routes", [&](Obj& r) {
      RouteConfig route;
      r.str("name", route.name, true);
      r.object("match", [&](Obj& m) {
        m.strings("sources", route.match.sources);
        m.strings("message_types", route.match.message_types);
        m.strings("resource_types", route.match.resource_types);
        m.str("fhirpath", route.match.fhirpath);
        if (!route.match.fhirpath.empty()) {
          try {
            fhirpath::parse(route.match.fhirpath);
          } catch (const fhirpath::SyntaxError& e) {
            problems.push_back(m.at("fhirpath") + ": " + e.what() + " at offset " + std::to_string(e.position));
          }
        }
      });
      r.strings("destinations", route.destinations, true);
      c.routes.push_back(std::move(route));
    });
    root.object("unmatched", [&](Obj& u) { u.strings("destinations", c.unmatched_destinations, true); });
    root.get("unmatched", true);  // an explicit route for unmatched messages is mandatory
    root.array("peers", [&](Obj& p) {
      PeerConfig peer;
      p.str("ods_code", peer.ods_code, true);
      p.str("url", peer.url, true);
      read_tls(p, peer.tls);
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

NodeConfig load_config(const std::string& path) {
  std::ifstream in(path, std::ios::binary);
  if (!in) throw ConfigError({path + ": cannot be read"});
  std::string text((std::istreambuf_iterator<char>(in)), std::istreambuf_iterator<char>());
  try {
    return parse_config(text);
  } catch (ConfigError& e) {
    for (std::string& p : e.problems) p = path + ": " + p;
    throw ConfigError(e.problems);
  }
}

}  // namespace hidewire::router
