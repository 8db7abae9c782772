// The `fhir-stu3` converter: a GP Connect structured record (FHIR STU3 Bundle, CareConnect
// profiles) into a FHIR R4 transaction Bundle keyed by the NHS number, through the maps in
// mapping/stu3 (mapping/stu3_engine). Every STU3 element it could not carry is listed in
// Conversion.unmapped. Resends are known by the body's SHA-256. Settings: none yet (the maps
// are data, linked in).
#pragma once

#include "node/registry.hpp"

namespace hidewire::plugins::stu3_converter {

node::ConverterBuilder factory(node::ConfigReader& settings);

}  // namespace hidewire::plugins::stu3_converter
