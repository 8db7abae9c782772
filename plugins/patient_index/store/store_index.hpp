// Registration of the `sqlite-store` patient index: the Patients of the node's own SQLite FHIR
// store (plugins/stores/sqlite), found by date of birth (exact or day and month transposed)
// and by postcode, through expression indexes on the store's bodies. Settings { "path": "fhir.db" (the store's, under data_dir),
// "max_candidates": 200 }.
#pragma once

#include "node/registry.hpp"

namespace hidewire::plugins::store_index {

struct Settings {
  std::string path = "fhir.db";
  std::size_t max_candidates = 200;
};

node::PatientIndexBuilder factory(node::ConfigReader& settings);

}  // namespace hidewire::plugins::store_index
