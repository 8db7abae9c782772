// The `mllp` destination: the raw HL7 v2 message sent to an MLLP peer, over TLS where `tls` is set
// (the peer's certificate and host name verified). AA/CA is delivered; AE/CE a refusal; AR, no
// readable ACK or no connection is retried with backoff.
#pragma once

#include "node/registry.hpp"

namespace hidewire::plugins::mllp_sink {

struct Settings {
  node::Endpoint target;
  int timeout_ms = 10000;
  node::RetryPolicy retry;
  node::TlsConfig tls;  // ca: the peer's CA; cert and key: ours, for mutual TLS
};

node::SinkBuilder factory(node::ConfigReader& settings);

}  // namespace hidewire::plugins::mllp_sink
