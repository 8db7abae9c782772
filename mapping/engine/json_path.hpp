// Sets values in a JSON object by a simple FHIR path: a.b, list[] (append), list[0].
#pragma once

#include <rapidjson/document.h>

#include <string>
#include <string_view>

namespace hidewire::mapping {

void set_path(rapidjson::Value& obj, std::string_view path, rapidjson::Value value, rapidjson::MemoryPoolAllocator<>& a);

// Writes a DOM as JSON; strings marked with kRawNumber are written as numbers.
std::string write_with_raw_numbers(const rapidjson::Value& v);

}  // namespace hidewire::mapping
