# No include cycle between top-level folders (docs/ARCHITECTURE.md).
add_test(NAME layering_no_include_cycles COMMAND python3 ${CMAKE_CURRENT_SOURCE_DIR}/layering/check_includes.py ${PROJECT_SOURCE_DIR})
