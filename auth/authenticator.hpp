// The node's Authentication (node/authentication.hpp) from its credentials configuration
// (node/auth_config.hpp). A caller is a peer organisation (mutual TLS, ODS code from the
// certificate checked against `peers[]`), a local system (client certificate or bearer token
// stored hashed), a person acting through one of those (a signed JWT: ES256 or RS256 with the
// credential's key, claims as GP Connect's audit JWT), or a patient (a token from a configured
// identity provider). Anonymous only under `development.allow_anonymous`.
#pragma once

#include <memory>
#include <string>
#include <vector>

#include "node/auth_config.hpp"
#include "node/authentication.hpp"

namespace hidewire::auth {

class Authenticator final : public node::Authentication {
 public:
  // Loads the keys named in the config; throws std::runtime_error naming a key file it cannot read.
  explicit Authenticator(const node::AuthConfig& cfg);
  ~Authenticator() override;
  // Remembers each accepted JWT's jti until its expiry, refusing it a second time.
  node::AuthOutcome authenticate(const node::Credentials& c) override;
  node::AuthOutcome system(const std::string& name, const std::string& address) override;
  // Token ids already used (from the audit log at start-up), so a restart does not reopen them.
  void remember_token_ids(const std::vector<std::string>& ids);
  const node::AuthConfig& config() const;

 private:
  struct Impl;
  std::unique_ptr<Impl> impl_;
};

}  // namespace hidewire::auth
