# The social-care converters' engine and the `delimited` converter; the maps (mapping/social/*.json) are linked in (.incbin).
set(HW_SOCIAL_MAP_DIR ${PROJECT_SOURCE_DIR}/mapping/social)
set(HW_SOCIAL_MAPS fhir_codes liquidlogic_leeds mosaic_kirklees caredirector_calderdale prsb_la_record)
list(TRANSFORM HW_SOCIAL_MAPS PREPEND ${HW_SOCIAL_MAP_DIR}/ OUTPUT_VARIABLE HW_SOCIAL_MAP_FILES)
list(TRANSFORM HW_SOCIAL_MAP_FILES APPEND .json)
set_source_files_properties(${CMAKE_CURRENT_LIST_DIR}/embed_maps.S PROPERTIES
  OBJECT_DEPENDS "${HW_SOCIAL_MAP_FILES}" COMPILE_OPTIONS "-I${HW_SOCIAL_MAP_DIR}")
hw_plugin(hidewire_converter_delimited
  SOURCES delimited_converter.cpp delimited_text.cpp social_map.cpp social_codes.cpp social_maps.cpp social_bundle.cpp
          social_care.cpp embed_maps.S
  LIBS hidewire_mapping hidewire_plugin_common)
