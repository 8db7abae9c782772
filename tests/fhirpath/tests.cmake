# The official FHIRPath suite has its own runner (it prints `N passed, M failed`).
add_executable(run_fhirpath_suite fhirpath/run_fhirpath_suite.cpp)
target_link_libraries(run_fhirpath_suite PRIVATE hidewire_fhirpath)
target_compile_definitions(run_fhirpath_suite PRIVATE HIDEWIRE_TEST_DATA="${CMAKE_CURRENT_SOURCE_DIR}/data")
add_test(NAME fhirpath_suite COMMAND run_fhirpath_suite)
hw_add_test(test_fhirpath_invariants SOURCES fhirpath/test_invariants.cpp LIBS hidewire_fhirpath)
target_include_directories(test_fhirpath_invariants PRIVATE ${PROJECT_SOURCE_DIR})
hw_add_test(test_fhirpath_engine SOURCES fhirpath/test_engine.cpp LIBS hidewire_fhirpath)
target_include_directories(test_fhirpath_engine PRIVATE ${PROJECT_SOURCE_DIR})
