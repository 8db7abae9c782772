hw_add_test(test_social SOURCES social/test_delimited.cpp social/test_prsb_xml.cpp social/test_social_maps.cpp
            LIBS hidewire_plugins hidewire_fhirpath hidewire_conformance hidewire_profiles)
target_include_directories(test_social PRIVATE ${PROJECT_SOURCE_DIR})
