// NHS number rules: 10 digits, Modulus 11 check digit, identifier system and verification status.
#pragma once

#include <string>
#include <string_view>

#include "fhir/diagnostics.hpp"
#include "fhir/node.hpp"

namespace hidewire::fhir {

inline constexpr std::string_view kNhsNumberSystem = "https://fhir.nhs.uk/Id/nhs-number";
inline constexpr std::string_view kNhsVerificationStatusUrl =
    "https://fhir.hl7.org.uk/StructureDefinition/Extension-UKCore-NHSNumberVerificationStatus";
inline constexpr std::string_view kNhsVerificationStatusSystem =
    "https://fhir.hl7.org.uk/CodeSystem/UKCore-NHSNumberVerificationStatusEngland";

// Empty when `digits` is a valid NHS number (exactly 10 digits, Modulus 11 check digit right,
// check value 10 never valid); otherwise why not, e.g. "check digit is 3, expected 9".
std::string check_nhs_number(std::string_view digits);
bool is_valid_nhs_number(std::string_view digits);

// "943 476 5919" / "943-476-5919" -> "9434765919"; other input is returned unchanged.
std::string normalise_nhs_number(std::string_view text);

// Checks an Identifier node whose system is the NHS number system: value present and valid,
// written without spaces, and the verification-status extension (if any) well formed with a
// code 01..08 from the England code system. `location` is the identifier's FHIRPath location.
void validate_nhs_identifier(const Node& identifier, const std::string& location, Diagnostics& out);

}  // namespace hidewire::fhir
