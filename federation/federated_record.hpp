// `POST [base]/Patient/$hidewire-federated-record` on the requester's side (docs/FEDERATION.md):
// for a local system with a person named, this node finds who holds records for the NHS number
// (the registered GP from its own store, and every peer answering `$hidewire-holds-record`),
// asks them in parallel under one deadline (the GP with `$gpc.getstructuredrecord`, the others
// with `$hidewire-patient-record`), each with a JWT it signs for that peer and the caller's
// X-Request-ID, audits one AuditEvent per peer asked, and answers the merged Bundle. It keeps
// nothing of the answers. Nothing here blocks the thread that calls record(): the peers are
// asked on the PeerClient's thread, which also merges and answers.
#pragma once

#include <atomic>
#include <functional>
#include <memory>
#include <string>

#include "auth/jwt.hpp"
#include "federation/directory.hpp"
#include "federation/gpconnect_consumer.hpp"
#include "federation/peer_client.hpp"
#include "federation/peer_stats.hpp"
#include "federation/peer_token.hpp"
#include "node/audit_log.hpp"
#include "node/caller.hpp"
#include "node/converter.hpp"
#include "node/fhir_store.hpp"

namespace hidewire::federation {

struct Settings {
  std::string node_ods, node_name;
  std::string issuer;                 // the `iss` of the JWTs this node signs: its own FHIR base URL
  std::string jwt_key_file;           // `federation.jwt_key`
  int deadline_ms = 3000;
  std::size_t max_queries = 64;
  ClientLimits limits;
  std::string asid;                     // this node's ASID (Ssp-From) for GP Connect providers
  const node::Converter* stu3 = nullptr;  // `fhir-stu3`: a GP Connect provider's STU3 record -> R4
  static Settings from_config(const node::NodeConfig& cfg);
};

// What the FHIR API answers and audits for the request.
struct Answer {
  int status = 200;
  std::string body;
  std::string nhs_number;    // the patient it was about (empty: refused before it was known)
  int audit_outcome = 0;     // 0 success, 4 refused, 8 failed
  std::string outcome_text;
};

class Federation {
 public:
  // Loads the private key; throws std::runtime_error naming the file when it cannot.
  // `store` (optional): where the registered GP is looked up; `audit` (optional): the per-peer AuditEvents.
  Federation(Settings settings, Directory directory, node::FhirStore* store, node::AuditLog* audit);
  ~Federation();

  using Done = std::function<void(Answer)>;
  // `done` runs once, on another thread (or on this one for a refusal).
  void record(const std::string& body, const node::Caller& caller, Done done);
  // Ends the queries in flight (each answered with what it has) and the client's thread.
  void stop();

  const Directory& directory() const { return directory_; }
  const Settings& settings() const { return settings_; }
  // Reachability, latency and refusals of each peer asked since start (the dashboard).
  const PeerStats& stats() const { return stats_; }
  // One GP Connect provider's structured record (every clinical area) outside a clinician's
  // query (the follow schedule), as `caller`; `done` on the client's thread with the STU3 as it
  // came (not converted: the intake converts it) or why there is none.
  void fetch_structured(const Peer& provider, const std::string& nhs, const node::Caller& caller, std::function<void(GpcResult)> done);

 private:
  struct Query;
  void ask_holds(const std::shared_ptr<Query>& q, const Peer& peer);
  void ask_record(const std::shared_ptr<Query>& q, const Peer& peer, bool gp);
  void post(const std::shared_ptr<Query>& q, const Peer& peer, const std::string& operation, std::string body,
            std::function<void(PeerReply)> then);
  void peer_done(const std::shared_ptr<Query>& q, const Peer& peer, int outcome, const std::string& text);
  void finish(const std::shared_ptr<Query>& q);
  void record_stats(const Peer& peer, const PeerReply& r);

  Settings settings_;
  Directory directory_;
  node::FhirStore* store_;
  node::AuditLog* audit_;
  auth::Key key_;
  TokenIssuer issuer_;
  std::atomic<std::size_t> active_{0};
  PeerStats stats_;
  PeerClient client_;  // last: stopped first, while the rest is still here for its callbacks
};

}  // namespace hidewire::federation
