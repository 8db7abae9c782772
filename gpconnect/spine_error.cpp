#include "gpconnect/spine_error.hpp"

#include "fhir/json_escape.hpp"

namespace hidewire::gpconnect {

Error invalid_parameter(const std::string& d) { return {422, "invalid", "INVALID_PARAMETER", "Submitted parameter is not valid.", d}; }
Error invalid_resource(const std::string& d) { return {422, "invalid", "INVALID_RESOURCE", "Submitted resource is not valid.", d}; }
Error invalid_nhs_number(const std::string& d) { return {400, "value", "INVALID_NHS_NUMBER", "Invalid NHS number", d}; }
Error invalid_identifier_system(const std::string& d) {
  return {400, "value", "INVALID_IDENTIFIER_SYSTEM", "Invalid identifier system", d};
}
Error patient_not_found() { return {404, "not-found", "PATIENT_NOT_FOUND", "Patient not found", "no patient record matches"}; }
Error internal_error(const std::string& d) { return {500, "exception", "INTERNAL_SERVER_ERROR", "Internal server error", d}; }

std::string outcome_json(const Error& e) {
  using fhir::json_escape;
  return R"({"resourceType":"OperationOutcome","issue":[{"severity":"error","code":")" + json_escape(e.issue_code) +
         R"(","details":{"coding":[{"system":")" + kSpineSystem + R"(","code":")" + json_escape(e.spine_code) + R"(","display":")" +
         json_escape(e.display) + R"("}]},"diagnostics":")" + json_escape(e.diagnostics) + "\"}]}";
}

}  // namespace hidewire::gpconnect
