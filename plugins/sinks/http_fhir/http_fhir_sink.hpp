// The `http-fhir` destination: each message's transaction Bundle POSTed to a FHIR server's base
// (libcurl), presenting the node's certificate where `tls` is set. 2xx is delivered; a 4xx other
// than 408/429 is a refusal retrying cannot fix; anything else is retried with backoff.
#pragma once

#include "node/registry.hpp"

namespace hidewire::plugins::http_fhir_sink {

struct Settings {
  std::string url;  // http:// or https://
  int timeout_ms = 10000;
  node::RetryPolicy retry;
  node::TlsConfig tls;
};

node::SinkBuilder factory(node::ConfigReader& settings);

}  // namespace hidewire::plugins::http_fhir_sink
