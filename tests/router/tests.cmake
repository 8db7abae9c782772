hw_add_test(test_router_config SOURCES router/test_config.cpp LIBS hidewire_router)
target_compile_definitions(test_router_config PRIVATE HIDEWIRE_SOURCE_DIR="${PROJECT_SOURCE_DIR}")
hw_add_test(test_fhir_store SOURCES router/test_fhir_store.cpp LIBS hidewire_router hidewire_mapping)
target_include_directories(test_fhir_store PRIVATE ${PROJECT_SOURCE_DIR})
