// Value comparison and path navigation shared by profile validation and slice matching
// (internal to profiles/).
#pragma once

#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "fhir/node.hpp"
#include "fhir/schema.hpp"
#include "profiles/profile.hpp"

namespace hidewire::profiles {

// fixed[x]: the same value and the same children, in order (the element's own name aside).
bool equals_fixed(const fhir::Node& instance, const fhir::Node& fixed);
// pattern[x]: every value and child the pattern has is in the instance (repeats: each pattern
// item matches some instance item).
bool matches_pattern(const fhir::Node& instance, const fhir::Node& pattern);
// minValue[x] / maxValue[x]: -1, 0 or 1 as the instance is below, at or above the bound; 2
// when they cannot be compared (other types, dates of other precisions, Quantities in other units).
// A date, dateTime or instant bounded by a Duration (a Quantity in a UCUM unit of time) is
// compared with now minus it for a minimum, now plus it for a maximum (`upper`), as R4's
// ElementDefinition.minValue[x] / maxValue[x] say.
int compare_to_bound(const fhir::Node& instance, const fhir::Node& bound, bool upper = false);
// A profile url that is an R4 base definition (http://hl7.org/fhir/StructureDefinition/Procedure):
// whether `instance` is of that type; nullopt for any other url.
std::optional<bool> conforms_to_base(const fhir::Node& instance, std::string_view url, const fhir::Schema& schema);
// A short rendering of a fixed or pattern value for messages: "https://fhir.nhs.uk/Id/nhs-number",
// "{coding: {system: ..., code: ...}}".
std::string describe(const fhir::Node& value);

// Instance children an element definition stands for: "value[x]" matches valueQuantity.
bool name_matches(std::string_view instance_name, std::string_view def_name);
// The FHIR type of an instance node: "Quantity", "string", the resource type.
std::string type_of(const fhir::Node& n);

}  // namespace hidewire::profiles
