hw_add_test(test_cda SOURCES cda/test_cda_converter.cpp cda/test_cda_corpus.cpp
            LIBS hidewire_plugins hidewire_fhirpath hidewire_conformance hidewire_profiles)
target_include_directories(test_cda PRIVATE ${PROJECT_SOURCE_DIR})
