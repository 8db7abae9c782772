// AccessPolicy: who may do what. Every listener that serves or accepts data asks it before acting.
// The first implementation allows everything (plugins/access/allow_all); the access-control work
// replaces it with consent, legitimate relationships and break-glass, behind this interface.
#pragma once

#include <string>
#include <string_view>

namespace hidewire::node {

// Who is asking, as the transport established it (mutual TLS, a token, nobody).
struct Caller {
  enum class Kind { Anonymous, Peer, System, Person };
  Kind kind = Kind::Anonymous;
  std::string id;        // the credential: certificate subject, token name
  std::string ods_code;  // the organisation (peers, and people acting through them)
  std::string user, role, purpose;  // a person acting through the credential, and why
};

struct AccessRequest {
  const Caller& caller;
  std::string_view action;         // read, search, create, update, transaction, submit, admin, replay
  std::string_view resource_type;  // empty: not about one type
  std::string_view resource_id;
};

struct AccessDecision {
  bool allowed = false;
  std::string reason;  // why, in words an auditor reads
};

class AccessPolicy {
 public:
  virtual ~AccessPolicy() = default;
  // Thread-safe; called on I/O threads, so it must not block.
  virtual AccessDecision decide(const AccessRequest& request) const = 0;
};

}  // namespace hidewire::node
