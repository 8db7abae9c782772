// The `hl7v2` converter: HL7 v2 (2.2-2.8) into a FHIR R4 transaction Bundle through the
// declarative maps (mapping/v2). The message's identity (MSH-3^MSH-4, MSH-10, MSH-9) comes with it.
// MSH-4 must name the sender's organisation as its credential established it (ODS code or one
// of its facilities; empty is fine), else the message is refused at MSH-4; the Provenance names
// that organisation as onBehalfOf.
#pragma once

#include "node/registry.hpp"

namespace hidewire::plugins::hl7v2_converter {

node::ConverterBuilder factory(node::ConfigReader& settings);

}  // namespace hidewire::plugins::hl7v2_converter
