// A node's configuration (`hidewire run --config FILE`), read once. The node reads its own
// settings and the routes; each source, destination, converter, journal, store and access
// policy object is read by its plugin's factory (node/registry.hpp). Every problem is reported
// with its JSON path: unknown keys, wrong types, bad values, unknown plugin types, routes naming
// destinations that do not exist, FHIRPath predicates that do not parse.
#pragma once

#include <map>
#include <stdexcept>
#include <string>
#include <vector>

#include "log/log.hpp"
#include "conformance/profile_gate.hpp"
#include "node/auth_config.hpp"
#include "node/config_reader.hpp"
#include "node/listener_limits.hpp"
#include "node/registry.hpp"

namespace hidewire::node {

struct ConfigError : std::runtime_error {
  explicit ConfigError(std::vector<std::string> problems);
  std::vector<std::string> problems;  // one line each, starting with the JSON path
};

struct SourceConfig {
  std::string name, type;
  bool accept_reused_control_id = false;  // a control id reused with other content: AE (default) or a new message
  conformance::ProfileRules profiles;     // what the gate holds its messages to beyond R4 (conformance.igs' profiles)
  SourceBuilder build;
};

struct DestinationConfig {
  std::string name, type;
  SinkBuilder build;
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

// `peers[]`: where another organisation's node is and how to reach it (its credentials, kind
// and JWT keys are in AuthConfig::peers, node/auth_config.hpp, at the same index).
struct PeerConfig {
  std::string ods_code;  // the peer organisation
  std::string url;       // its node's FHIR base URL (https:// for federation); empty: it only calls this node
  TlsConfig tls;         // cert, key: this node's client certificate for mutual TLS to it; ca: its server's CA, pinned
  // `gpconnect_provider`: the peer is a GP system's GP Connect provider (STU3, Spine proxy
  // headers), not a hidewire node: asked $gpc.getstructuredrecord only (docs/GPCONNECT_CONSUMER.md).
  struct GpConnectProvider {
    std::string asid;             // its ASID (Ssp-To); empty: not a GP Connect provider
    std::string token = "signed";  // signed: this node's JWT (federation.jwt_key); unsigned: GP Connect's alg none
  } gpconnect;
};

// `federation`: this node asking its peers for a patient's record on behalf of its own systems
// (docs/FEDERATION.md). Absent: $hidewire-federated-record is not served.
struct FederationConfig {
  bool enabled = false;
  std::string jwt_key;            // PEM private key (ES256 or RS256) signing the JWT sent to each peer
  int deadline_ms = 3000;         // one deadline for every peer of one query
  std::string keep = "none";      // what of the answers is kept: nothing (the only setting for now)
  std::size_t max_queries = 64;   // federated queries in flight at once; more are answered 503
  std::size_t max_answer_bytes = 64u << 20;  // a peer's answer larger than this is refused
  std::string asid;               // this node's ASID (Ssp-From), for GP Connect providers
  int follow_interval_s = 900;    // `follow.interval_s`: how often a followed patient's GP record is fetched
  std::vector<std::string> follow;  // `follow.nhs_numbers`: patients whose GP record is fetched on that schedule
};

// `matching`: tracing patients who come without a valid NHS number (docs/MATCHING.md). Absent:
// such a message is stored under its local identifiers, as before.
struct MatchingConfig {
  bool enabled = false;
  matching::Thresholds thresholds;
  std::vector<PatientIndexBuilder> indexes;  // asked in order: the store first, then PDS
  std::string local_system;  // identifier system for people with none; default urn:hidewire:local-patient:ODS
};

// `dashboard`: the operator's web dashboard on the admin listener (docs/DASHBOARD.md). On by
// default; `"enabled": false` turns /ui off (404).
struct DashboardConfig {
  bool enabled = true;
  std::size_t max_sessions = 64;        // signed-in browsers at once; more sign-ins are refused (503)
  int idle_timeout_s = 15 * 60;         // a session unused this long ends
  int absolute_timeout_s = 8 * 3600;    // and any session ends this long after sign-in
  std::string conformance_reports;      // folder of `hidewire conformance run --report DIR` outputs; empty: none
};

struct HttpListenerConfig {
  HttpListenerConfig(Endpoint at, std::size_t max_request = 16u << 20) : listen(std::move(at)), max_request_bytes(max_request) {}
  Endpoint listen;
  std::size_t max_request_bytes = 16u << 20;
  TlsConfig tls;  // with a ca: clients must present a certificate it signed
  ListenerLimits limits;
};

struct NodeConfig {
  std::string name;
  std::string ods_code;
  std::string data_dir = ".";
  std::size_t io_threads = 0;       // threads serving connections; 0: one per core but one
  std::size_t convert_threads = 0;  // the intake's converting threads; 0: as many as the I/O threads, at least 2
  std::size_t inline_convert_bytes = 256u << 10;  // larger messages are always converted on the intake's threads
  JournalBuilder journal;
  StoreBuilder store;
  AccessPolicyBuilder access;
  AuditLogBuilder audit;  // the tamper-evident log of every access (default sqlite, audit.db)
  std::map<std::string, ConverterBuilder> converters;  // by format: every registered one
  HttpListenerConfig api{Endpoint{"127.0.0.1", 8080}};
  HttpListenerConfig admin{Endpoint{"127.0.0.1", 8081}, 1u << 20};
  std::vector<SourceConfig> sources;
  std::vector<DestinationConfig> destinations;
  std::vector<RouteConfig> routes;
  std::vector<std::string> unmatched_destinations;  // where messages no route matches go
  std::vector<std::string> conformance_igs;  // implementation guides (folders, packages) the gate's profiles come from
  std::vector<PeerConfig> peers;
  FederationConfig federation;
  MatchingConfig matching;
  DashboardConfig dashboard;
  AuthConfig auth;  // who may call: peers[] (their credentials), systems[], identity_providers[], development
  std::vector<std::string> tls_files;  // "$.api.tls.cert=FILE": checked readable before start
  log::Level log_level = log::Level::Info;
  log::Format log_format = log::Format::Text;  // json: one JSON object per line

  const DestinationConfig* destination(const std::string& name) const;
};

// Parses and checks a configuration; throws ConfigError listing every problem found.
NodeConfig parse_config(const std::string& json_text, const Registry& registry);
NodeConfig load_config(const std::string& path, const Registry& registry);

}  // namespace hidewire::node
