hw_add_test(test_audit_merkle SOURCES audit/test_merkle.cpp LIBS hidewire_audit)
hw_add_test(test_audit_event SOURCES audit/test_audit_event.cpp LIBS hidewire_audit)
hw_add_test(test_audit_entry_index SOURCES audit/test_entry_index.cpp LIBS hidewire_audit)
hw_add_test(test_audit_sqlite SOURCES audit/test_sqlite_audit_log.cpp LIBS hidewire_audit_sqlite)
# Tamper tests with the sqlite3 command and offline proofs (tests/audit/run_audit_cli.sh).
add_executable(audit_fill audit/audit_fill.cpp)
target_link_libraries(audit_fill PRIVATE hidewire_audit_sqlite)
add_test(NAME audit_cli_tamper_and_proofs COMMAND ${CMAKE_CURRENT_SOURCE_DIR}/audit/run_audit_cli.sh $<TARGET_FILE:hidewire>
         $<TARGET_FILE:audit_fill>)
set_tests_properties(audit_cli_tamper_and_proofs PROPERTIES TIMEOUT 120)
hw_add_test(test_audit_config SOURCES audit/test_audit_config.cpp LIBS hidewire_plugins)
