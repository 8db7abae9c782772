// Date/time arithmetic and boundaries for FHIRPath (internal to fhirpath/).
#pragma once

#include "fhirpath/value.hpp"

namespace hidewire::fhirpath {

// date/dateTime/time + amount of a calendar or UCUM time unit; keeps the input's precision.
Value add_duration(const Value& moment, double amount, const std::string& unit);
std::string render_moment(const Moment& m, VType type);

}  // namespace hidewire::fhirpath
