#include "node/config_reader.hpp"

#include "node/listener_limits.hpp"
#include "node/sink.hpp"

#include <rapidjson/document.h>

namespace hidewire::node {
namespace {

using Json = rapidjson::Value;
const Json& json(const void* v) { return *static_cast<const Json*>(v); }

}  // namespace

ConfigReader::ConfigReader(const void* v, std::string path, std::vector<std::string>& problems, std::vector<std::string>* files)
    : v_(v), path_(std::move(path)), p_(problems), files_(files) {
  if (!json(v).IsObject()) {
    p_.push_back(path_ + ": expected an object");
    ok_ = false;
  }
}

ConfigReader::~ConfigReader() {
  if (!ok_) return;
  for (auto& m : json(v_).GetObject()) {
    std::string k = m.name.GetString();
    if (k != "_comment" && !seen_.count(k)) p_.push_back(path_ + "." + k + ": unknown key");
  }
}

bool ConfigReader::has(const char* key) const { return ok_ && json(v_).HasMember(key); }

void ConfigReader::problem(const std::string& key, const std::string& text) {
  p_.push_back((key.empty() ? path_ : path_ + "." + key) + ": " + text);
}

const void* ConfigReader::get(const char* key, bool required) {
  seen_.insert(key);
  if (!ok_) return nullptr;
  auto it = json(v_).FindMember(key);
  if (it == json(v_).MemberEnd()) {
    if (required) p_.push_back(at(key) + ": required");
    return nullptr;
  }
  return &it->value;
}

void ConfigReader::str(const char* key, std::string& out, bool required) {
  if (const void* j = get(key, required)) {
    if (json(j).IsString()) out = json(j).GetString();
    else p_.push_back(at(key) + ": expected a string");
  }
}

void ConfigReader::boolean(const char* key, bool& out) {
  if (const void* j = get(key, false)) {
    if (json(j).IsBool()) out = json(j).GetBool();
    else p_.push_back(at(key) + ": expected true or false");
  }
}

void ConfigReader::integer(const char* key, long long& out, long long min, long long max) {
  if (const void* j = get(key, false)) {
    if (!json(j).IsInt64() || json(j).GetInt64() < min || json(j).GetInt64() > max)
      p_.push_back(at(key) + ": expected a whole number from " + std::to_string(min) + " to " + std::to_string(max));
    else
      out = json(j).GetInt64();
  }
}

void ConfigReader::strings(const char* key, std::vector<std::string>& out, bool required) {
  const void* p = get(key, required);
  if (!p) return;
  const Json& j = json(p);
  if (!j.IsArray()) {
    p_.push_back(at(key) + ": expected an array of strings");
    return;
  }
  for (rapidjson::SizeType i = 0; i < j.Size(); ++i) {
    if (j[i].IsString()) out.emplace_back(j[i].GetString());
    else p_.push_back(at(key) + "[" + std::to_string(i) + "]: expected a string");
  }
}

void ConfigReader::endpoint(const char* key, Endpoint& out, bool required) {
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

bool ConfigReader::one_of(const char* key, std::string& out, const std::vector<std::string>& allowed, bool required) {
  std::string text;
  str(key, text, required);
  if (text.empty()) return false;
  for (const std::string& a : allowed)
    if (text == a) {
      out = text;
      return true;
    }
  std::string list;
  for (const std::string& a : allowed) list += (list.empty() ? "" : ", ") + a;
  p_.push_back(at(key) + ": '" + text + "' is not one of " + list);
  return false;
}

void ConfigReader::tls(TlsConfig& t) {
  object("tls", [&](ConfigReader& x) {
    x.str("cert", t.cert_file, true);
    x.str("key", t.key_file, true);
    x.str("ca", t.ca_file);
    std::string client_cert = "required";
    x.str("client_cert", client_cert);
    if (client_cert != "required" && client_cert != "optional") x.problem("client_cert", "expected required or optional");
    t.client_cert_optional = client_cert == "optional";
    if (files_)
      for (auto [key, file] : {std::pair{"cert", &t.cert_file}, std::pair{"key", &t.key_file}, std::pair{"ca", &t.ca_file}})
        if (!file->empty()) files_->push_back(x.at(key) + "\t" + *file);
  });
}

void ConfigReader::object(const char* key, const std::function<void(ConfigReader&)>& read, bool required) {
  if (const void* j = get(key, required)) {
    ConfigReader o(j, at(key), p_, files_);
    read(o);
  }
}

void ConfigReader::array(const char* key, const std::function<void(ConfigReader&)>& read, bool required) {
  const void* p = get(key, required);
  if (!p) return;
  const Json& j = json(p);
  if (!j.IsArray()) {
    p_.push_back(at(key) + ": expected an array");
    return;
  }
  for (rapidjson::SizeType i = 0; i < j.Size(); ++i) {
    ConfigReader o(&j[i], at(key) + "[" + std::to_string(i) + "]", p_, files_);
    read(o);
  }
}

void read_retry(ConfigReader& d, RetryPolicy& rp) {
  d.object("retry", [&](ConfigReader& r) {
    r.num("max_attempts", rp.max_attempts, 0, 1000000);  // 0: until delivered
    r.num("initial_backoff_ms", rp.initial_backoff_ms, 10, 3600000);
    r.num("max_backoff_ms", rp.max_backoff_ms, 10, 86400000);
  });
}

void read_limits(ConfigReader& r, ListenerLimits& l) {
  r.object("limits", [&](ConfigReader& x) {
    x.num("max_connections", l.max_connections, 1, 1000000);
    x.num("handshake_timeout_ms", l.handshake_timeout_ms, 10, 3600000);
    x.num("idle_timeout_ms", l.idle_timeout_ms, 10, 86400000);
    x.num("read_timeout_ms", l.read_timeout_ms, 10, 3600000);
  });
}

}  // namespace hidewire::node
