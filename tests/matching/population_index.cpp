#include "tests/matching/population_index.hpp"

#include <rapidjson/document.h>

#include <stdexcept>

#include "fhir/nhs_number.hpp"
#include "node/config_reader.hpp"
#include "plugins/patient_index/store/store_index.hpp"
#include "plugins/stores/sqlite/fhir_store.hpp"

namespace hidewire::testing {

std::unique_ptr<matching::PatientIndex> open_store_index(const std::filesystem::path& dir) {
  rapidjson::Document settings;
  settings.Parse("{}");
  std::vector<std::string> problems;
  node::ConfigReader r(&settings, "$", problems);
  auto build = plugins::store_index::factory(r);
  if (!problems.empty()) throw std::runtime_error(problems.front());
  return build(node::StorageContext{dir.string()});
}

void load_population(const std::filesystem::path& dir, const std::vector<Person>& people) {
  plugins::SqliteFhirStore store((dir / "fhir.db").string());
  auto index = open_store_index(dir);  // its blocking indexes made before the load, as on a running node
  std::vector<std::string> bundles = transaction_bundles(people, 1000);
  for (std::size_t i = 0; i < bundles.size(); i += 50) {
    std::vector<node::FhirStore::BatchItem> items;
    for (std::size_t k = i; k < std::min(bundles.size(), i + 50); ++k) items.push_back({&bundles[k], ""});
    for (const auto& r : store.transaction_batch(items))
      if (!r.ok) throw std::runtime_error("the population could not be loaded: " + r.error);
  }
}

matching::Demographics query_demographics(const Person& sent) {
  rapidjson::Document d;
  d.Parse(patient_json(sent).c_str());
  matching::Demographics out = matching::demographics_of(d);
  if (!fhir::is_valid_nhs_number(out.nhs_number)) out.nhs_number.clear();
  return out;
}

}  // namespace hidewire::testing
