// What a converted message may write: the resource types of its Bundle against the sender's
// credential (`write_types` of its `systems[]` or `peers[]` entry, as node::Caller carries
// them). The intake checks every converted message this way before it is journalled as
// accepted, whatever the source (MLLP, a file drop, the HTTP FHIR source) and the converter, and
// again on replay with the grants the credential has then (docs/ACCESS.md).
#pragma once

#include <string>
#include <vector>

#include "fhir/node.hpp"
#include "node/auth_config.hpp"
#include "node/caller.hpp"

namespace hidewire::node {

struct UngrantedEntry {
  std::string type;      // the resource type the caller may not write
  std::size_t index = 0; // its first entry in the Bundle
};

// The entry types of `bundle` (a converted transaction Bundle, already read) that `caller` may
// not write, each once, in Bundle order. The Provenance a converter writes to record this very
// message is the node's own record, not the sender's content, and needs no grant: it is known
// by its source entity naming the message by `control_id` (MSH-10; a FHIR body's SHA-256, which
// no body can carry of itself). Anonymous callers (development) are not checked.
std::vector<UngrantedEntry> ungranted_types(const fhir::Node& bundle, const Caller& caller, const std::string& control_id);

// The refusal's text: names the types, their entries and the credential (never content).
std::string ungranted_message(const std::vector<UngrantedEntry>& ungranted, const Caller& caller);

// The write_types the configuration gives a journalled caller's credential now (a system by
// name, a peer by ODS code), so a replay after a grant was fixed goes through; none when the
// credential is no longer configured.
std::vector<std::string> configured_write_types(const AuthConfig& auth, const Caller& caller);

}  // namespace hidewire::node
