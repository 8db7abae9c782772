# The requester's side of federation: directory, the JWT per peer, the merge, and the fan-out
# against HTTPS holders the test starts (openssl makes their certificates).
hw_add_test(test_federation SOURCES federation/test_directory.cpp federation/test_peer_token.cpp federation/test_merge.cpp
            federation/test_fanout.cpp federation/test_peer_client.cpp federation/test_gpconnect_consumer.cpp LIBS hidewire_federation hidewire_http hidewire_plugins hidewire_store_sqlite hidewire_audit_sqlite)
target_include_directories(test_federation PRIVATE ${PROJECT_SOURCE_DIR})
set_tests_properties(test_federation PROPERTIES TIMEOUT 180)
