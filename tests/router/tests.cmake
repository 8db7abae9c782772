hw_add_test(test_router_config SOURCES router/test_config.cpp LIBS hidewire_router)
target_compile_definitions(test_router_config PRIVATE HIDEWIRE_SOURCE_DIR="${PROJECT_SOURCE_DIR}")
