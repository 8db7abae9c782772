// Authentication: what every listener that serves or accepts data asks first. The facts a
// transport established (a verified client certificate, the Authorization header, the network
// address) -> the Caller, or a refusal (401 / 403 with an OperationOutcome code). The node has
// one, auth::Authenticator (auth/authenticator.hpp), built from the credentials configuration
// (node/auth_config.hpp); sources get it in their SourceContext.
#pragma once

#include <string>

#include "node/caller.hpp"

namespace hidewire::node {

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
  Caller caller;                 // when ok
  int status = 401;              // when refused: 401 (no or bad credential) or 403 (a credential, not allowed)
  std::string code;              // OperationOutcome issue code: login, security, forbidden, expired
  std::string message;           // for the OperationOutcome's diagnostics: never the token itself
};

class Authentication {
 public:
  virtual ~Authentication() = default;
  // Thread-safe; must not block (called on I/O threads).
  virtual AuthOutcome authenticate(const Credentials& c) = 0;
  // The Caller a source's own configured system stands for (`"system": NAME` on a source without
  // client certificates: a file drop, MLLP on loopback): refused when NAME is not in systems[].
  virtual AuthOutcome system(const std::string& name, const std::string& address) = 0;
};

}  // namespace hidewire::node
