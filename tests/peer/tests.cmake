# Real protocol peers from npm (installed by scripts/test.sh); skipped with a reason when absent.
add_test(NAME peer_node_hl7_client
         COMMAND ${CMAKE_CURRENT_SOURCE_DIR}/peer/run_node_hl7_client.sh $<TARGET_FILE:hidewire> ${CMAKE_CURRENT_SOURCE_DIR}/data/hl7v2)
set_tests_properties(peer_node_hl7_client PROPERTIES SKIP_RETURN_CODE 77 TIMEOUT 120)
