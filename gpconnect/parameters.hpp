// The Parameters of POST [base]/Patient/$gpc.getstructuredrecord (GP Connect Access Record
// Structured 1.6), read and checked as GP Connect's providers must: unknown parameters and parts
// are not errors but reported back (forwards compatibility); missing, repeated or mistyped ones,
// forbidden combinations, partial or future dates and a start after its end are 422
// INVALID_PARAMETER naming the parameter; a body that is no Parameters is 422 INVALID_RESOURCE;
// a bad NHS number 400 INVALID_NHS_NUMBER. Dates are compared as YYYY-MM-DD text.
#pragma once

#include <optional>
#include <string>
#include <vector>

#include "gpconnect/spine_error.hpp"

namespace hidewire::gpconnect {

// A search period of whole days; an empty bound is open. Both inclusive.
struct DayRange {
  std::string start, end;
  bool contains(const std::string& date_or_datetime) const;  // false for an empty value
};

struct StructuredQuery {
  std::string nhs_number;

  bool allergies = false, resolved_allergies = false;

  bool medication = false, prescription_issues = false;
  std::string medication_from;  // YYYY-MM-DD or empty

  bool problems = false;
  std::string problem_status;        // active | inactive | empty
  std::string problem_significance;  // major | minor | empty

  bool consultations = false;
  DayRange consultation_period;
  int most_recent = 0;  // includeNumberOfMostRecent; 0: all

  bool immunisations = false;
  bool investigations = false;
  DayRange investigation_period;
  bool referrals = false;
  DayRange referral_period;
  bool uncategorised = false;
  DayRange uncategorised_period;
  bool diary = false;
  std::string diary_until;  // diaryEntriesSearchDate: entries on or before it

  // Parameters and parts this provider does not know ("includeFoo", "includeMedication.bar").
  std::vector<std::string> unsupported;
  // For the audit: which areas were asked for (no values).
  std::string summary() const;
};

struct QueryResult {
  std::optional<Error> error;
  StructuredQuery query;
};

// `today` is YYYY-MM-DD (UTC): dates after it are in the future.
QueryResult parse_structured_query(const std::string& body, const std::string& today);

// The patientNHSNumber of the hidewire operations ($hidewire-holds-record,
// $hidewire-patient-record): the one parameter they take. Empty error: `nhs_number` holds it.
QueryResult parse_nhs_number_only(const std::string& body, const std::string& operation);

}  // namespace hidewire::gpconnect
