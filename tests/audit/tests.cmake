hw_add_test(test_audit_merkle SOURCES audit/test_merkle.cpp LIBS hidewire_audit)
hw_add_test(test_audit_event SOURCES audit/test_audit_event.cpp LIBS hidewire_audit)
hw_add_test(test_audit_sqlite SOURCES audit/test_sqlite_audit_log.cpp LIBS hidewire_audit_sqlite)
