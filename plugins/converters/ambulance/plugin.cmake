# The ambulance ePR converter; its maps (mapping/ambulance/*.json) are linked in (.incbin).
set(HW_AMB_MAP_DIR ${PROJECT_SOURCE_DIR}/mapping/ambulance)
set_source_files_properties(${CMAKE_CURRENT_LIST_DIR}/embed_maps.S PROPERTIES
  OBJECT_DEPENDS "${HW_AMB_MAP_DIR}/fhir_codes.json;${HW_AMB_MAP_DIR}/vendor_clinix_json.json;${HW_AMB_MAP_DIR}/vendor_medaxis_xml.json"
  COMPILE_OPTIONS "-I${HW_AMB_MAP_DIR}")
hw_plugin(hidewire_converter_ambulance
  SOURCES ambulance_converter.cpp epr_tree.cpp epr_map.cpp epr_codes.cpp epr_bundle.cpp epr_care.cpp epr_vitals.cpp embed_maps.S
  LIBS hidewire_mapping hidewire_plugin_common ${PUGIXML_LIB})
