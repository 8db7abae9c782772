// Authentication: the facts a transport established (a verified client certificate, the
// Authorization header, the network address) -> the Caller, or a refusal (401 / 403 with an
// OperationOutcome code). A caller is a peer organisation (mutual TLS, ODS code from the
// certificate checked against `peers[]`), a local system (client certificate or bearer token
// stored hashed), a person acting through one of those (a signed JWT: ES256 or RS256 with the
// credential's key, claims as GP Connect's audit JWT), or a patient (a token from a configured
// identity provider). Anonymous only under `development.allow_anonymous`.
#pragma once

#include <chrono>
#include <memory>
#include <string>
#include <vector>

#include "node/auth_config.hpp"
#include "node/caller.hpp"

namespace hidewire::auth {

// What the listener knows of the connection and request.
struct Credentials {
  std::string listener;          // "FHIR API", "admin", a source's name: for messages
  std::string address;           // host:port
  bool client_cert = false;      // a client certificate verified by the listener's CA
  std::string cert_cn, cert_ods; // its subject CN, and the ODS code it names (net/peer_cert.hpp)
  std::string authorization;     // the Authorization header, whole ("Bearer ...")
  std::string request_id;        // X-Request-ID, when sent
};

struct AuthOutcome {
  bool ok = false;
  node::Caller caller;           // when ok
  int status = 401;              // when refused: 401 (no or bad credential) or 403 (a credential, not allowed)
  std::string code;              // OperationOutcome issue code: login, security, forbidden, expired
  std::string message;           // for the OperationOutcome's diagnostics: never the token itself
};

class Authenticator {
 public:
  // Loads the keys named in the config; throws std::runtime_error naming a key file it cannot read.
  explicit Authenticator(const node::AuthConfig& cfg);
  ~Authenticator();
  // Thread-safe. Remembers each accepted JWT's jti until its expiry, refusing it a second time.
  AuthOutcome authenticate(const Credentials& c);
  // Token ids already used (from the audit log at start-up), so a restart does not reopen them.
  void remember_token_ids(const std::vector<std::string>& ids);
  const node::AuthConfig& config() const;

 private:
  struct Impl;
  std::unique_ptr<Impl> impl_;
};

}  // namespace hidewire::auth
