# The meaningful-use conformance suite tests itself (issue 16): hidewire's node passes, a
# non-conformant stub product fails with exactly its findings (needs python3).
add_test(NAME conformance_suite COMMAND ${CMAKE_CURRENT_SOURCE_DIR}/conformance/run_conformance_suite.sh $<TARGET_FILE:hidewire>
         ${CMAKE_CURRENT_SOURCE_DIR}/data/uk-core)
set_tests_properties(conformance_suite PROPERTIES TIMEOUT 120)
hw_add_test(test_conformance_suite SOURCES conformance/test_suite_data.cpp LIBS hidewire_conformance_suite)
