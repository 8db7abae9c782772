// GP Connect's errors: an OperationOutcome whose issue.details.coding carries the Spine code
// (https://fhir.nhs.uk/R4/CodeSystem/Spine-ErrorOrWarningCode), with the HTTP status it goes with.
#pragma once

#include <string>

namespace hidewire::gpconnect {

inline constexpr const char* kSpineSystem = "https://fhir.nhs.uk/R4/CodeSystem/Spine-ErrorOrWarningCode";

struct Error {
  int status = 500;
  std::string issue_code;   // FHIR issue type: value, invalid, not-found, forbidden, exception
  std::string spine_code;   // INVALID_PARAMETER, PATIENT_NOT_FOUND, ...
  std::string display;
  std::string diagnostics;  // names the parameter; never an NHS number or record content
};

Error invalid_parameter(const std::string& diagnostics);        // 422
Error invalid_resource(const std::string& diagnostics);         // 422
Error invalid_nhs_number(const std::string& diagnostics);       // 400
Error invalid_identifier_system(const std::string& diagnostics);// 400
// 404: the one answer for unknown, deceased, not registered here, not verified and sensitive,
// so a caller cannot tell them apart.
Error patient_not_found();
Error internal_error(const std::string& diagnostics);           // 500

// The OperationOutcome JSON of an error.
std::string outcome_json(const Error& e);

}  // namespace hidewire::gpconnect
