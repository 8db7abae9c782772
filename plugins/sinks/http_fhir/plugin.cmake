hw_plugin(hidewire_sink_http_fhir SOURCES http_fhir_sink.cpp LIBS CURL::libcurl hidewire_audit)
