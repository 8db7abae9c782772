hw_plugin(hidewire_journal_sqlite SOURCES plugin.cpp journal.cpp LIBS hidewire_plugin_common SQLite::SQLite3)
