// The plugins built into hidewire, registered in one list (registry.cpp).
#pragma once

#include "node/registry.hpp"

namespace hidewire::plugins {

// Every built-in source, converter, destination, store, journal and access policy.
const node::Registry& builtin();
// A converter with its default settings (for the CLI's listen and convert commands, and tests).
std::unique_ptr<node::Converter> make_converter(const std::string& format);
// A converter with its settings as JSON (`converters.FORMAT`); throws std::runtime_error with the first problem.
std::unique_ptr<node::Converter> make_converter(const std::string& format, const std::string& settings_json);
// A destination of `type` from its settings as JSON (for tools and tests); throws
// std::runtime_error with the configuration problems. `store` for the fhir-store type.
std::unique_ptr<node::Sink> make_sink(const std::string& type, const std::string& name, const std::string& settings_json,
                                      node::FhirStore* store = nullptr);

}  // namespace hidewire::plugins
