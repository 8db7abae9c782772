hw_add_test(test_gpconnect SOURCES gpconnect/test_parameters.cpp gpconnect/test_structured_record.cpp gpconnect/test_gpconnect_api.cpp
            LIBS hidewire_gpconnect hidewire_api hidewire_store_sqlite hidewire_access_allow_all hidewire_access_consent hidewire_fhirpath)
target_include_directories(test_gpconnect PRIVATE ${PROJECT_SOURCE_DIR})
