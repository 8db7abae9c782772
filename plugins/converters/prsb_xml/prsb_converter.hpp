// The `prsb-xml` converter: the PRSB standard "Information provided by local authorities in
// shared care records" as an XML document, one person per document, read through a map of the
// same data model as the delimited converter's (mapping/social/prsb_la_record.json: element
// paths instead of columns; docs/SOCIAL_CARE.md) into the same FHIR Bundle. Elements with a
// value that no map path reads are reported as unmapped.
#pragma once

#include <memory>

#include "node/registry.hpp"
#include "plugins/converters/delimited/social_maps.hpp"

namespace hidewire::plugins::prsb_xml {

node::ConverterBuilder factory(node::ConfigReader& settings);

}  // namespace hidewire::plugins::prsb_xml
