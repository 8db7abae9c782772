# The NHS CDA (NHS 111 Post Event Message) converter; its map (mapping/cda/cda_map.json) is linked in (.incbin).
set(HW_CDA_MAP_DIR ${PROJECT_SOURCE_DIR}/mapping/cda)
set_source_files_properties(${CMAKE_CURRENT_LIST_DIR}/embed_maps.S PROPERTIES
  OBJECT_DEPENDS "${HW_CDA_MAP_DIR}/cda_map.json"
  COMPILE_OPTIONS "-I${HW_CDA_MAP_DIR}")
hw_plugin(hidewire_converter_cda
  SOURCES cda_converter.cpp cda_maps.cpp cda_xml.cpp cda_header.cpp cda_sections.cpp embed_maps.S
  LIBS hidewire_mapping hidewire_plugin_common ${PUGIXML_LIB})
