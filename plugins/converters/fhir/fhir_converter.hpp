// The `fhir` converter: FHIR R4 in JSON or XML, already in the node's model. A transaction Bundle
// is taken as it is (XML written as JSON); a single resource is wrapped in a transaction keyed by
// its NHS number or identifier (fhir/bundle_builder.hpp), with a Provenance naming the message. Anything the store could not apply (another Bundle type, an entry without a
// request, a method or condition the store does not support) is refused here, before the sender
// is told it was accepted, and so is a Provenance whose agent names another organisation than
// the sender's (provenance_check.hpp). Resends are known by the body's SHA-256.
#pragma once

#include "node/registry.hpp"

namespace hidewire::plugins::fhir_converter {

node::ConverterBuilder factory(node::ConfigReader& settings);

}  // namespace hidewire::plugins::fhir_converter
