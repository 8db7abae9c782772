hw_add_test(test_fhir_converter SOURCES plugins/test_fhir_converter.cpp plugins/test_sender_checks.cpp LIBS hidewire_plugins)
target_include_directories(test_fhir_converter PRIVATE ${PROJECT_SOURCE_DIR})
hw_add_test(test_source_senders SOURCES plugins/test_source_senders.cpp plugins/test_write_grants.cpp LIBS hidewire_plugins hidewire_mllp CURL::libcurl)
target_include_directories(test_source_senders PRIVATE ${PROJECT_SOURCE_DIR})
