// The Authentication the node's sources get: the node's own, with every refused sender audited
// (an MLLP connection or an HTTP FHIR request turned away before anything was journalled is an
// access denied, and the journal never sees it). Accepted senders are audited from the journal.
#pragma once

#include <string>

#include "node/audit_log.hpp"
#include "node/authentication.hpp"

namespace hidewire::cli {

class AuditedAuthentication final : public node::Authentication {
 public:
  AuditedAuthentication(node::Authentication& inner, node::AuditLog& audit, std::string node_ods, std::string node_name)
      : inner_(inner), audit_(audit), node_ods_(std::move(node_ods)), node_name_(std::move(node_name)) {}
  node::AuthOutcome authenticate(const node::Credentials& c) override;
  node::AuthOutcome system(const std::string& name, const std::string& address) override;

 private:
  node::AuthOutcome audited(node::AuthOutcome o, const std::string& listener, const std::string& address, const std::string& request_id);
  node::Authentication& inner_;
  node::AuditLog& audit_;
  std::string node_ods_, node_name_;
};

}  // namespace hidewire::cli
