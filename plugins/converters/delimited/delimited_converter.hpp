// The `delimited` converter: a council's social-care export (CSV, pipe- or tab-delimited), read
// through the sender's column map (mapping/social/*.json, docs/SOCIAL_CARE.md): header names or
// positions, date formats, the council's codes, several rows per person, multi-valued cells.
// A file is split into one message per person (the rows sharing the person key, with the header
// row), so each person is converted, journalled and answered on their own: a bad row never
// rejects the good rows of its file, and each person's message can be replayed.
#pragma once

#include <memory>

#include "node/registry.hpp"
#include "plugins/converters/delimited/social_maps.hpp"

namespace hidewire::plugins::delimited {

node::ConverterBuilder factory(node::ConfigReader& settings);

}  // namespace hidewire::plugins::delimited
