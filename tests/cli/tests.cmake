hw_add_test(test_cli SOURCES cli/test_cli.cpp LIBS hidewire_fhir)
target_include_directories(test_cli PRIVATE ${PROJECT_SOURCE_DIR})
target_compile_definitions(test_cli PRIVATE HIDEWIRE_BIN="$<TARGET_FILE:hidewire>")
add_dependencies(test_cli hidewire)
