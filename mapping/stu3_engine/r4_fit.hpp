// Fits a reshaped resource to the R4 definitions: what R4 does not define is taken out and
// reported (the STU3 elements that could not be carried), a single value where R4 has a list is
// wrapped (and the reverse keeps the first, reporting the rest), primitives are written as R4
// writes them (a decimal sent as "28" becomes 28; a zoneless dateTime is UK local time), and a
// code outside its required value set is reported rather than sent on.
#pragma once

#include <string>

#include "fhir/schema.hpp"
#include "mapping/stu3_engine/resource_ops.hpp"

namespace hidewire::mapping::stu3 {

// `resource` has an R4 resourceType (reshape() ran); false when R4 has no such type.
bool fit_r4(Json& resource, Alloc& a, const std::string& at, const Report& report);

}  // namespace hidewire::mapping::stu3
