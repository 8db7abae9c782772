// The clinical areas of GP Connect Access Record Structured mapped onto R4 resources, and each
// area's filters (docs/FEDERATION.md "Clinical areas"). Each area is a Section: the resources its
// List names, and those that go with them without being listed (issues, results, specimens, a
// consultation's contents). Internal to gpconnect/.
#pragma once

#include <string>
#include <vector>

#include "gpconnect/parameters.hpp"
#include "gpconnect/record.hpp"

namespace hidewire::gpconnect {

struct Section {
  std::string code, display, title;   // the List's SNOMED CT code
  std::vector<const Item*> listed;    // List.entry, in order
  std::vector<const Item*> also;      // in the Bundle with them, not in the List
  const Item* encounter = nullptr;    // a consultation's own List: List.encounter
};

std::vector<Section> select_sections(const Record& record, const StructuredQuery& q);

}  // namespace hidewire::gpconnect
