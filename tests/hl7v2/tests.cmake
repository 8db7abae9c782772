hw_add_test(test_hl7v2 SOURCES hl7v2/test_parser.cpp hl7v2/test_ack.cpp LIBS hidewire_hl7v2)
target_include_directories(test_hl7v2 PRIVATE ${PROJECT_SOURCE_DIR})
