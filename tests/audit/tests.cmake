hw_add_test(test_audit_merkle SOURCES audit/test_merkle.cpp LIBS hidewire_audit)
