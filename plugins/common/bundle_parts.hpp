// A converter's transaction Bundle while it is made (the ambulance, social-care and CDA converters):
// its entries in order, each with a fullUrl stable for the message, the small JSON builders they
// share, and the finish: a Provenance over every entry, then each entry keyed by its conditional
// URL (the Patient by its NHS number) and written with raw numbers.
#pragma once

#include <rapidjson/document.h>

#include <string>
#include <vector>

#include "fhir/bundle_builder.hpp"
#include "plugins/common/resource_building.hpp"

namespace hidewire::plugins {

struct BundleParts {
  using J = rapidjson::Value;
  using Entry = PendingEntry;

  BundleParts() { doc.SetObject(); }
  rapidjson::Document doc;  // owns every value's memory
  std::vector<Entry> entries;

  rapidjson::MemoryPoolAllocator<>& a() { return doc.GetAllocator(); }
  J str(const std::string& s) { return J(s.c_str(), static_cast<rapidjson::SizeType>(s.size()), a()); }
  J identifier(const std::string& system, const std::string& value);
  J ref(int entry);
  // Its place among the entries; the fullUrl from `seed` (the message's identity) and that place.
  int add(const std::string& seed, const std::string& type, J res, fhir::build::Write how);
  // The Bundle's JSON: `source` as the Provenance of every entry so far, the Patient keyed by `nhs_number`.
  std::string finish(const std::string& seed, const fhir::build::Source& source, const std::string& nhs_number, const std::string& timestamp);
  // The transaction Bundle's JSON of the entries in `order` (indexes), each keyed by its
  // conditional URL (the Patient by `nhs_number`), the entries' values moved out.
  std::string transaction(const std::vector<int>& order, const std::string& nhs_number, const std::string& timestamp);
};

}  // namespace hidewire::plugins
