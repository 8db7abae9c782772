// One STU3 resource reshaped as R4 by its type's ops (mapping/stu3/resources.json), and every
// extension and code system in it renamed to its UK Core / R4 counterpart (extensions.json).
// What an op could not carry is reported in `unmapped`, located from `at`.
#pragma once

#include <rapidjson/document.h>

#include <string>
#include <vector>

#include "mapping/stu3_engine/stu3_maps.hpp"

namespace hidewire::mapping::stu3 {

using Json = rapidjson::Value;
using Alloc = rapidjson::MemoryPoolAllocator<>;

struct Report {
  std::vector<std::string>* unmapped = nullptr;
  std::vector<std::string>* absent = nullptr;  // R4-required elements the record did not give
  void add(const std::string& location) const {
    if (unmapped) unmapped->push_back(location);
  }
};

// Runs the common ops and those of the resource's type (contained resources first, each by its
// own type); sets resourceType to the R4 type and returns it. `at` names the resource
// ("Bundle.entry[4](MedicationStatement)").
std::string reshape(Json& resource, const Maps& maps, Alloc& a, const std::string& at, const Report& report);

// Renames extensions (and their sub-extensions) and code systems anywhere in `v`.
void rename_extensions(Json& v, const Maps& maps, Alloc& a, const std::string& at, const Report& report);

}  // namespace hidewire::mapping::stu3
