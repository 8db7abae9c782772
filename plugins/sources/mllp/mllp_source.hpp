// The `mllp-hl7v2` source: HL7 v2 over MLLP (optionally TLS, with client certificates where a
// `ca` is set). Each frame goes to the intake as format `hl7v2`; the answer is an original-mode
// ACK given once the outcome is journalled: AA accepted, AE with ERR segments for content errors
// (and for a control id reused with other content), AR for unreadable frames and when the
// message could not be stored (the sender keeps it and resends).
//
// Who sends is established once per connection: over mutual TLS from the client certificate;
// otherwise as the configured `"system": NAME`; with neither, the node's authentication decides
// (anonymous only in development). A refused sender gets an AR with an ERR segment, and the
// connection is closed.
#pragma once

#include "node/registry.hpp"
#include "plugins/common/limits.hpp"

namespace hidewire::plugins::mllp_source {

struct Settings : ListenerSettings {
  std::string system;  // the systems[] entry that stands for senders without a client certificate
};

node::SourceBuilder factory(node::ConfigReader& settings);

}  // namespace hidewire::plugins::mllp_source
