hw_plugin(hidewire_store_sqlite SOURCES plugin.cpp fhir_store.cpp fhir_store_transaction.cpp LIBS hidewire_plugin_common SQLite::SQLite3)
