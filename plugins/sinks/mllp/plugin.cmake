hw_plugin(hidewire_sink_mllp SOURCES mllp_sink.cpp LIBS hidewire_mllp hidewire_hl7v2)
