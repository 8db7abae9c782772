hw_add_test(test_mllp SOURCES mllp/test_mllp.cpp LIBS hidewire_plugins hidewire_mllp)
target_include_directories(test_mllp PRIVATE ${PROJECT_SOURCE_DIR})
