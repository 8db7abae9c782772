#include "plugins/journals/sqlite/plugin.hpp"

#include "plugins/journals/sqlite/journal.hpp"

namespace hidewire::plugins::sqlite_journal {

node::JournalBuilder factory(node::ConfigReader& r) {
  Settings s;
  r.str("path", s.path);
  return [s](const node::StorageContext& ctx) { return std::make_unique<SqliteJournal>(ctx.under(s.path)); };
}

}  // namespace hidewire::plugins::sqlite_journal
