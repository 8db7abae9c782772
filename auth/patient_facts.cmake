# What the holder knows of a patient for the access policy (auth/patient_facts.hpp): read from the
# FhirStore interface only. Included from the top-level CMakeLists.txt beside auth/CMakeLists.txt.
add_library(hidewire_patient_facts STATIC ${CMAKE_CURRENT_LIST_DIR}/patient_facts.cpp ${CMAKE_CURRENT_LIST_DIR}/consent_rules.cpp
            ${CMAKE_CURRENT_LIST_DIR}/resource_view.cpp)
target_link_libraries(hidewire_patient_facts PUBLIC hidewire_node)
