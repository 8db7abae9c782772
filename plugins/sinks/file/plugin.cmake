hw_plugin(hidewire_sink_file SOURCES file_sink.cpp)
