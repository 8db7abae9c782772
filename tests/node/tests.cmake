# The node end to end over loopback, and the SIGKILL crash test (needs curl and sqlite3).
add_test(NAME node_e2e_and_crash COMMAND ${CMAKE_CURRENT_SOURCE_DIR}/node/run_node_e2e.sh $<TARGET_FILE:hidewire>
         ${CMAKE_CURRENT_SOURCE_DIR}/data/hl7v2 3000)
set_tests_properties(node_e2e_and_crash PROPERTIES TIMEOUT 300)
add_test(NAME node_two_nodes_http COMMAND ${CMAKE_CURRENT_SOURCE_DIR}/node/run_two_nodes.sh $<TARGET_FILE:hidewire>
         ${CMAKE_CURRENT_SOURCE_DIR}/data/hl7v2)
set_tests_properties(node_two_nodes_http PROPERTIES TIMEOUT 120)
add_test(NAME node_file_drop COMMAND ${CMAKE_CURRENT_SOURCE_DIR}/node/run_file_drop.sh $<TARGET_FILE:hidewire>
         ${CMAKE_CURRENT_SOURCE_DIR}/data/hl7v2)
set_tests_properties(node_file_drop PROPERTIES TIMEOUT 60)
add_test(NAME node_dead_letters_replay COMMAND ${CMAKE_CURRENT_SOURCE_DIR}/node/run_dead_letters.sh $<TARGET_FILE:hidewire>
         ${CMAKE_CURRENT_SOURCE_DIR}/data/hl7v2)
set_tests_properties(node_dead_letters_replay PROPERTIES TIMEOUT 60)
add_test(NAME node_paging COMMAND ${CMAKE_CURRENT_SOURCE_DIR}/node/run_paging.sh $<TARGET_FILE:hidewire> 5001)
set_tests_properties(node_paging PROPERTIES TIMEOUT 300)
add_test(NAME node_logging COMMAND ${CMAKE_CURRENT_SOURCE_DIR}/node/run_logging.sh $<TARGET_FILE:hidewire> ${CMAKE_CURRENT_SOURCE_DIR}/data/hl7v2)
set_tests_properties(node_logging PROPERTIES TIMEOUT 60)
