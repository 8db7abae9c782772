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
add_test(NAME node_listeners COMMAND ${CMAKE_CURRENT_SOURCE_DIR}/node/run_listeners.sh $<TARGET_FILE:hidewire>
         ${CMAKE_CURRENT_SOURCE_DIR}/data/hl7v2)
set_tests_properties(node_listeners PROPERTIES TIMEOUT 120)
# A full disk (a 24 MiB tmpfs; needs root to mount, else SKIPPED): AR while full, reads served, resumes by itself.
add_test(NAME node_disk_full COMMAND ${CMAKE_CURRENT_SOURCE_DIR}/node/run_disk_full.sh $<TARGET_FILE:hidewire>)
set_tests_properties(node_disk_full PROPERTIES TIMEOUT 180)
add_test(NAME node_http_fhir_bundles COMMAND ${CMAKE_CURRENT_SOURCE_DIR}/node/run_http_fhir_bundles.sh $<TARGET_FILE:hidewire>)
set_tests_properties(node_http_fhir_bundles PROPERTIES TIMEOUT 60)
add_test(NAME node_reused_control_id COMMAND ${CMAKE_CURRENT_SOURCE_DIR}/node/run_reused_control_id.sh $<TARGET_FILE:hidewire>
         ${CMAKE_CURRENT_SOURCE_DIR}/data/hl7v2)
set_tests_properties(node_reused_control_id PROPERTIES TIMEOUT 60)
add_test(NAME node_private_files COMMAND ${CMAKE_CURRENT_SOURCE_DIR}/node/run_private_files.sh $<TARGET_FILE:hidewire>
         ${CMAKE_CURRENT_SOURCE_DIR}/data/hl7v2)
set_tests_properties(node_private_files PROPERTIES TIMEOUT 60)
add_test(NAME node_field_overflow COMMAND ${CMAKE_CURRENT_SOURCE_DIR}/node/run_field_overflow.sh $<TARGET_FILE:hidewire>)
set_tests_properties(node_field_overflow PROPERTIES TIMEOUT 60)
add_test(NAME node_large_message COMMAND ${CMAKE_CURRENT_SOURCE_DIR}/node/run_large_message.sh $<TARGET_FILE:hidewire>)
set_tests_properties(node_large_message PROPERTIES TIMEOUT 180)
add_test(NAME node_logging COMMAND ${CMAKE_CURRENT_SOURCE_DIR}/node/run_logging.sh $<TARGET_FILE:hidewire> ${CMAKE_CURRENT_SOURCE_DIR}/data/hl7v2)
set_tests_properties(node_logging PROPERTIES TIMEOUT 60)
# Access control and audit (issue 10): every caller kind against one holder, break-glass across
# two nodes, and no acknowledged access unaudited across a SIGKILL.
add_test(NAME node_access_control COMMAND ${CMAKE_CURRENT_SOURCE_DIR}/node/run_access_control.sh $<TARGET_FILE:hidewire>)
set_tests_properties(node_access_control PROPERTIES TIMEOUT 180)
add_test(NAME node_access_attacks COMMAND ${CMAKE_CURRENT_SOURCE_DIR}/node/run_access_attacks.sh $<TARGET_FILE:hidewire>)
set_tests_properties(node_access_attacks PROPERTIES TIMEOUT 180)
add_test(NAME node_break_glass COMMAND ${CMAKE_CURRENT_SOURCE_DIR}/node/run_break_glass.sh $<TARGET_FILE:hidewire>)
set_tests_properties(node_break_glass PROPERTIES TIMEOUT 120)
add_test(NAME node_audit_crash COMMAND ${CMAKE_CURRENT_SOURCE_DIR}/node/run_audit_crash.sh $<TARGET_FILE:hidewire>
         ${CMAKE_CURRENT_SOURCE_DIR}/data/hl7v2)
set_tests_properties(node_audit_crash PROPERTIES TIMEOUT 180)
# The federated record query (issue 11): five organisations' nodes over loopback with mutual TLS.
add_test(NAME node_federation COMMAND ${CMAKE_CURRENT_SOURCE_DIR}/node/run_federation.sh $<TARGET_FILE:hidewire>)
set_tests_properties(node_federation PROPERTIES TIMEOUT 120)
# The requester's side of federation through hidewire run and hidewire record (needs openssl, curl, sqlite3).
add_test(NAME node_federation_requester COMMAND ${CMAKE_CURRENT_SOURCE_DIR}/node/run_federation_requester.sh $<TARGET_FILE:hidewire>)
set_tests_properties(node_federation_requester PROPERTIES TIMEOUT 120)
add_test(NAME node_write_grants COMMAND ${CMAKE_CURRENT_SOURCE_DIR}/node/run_write_grants.sh $<TARGET_FILE:hidewire>)
set_tests_properties(node_write_grants PROPERTIES TIMEOUT 60)
add_test(NAME node_api_write_audit COMMAND ${CMAKE_CURRENT_SOURCE_DIR}/node/run_api_write_audit.sh $<TARGET_FILE:hidewire>)
set_tests_properties(node_api_write_audit PROPERTIES TIMEOUT 60)
# HL7 v2 batches (FHS/BHS ... BTS/FTS) over MLLP and the file drop: each message journalled, answered, replayable.
add_test(NAME node_v2_batches COMMAND ${CMAKE_CURRENT_SOURCE_DIR}/node/run_v2_batches.sh $<TARGET_FILE:hidewire>)
set_tests_properties(node_v2_batches PROPERTIES TIMEOUT 60)
# GP Connect structured records (FHIR STU3) through the HTTP FHIR source and the file drop, stored as R4.
add_test(NAME node_stu3_records COMMAND ${CMAKE_CURRENT_SOURCE_DIR}/node/run_stu3_records.sh $<TARGET_FILE:hidewire>
         ${CMAKE_CURRENT_SOURCE_DIR}/data)
set_tests_properties(node_stu3_records PROPERTIES TIMEOUT 60)
add_test(NAME node_matching COMMAND ${CMAKE_CURRENT_SOURCE_DIR}/node/run_matching.sh $<TARGET_FILE:hidewire>)
set_tests_properties(node_matching PROPERTIES TIMEOUT 120)
# Ambulance ePR reports from a file drop routed to the receiving A&E's node by its ODS code.
add_test(NAME node_ambulance_handover COMMAND ${CMAKE_CURRENT_SOURCE_DIR}/node/run_ambulance_handover.sh $<TARGET_FILE:hidewire>
         ${CMAKE_CURRENT_SOURCE_DIR}/data/ambulance)
set_tests_properties(node_ambulance_handover PROPERTIES TIMEOUT 120)
# This node as a GP Connect consumer: a provider stub on Node.js's https (tests/peer), followed
# patients fetched on schedule into the store, Spine errors audited (needs node, openssl, sqlite3).
add_test(NAME node_gpconnect_consumer COMMAND ${CMAKE_CURRENT_SOURCE_DIR}/node/run_gpconnect_consumer.sh $<TARGET_FILE:hidewire> ${PROJECT_SOURCE_DIR}/tests/data)
set_tests_properties(node_gpconnect_consumer PROPERTIES TIMEOUT 90)
add_test(NAME node_cda_pem COMMAND ${CMAKE_CURRENT_SOURCE_DIR}/node/run_cda_pem.sh $<TARGET_FILE:hidewire>
         ${CMAKE_CURRENT_SOURCE_DIR}/data/cda)
set_tests_properties(node_cda_pem PROPERTIES TIMEOUT 60)
# Social care (issue 15): delimited exports and PRSB documents through file drops, one message per person.
add_test(NAME node_social_file_drop COMMAND ${CMAKE_CURRENT_SOURCE_DIR}/node/run_social_file_drop.sh $<TARGET_FILE:hidewire>
         ${CMAKE_CURRENT_SOURCE_DIR}/data/social)
set_tests_properties(node_social_file_drop PROPERTIES TIMEOUT 90)
# The operator's dashboard's server side (issue 17): static files, sessions, CSRF, roles and every
# /ui/api endpoint on a real node (needs curl, python3, sqlite3).
add_test(NAME node_dashboard_api COMMAND ${CMAKE_CURRENT_SOURCE_DIR}/node/run_dashboard.sh $<TARGET_FILE:hidewire>
         ${CMAKE_CURRENT_SOURCE_DIR}/data/hl7v2)
set_tests_properties(node_dashboard_api PROPERTIES TIMEOUT 120)
