// One list of problems found in data, rendered as a FHIR OperationOutcome (or, by adapters,
// as ACK ERR segments). Locations are FHIRPath-style, e.g. Patient.identifier[0].value.
#pragma once

#include <string>
#include <string_view>
#include <vector>

namespace hidewire::fhir {

enum class Severity { Fatal, Error, Warning, Information };

struct Issue {
  Severity severity = Severity::Error;
  std::string code;      // OperationOutcome issue-type: structure, required, value, invariant, code-invalid, ...
  std::string location;  // FHIRPath-style location of the element
  std::string message;   // human text
  std::string key;       // constraint key or rule id (e.g. pat-1, nhs-number-check), may be empty
};

class Diagnostics {
 public:
  void add(Severity s, std::string code, std::string location, std::string message, std::string key = {});
  void error(std::string code, std::string location, std::string message, std::string key = {}) {
    add(Severity::Error, std::move(code), std::move(location), std::move(message), std::move(key));
  }
  void warning(std::string code, std::string location, std::string message, std::string key = {}) {
    add(Severity::Warning, std::move(code), std::move(location), std::move(message), std::move(key));
  }
  const std::vector<Issue>& issues() const { return issues_; }
  std::size_t count(Severity s) const;
  std::size_t error_count() const { return count(Severity::Fatal) + count(Severity::Error); }
  bool has_errors() const { return error_count() > 0; }
  bool empty() const { return issues_.empty(); }
  void append(const Diagnostics& other);

 private:
  std::vector<Issue> issues_;
};

std::string_view severity_name(Severity s);

// OperationOutcome JSON (issue[].severity/code/diagnostics/expression/location; key as details.text).
std::string to_operation_outcome_json(const Diagnostics& d, bool pretty = false);

}  // namespace hidewire::fhir
