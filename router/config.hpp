// A node's configuration (`hidewire run --config FILE`), read once into typed structs. Every
// problem is reported with its JSON path ($.sources[0].listen: ...): unknown keys, wrong types,
// bad values, routes naming destinations that do not exist, FHIRPath predicates that do not parse.
#pragma once

#include <cstdint>
#include <optional>
#include <stdexcept>
#include <string>
#include <vector>

namespace hidewire::router {

struct ConfigError : std::runtime_error {
  explicit ConfigError(std::vector<std::string> problems);
  std::vector<std::string> problems;  // one line each, starting with the JSON path
};

struct Endpoint {
  std::string host;
  std::uint16_t port = 0;
};

struct TlsConfig {
  std::string cert_file, key_file, ca_file;  // PEM files; ca_file: peers to trust (mutual TLS)
  bool enabled() const { return !cert_file.empty(); }
};

struct RetryPolicy {
  int max_attempts = 8;  // 0: until delivered
  int initial_backoff_ms = 500;
  int max_backoff_ms = 60000;
};

enum class SourceType { MllpHl7v2, HttpFhir, FileDrop };
enum class DestinationType { FhirStore, HttpFhir, Mllp, File };

struct SourceConfig {
  std::string name;
  SourceType type = SourceType::MllpHl7v2;
  Endpoint listen;          // mllp-hl7v2, http-fhir
  std::string directory;    // file-drop
  std::size_t max_message_bytes = 16u << 20;
  TlsConfig tls;
};

struct DestinationConfig {
  std::string name;
  DestinationType type = DestinationType::FhirStore;
  std::string url;          // http-fhir: base URL of a FHIR server
  Endpoint target;          // mllp
  std::string directory;    // file
  int timeout_ms = 10000;
  RetryPolicy retry;
  TlsConfig tls;
};

struct RouteMatch {
  std::vector<std::string> sources;        // empty: any
  std::vector<std::string> message_types;  // e.g. "ADT^A01", "ORU^R01"; empty: any
  std::vector<std::string> resource_types; // e.g. "DiagnosticReport"; empty: any
  std::string fhirpath;                    // predicate on each resource; empty: true
};

struct RouteConfig {
  std::string name;
  RouteMatch match;
  std::vector<std::string> destinations;
};

struct PeerConfig {
  std::string ods_code;  // the peer organisation
  std::string url;       // its node's FHIR base URL
  TlsConfig tls;
};

struct NodeConfig {
  std::string name;
  std::string ods_code;
  std::string data_dir = ".";
  std::size_t io_threads = 0;  // threads serving connections (parse, convert, check); 0: one per core but one
  std::string journal_path = "journal.db";  // relative paths are under data_dir
  std::string store_path = "fhir.db";
  Endpoint api{"127.0.0.1", 8080};
  std::size_t api_max_request_bytes = 16u << 20;
  TlsConfig api_tls;
  Endpoint admin{"127.0.0.1", 8081};
  TlsConfig admin_tls;  // with a ca: only holders of its certificates may read counters or replay
  std::vector<SourceConfig> sources;
  std::vector<DestinationConfig> destinations;
  std::vector<RouteConfig> routes;
  std::vector<std::string> unmatched_destinations;  // where messages no route matches go
  std::vector<PeerConfig> peers;

  const DestinationConfig* destination(const std::string& name) const;
};

// Parses and checks a configuration; throws ConfigError listing every problem found.
NodeConfig parse_config(const std::string& json_text);
NodeConfig load_config(const std::string& path);

}  // namespace hidewire::router
