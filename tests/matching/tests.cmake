hw_add_test(test_matching_normalise SOURCES matching/test_normalise.cpp LIBS hidewire_matching)
hw_add_test(test_matching_decide SOURCES matching/test_decide.cpp LIBS hidewire_matching)
hw_add_test(test_matching_indexes SOURCES matching/test_indexes.cpp LIBS hidewire_plugins hidewire_http)
target_include_directories(test_matching_indexes PRIVATE ${PROJECT_SOURCE_DIR})
# The synthetic population (tests/matching/population.hpp), also used by bench/bench_match.
add_library(hw_test_population STATIC matching/population.cpp matching/population_perturb.cpp matching/population_index.cpp)
target_include_directories(hw_test_population PUBLIC ${PROJECT_SOURCE_DIR})
target_link_libraries(hw_test_population PUBLIC hidewire_matching hidewire_plugins)
hw_add_test(test_matching_population SOURCES matching/test_population.cpp LIBS hw_test_population hidewire_plugins)
