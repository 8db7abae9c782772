// The `hl7v2` converter: HL7 v2 (2.2-2.8) into a FHIR R4 transaction Bundle through the
// declarative maps (mapping/v2). The message's identity (MSH-3^MSH-4, MSH-10, MSH-9) comes with it.
#pragma once

#include "node/registry.hpp"

namespace hidewire::plugins::hl7v2_converter {

node::ConverterBuilder factory(node::ConfigReader& settings);

}  // namespace hidewire::plugins::hl7v2_converter
