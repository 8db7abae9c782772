#include "plugins/stores/sqlite/plugin.hpp"

#include "plugins/stores/sqlite/fhir_store.hpp"

namespace hidewire::plugins::sqlite_store {

node::StoreBuilder factory(node::ConfigReader& r) {
  Settings s;
  r.str("path", s.path);
  return [s](const node::StorageContext& ctx) { return std::make_unique<SqliteFhirStore>(ctx.under(s.path)); };
}

}  // namespace hidewire::plugins::sqlite_store
