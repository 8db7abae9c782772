// Registration of the `sqlite` journal: settings { "path": "journal.db" } (under data_dir).
#pragma once

#include "node/registry.hpp"

namespace hidewire::plugins::sqlite_journal {

struct Settings {
  std::string path = "journal.db";
};

node::JournalBuilder factory(node::ConfigReader& settings);

}  // namespace hidewire::plugins::sqlite_journal
