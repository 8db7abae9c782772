// The `fhir-store` destination: the node's own FHIR store. Local: a batch of messages is applied
// in one store transaction (a savepoint each), each exactly once under its journal id.
#pragma once

#include "node/registry.hpp"

namespace hidewire::plugins::fhir_store_sink {

node::SinkBuilder factory(node::ConfigReader& settings);

}  // namespace hidewire::plugins::fhir_store_sink
