// Reading one JSON object of the node's configuration: typed reads that record each problem with
// its JSON path ($.sources[0].listen: ...), and, when the reader goes out of scope, a problem for
// every key present that nothing read. Plugins read their own settings with it, so a setting no
// plugin reads (a typo, `tls` where it means nothing) stops start-up instead of being ignored.
#pragma once

#include <cstdint>
#include <functional>
#include <set>
#include <string>
#include <vector>

namespace hidewire::node {

struct Endpoint {
  std::string host;
  std::uint16_t port = 0;
};

struct TlsConfig {
  std::string cert_file, key_file, ca_file;  // PEM files; ca_file: peers to trust (mutual TLS)
  // Listeners with a ca: "client_cert": "optional" lets callers without a certificate in (a
  // patient's app, a system with a bearer token); the default requires one at the handshake.
  bool client_cert_optional = false;
  bool enabled() const { return !cert_file.empty(); }
};

class ConfigReader {
 public:
  // `json` is a rapidjson value (kept opaque so this header stays light).
  // `files` (optional) collects "JSON path\tfile" for every TLS file named, checked before start.
  ConfigReader(const void* json, std::string path, std::vector<std::string>& problems, std::vector<std::string>* files = nullptr);
  ~ConfigReader();
  ConfigReader(const ConfigReader&) = delete;
  ConfigReader& operator=(const ConfigReader&) = delete;

  const std::string& path() const { return path_; }
  std::string at(const char* key) const { return path_ + "." + key; }
  bool has(const char* key) const;
  void problem(const std::string& key_or_empty, const std::string& text);

  void str(const char* key, std::string& out, bool required = false);
  void boolean(const char* key, bool& out);
  void integer(const char* key, long long& out, long long min, long long max);
  template <typename T>
  void num(const char* key, T& out, long long min, long long max) {
    long long v = static_cast<long long>(out);
    integer(key, v, min, max);
    out = static_cast<T>(v);
  }
  void strings(const char* key, std::vector<std::string>& out, bool required = false);
  void endpoint(const char* key, Endpoint& out, bool required = false);
  // One of `allowed`; false (with a problem) when absent but required, or not one of them.
  bool one_of(const char* key, std::string& out, const std::vector<std::string>& allowed, bool required);
  // The `tls` object: cert and key required, ca optional.
  void tls(TlsConfig& out);
  void object(const char* key, const std::function<void(ConfigReader&)>& read, bool required = false);
  void array(const char* key, const std::function<void(ConfigReader&)>& read, bool required = false);
  // Marks a key as read by someone else (the node reads `name` and `type` before the plugin).
  void claim(const char* key) { seen_.insert(key); }
  std::vector<std::string>& problems() { return p_; }

 private:
  const void* get(const char* key, bool required);
  const void* v_;
  std::string path_;
  std::vector<std::string>& p_;
  std::vector<std::string>* files_;
  std::set<std::string> seen_;
  bool ok_ = true;
};

}  // namespace hidewire::node
