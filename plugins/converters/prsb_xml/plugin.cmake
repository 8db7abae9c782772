# The PRSB local authority record (XML) converter, on the delimited converter's social-care engine.
hw_plugin(hidewire_converter_prsb_xml SOURCES prsb_converter.cpp LIBS hidewire_converter_delimited ${PUGIXML_LIB})
