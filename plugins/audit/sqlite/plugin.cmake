hw_plugin(hidewire_audit_sqlite SOURCES plugin.cpp audit_log.cpp log_reader.cpp entry_query.cpp LIBS hidewire_audit hidewire_plugin_common SQLite::SQLite3)
