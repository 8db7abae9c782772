// The JWT this node signs for each peer it asks on a person's behalf: GP Connect's
// cross-organisation audit JWT carrying the person's claims from the caller's own authenticated
// token (sub, requesting_practitioner with the SDS job role, reason_for_request,
// requested_scope, break_glass_reason), `requesting_organization` this node's ODS code, `aud`
// the peer's FHIR base URL, a fresh jti, exp = iat + 300 at most. The peer checks it with this
// node's public key in its `peers[].jwt_keys` (auth/authenticator.cpp).
#pragma once

#include <string>

#include "auth/jwt.hpp"
#include "node/caller.hpp"

namespace hidewire::federation {

struct TokenIssuer {
  const auth::Key* key = nullptr;  // private, ES256 or RS256 (`federation.jwt_key`)
  std::string iss;                 // this node (its FHIR base URL)
  std::string node_ods, node_name;
  int lifetime_s = 300;
};

// The claims (JSON) for `caller` asking `peer_url` at `now` (seconds since the epoch), with `jti`.
std::string peer_claims(const TokenIssuer& issuer, const node::Caller& caller, const std::string& peer_url, long long now,
                        const std::string& jti);
// Signed, with a fresh jti; throws std::runtime_error when signing fails.
std::string mint_peer_token(const TokenIssuer& issuer, const node::Caller& caller, const std::string& peer_url);

// The caller's purpose as GP Connect's reason_for_request: direct-care -> directcare; emergency
// stays emergency (the holder's policy gives emergency services a relationship by it).
std::string reason_for_request(const std::string& purpose);

}  // namespace hidewire::federation
