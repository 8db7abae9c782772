hw_add_test(test_mllp SOURCES mllp/test_mllp.cpp mllp/test_mllp_limits.cpp mllp/test_mllp_tls.cpp LIBS hidewire_plugins hidewire_mllp)
target_include_directories(test_mllp PRIVATE ${PROJECT_SOURCE_DIR})
