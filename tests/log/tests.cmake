hw_add_test(test_log SOURCES log/test_log.cpp LIBS hidewire_log)
