hw_plugin(hidewire_access_consent SOURCES consent_policy.cpp settings.cpp)
