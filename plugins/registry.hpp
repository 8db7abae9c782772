// The plugins built into hidewire, registered in one list (registry.cpp).
#pragma once

#include "node/registry.hpp"

namespace hidewire::plugins {

// Every built-in source, converter, destination, store, journal and access policy.
const node::Registry& builtin();
// A converter with its default settings (for the CLI's listen and convert commands, and tests).
std::unique_ptr<node::Converter> make_converter(const std::string& format);

}  // namespace hidewire::plugins
