hw_add_test(test_ambulance SOURCES ambulance/test_ambulance_converter.cpp ambulance/test_ambulance_maps.cpp
            LIBS hidewire_plugins hidewire_fhirpath hidewire_conformance hidewire_profiles)
target_include_directories(test_ambulance PRIVATE ${PROJECT_SOURCE_DIR})
