hw_add_test(test_router_config SOURCES router/test_config.cpp LIBS hidewire_plugins)
target_compile_definitions(test_router_config PRIVATE HIDEWIRE_SOURCE_DIR="${PROJECT_SOURCE_DIR}")
hw_add_test(test_fhir_store SOURCES router/test_fhir_store.cpp LIBS hidewire_store_sqlite hidewire_mapping)
target_include_directories(test_fhir_store PRIVATE ${PROJECT_SOURCE_DIR})
