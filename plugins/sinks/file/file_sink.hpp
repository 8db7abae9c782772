// The `file` destination: each message's FHIR Bundle as message-ID.json in a folder (0600),
// written whole and renamed so readers never see half a file.
#pragma once

#include "node/registry.hpp"

namespace hidewire::plugins::file_sink {

struct Settings {
  std::string directory;
};

node::SinkBuilder factory(node::ConfigReader& settings);

}  // namespace hidewire::plugins::file_sink
