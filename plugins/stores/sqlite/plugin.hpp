// Registration of the `sqlite` FHIR store: settings { "path": "fhir.db" } (under data_dir).
#pragma once

#include "node/registry.hpp"

namespace hidewire::plugins::sqlite_store {

struct Settings {
  std::string path = "fhir.db";
};

node::StoreBuilder factory(node::ConfigReader& settings);

}  // namespace hidewire::plugins::sqlite_store
