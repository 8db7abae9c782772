hw_add_test(test_validator_cases SOURCES validator_cases/test_validator_cases.cpp LIBS hidewire_profiles)
target_include_directories(test_validator_cases PRIVATE ${PROJECT_SOURCE_DIR} ${RAPIDJSON_INCLUDE})
