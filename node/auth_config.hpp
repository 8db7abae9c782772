// The node's credentials configuration, as read from its config file (node/config.cpp): who may
// call it and as what. auth/authenticator.hpp turns a transport's facts into a Caller with it.
// Secrets are never in the config: bearer tokens as their SHA-256, keys as files.
#pragma once

#include <string>
#include <vector>

namespace hidewire::node {

// `peers[]`: another organisation, by mutual TLS (its ODS code read from its certificate must be
// this one) and, for a person acting through it, its JWTs signed with `jwt_keys`.
struct PeerAuth {
  std::string ods_code;
  std::string kind;                   // gp-practice, acute-trust, ambulance-service, nhs-111, community, social-care, care-home
  std::vector<std::string> jwt_keys;  // PEM public key files (ES256 or RS256)
  bool gpconnect_consumer = false;    // its unsigned GP Connect JWT is accepted, over mTLS only
  std::vector<std::string> roles;     // extra roles (e.g. viewer)
  std::vector<std::string> write_types;  // resource types it may send; empty: none
};

// `systems[]`: a local system of this organisation (a PAS, a lab system, an EPR, an operator).
struct SystemAuth {
  std::string name;
  std::string ods_code;               // default: the node's
  std::string kind;                   // default: the node's
  std::string token_sha256;           // hex SHA-256 of its bearer token (hidewire token secret)
  std::string cert_cn;                // or: its client certificate's subject CN (verified by the listener's CA)
  std::vector<std::string> jwt_keys;  // PEM public keys for the JWTs of people acting through it
  std::vector<std::string> roles;     // admin, viewer, clinical, ...
  std::vector<std::string> write_types;  // resource types it may write; "*": any
  std::vector<std::string> facilities;   // HL7 v2 MSH-4 values that name its organisation (besides the ODS code)
};

// `identity_providers[]`: issuers of patients' tokens (OIDC-style signed JWTs naming the NHS number).
struct IdentityProvider {
  std::string issuer;
  std::vector<std::string> keys;      // PEM public key files
  std::string audience;               // default: the node's audience
  std::string nhs_number_claim = "nhs_number";
};

struct AuthConfig {
  std::string node_ods, node_kind;
  std::string audience;               // the `aud` tokens must carry: default the node's FHIR base URL
  bool allow_anonymous = false;       // `development.allow_anonymous`: warned at start-up
  std::vector<PeerAuth> peers;
  std::vector<SystemAuth> systems;
  std::vector<IdentityProvider> identity_providers;
  int max_token_lifetime_s = 300;     // exp - iat at most
  int clock_skew_s = 60;
};

}  // namespace hidewire::node
