// Who sends on a source: the Caller every message is submitted with. A verified client
// certificate is asked about first (mutual TLS); without one, a source's configured
// `"system": NAME` stands for its sender (a file drop, MLLP on loopback); with neither, the
// node's Authentication decides from what there is (it allows an Anonymous caller only under
// `development.allow_anonymous`). No Authentication at all (unit tests, tools): Anonymous.
#pragma once

#include <string>

#include "node/authentication.hpp"

namespace hidewire::plugins {

inline node::AuthOutcome authenticate_sender(node::Authentication* auth, const std::string& system, const node::Credentials& c) {
  if (!auth) {
    node::AuthOutcome o;
    o.ok = true;
    o.caller.address = c.address;
    o.caller.request_id = c.request_id;
    return o;
  }
  if (c.client_cert) return auth->authenticate(c);
  if (!system.empty()) return auth->system(system, c.address);
  return auth->authenticate(c);
}

}  // namespace hidewire::plugins
