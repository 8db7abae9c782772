// The Parameters of `$hidewire-federated-record` as the caller sends them, and the Parameters
// this node sends each peer: `$hidewire-holds-record` and `$hidewire-patient-record` take the
// NHS number; `$gpc.getstructuredrecord` also takes GP Connect's include* parameters, all
// clinical areas unless the caller named some.
#pragma once

#include <optional>
#include <string>
#include <vector>

namespace hidewire::federation {

// A refusal as GP Connect words it: the HTTP status, the issue type and the Spine code.
struct Refusal {
  int status = 422;
  std::string issue_code = "invalid", spine_code = "INVALID_PARAMETER", display = "Invalid parameter";
  std::string diagnostics;
};
// The OperationOutcome for a refusal.
std::string refusal_body(const Refusal& r);

struct RecordRequest {
  std::string nhs_number;
  std::string purpose;                       // purposeOfUse (valueCode), normalised; empty: not stated
  std::vector<std::string> gp_parameters;    // include* parameters, each as JSON, passed on to the GP
};

// Parses the caller's body; the refusal when it is not a valid request.
std::optional<Refusal> parse_record_request(const std::string& body, RecordRequest& out);

std::string nhs_number_parameters(const std::string& nhs_number);
// For the GP: the caller's include* parameters, or every clinical area (resolved allergies and
// prescription issues too) when it named none.
std::string structured_record_parameters(const RecordRequest& r);

}  // namespace hidewire::federation
