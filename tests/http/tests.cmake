hw_add_test(test_fhir_api SOURCES http/test_fhir_api.cpp http/test_fhir_api_unavailable.cpp LIBS hidewire_api hidewire_store_sqlite hidewire_access_allow_all hidewire_mapping CURL::libcurl)
target_include_directories(test_fhir_api PRIVATE ${PROJECT_SOURCE_DIR})
hw_add_test(test_https SOURCES http/test_https.cpp LIBS hidewire_http CURL::libcurl)
target_include_directories(test_https PRIVATE ${PROJECT_SOURCE_DIR})
