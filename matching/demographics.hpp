// A person as the matcher sees them, read from a FHIR R4 Patient.
#pragma once

#include <rapidjson/document.h>

#include <string>
#include <vector>

namespace hidewire::matching {

struct Demographics {
  std::string nhs_number;          // as recorded (it may fail Modulus 11); empty: none
  std::string family;              // as recorded
  std::vector<std::string> given;  // as recorded, first the one used
  std::string birth_date;          // YYYY-MM-DD (shorter when only partly known)
  std::string postcode;            // normalised (matching/normalise.hpp); empty: none or not a UK postcode
  std::string gender;              // FHIR administrative gender: male, female, other, unknown; empty: not known
};

// The official name (else the first), the first address with a postcode, the NHS number identifier.
Demographics demographics_of(const rapidjson::Value& patient);
// "1984-04-03" -> "1984-03-04"; empty when the day and month are the same or cannot be swapped.
std::string transposed_birth_date(const std::string& birth_date);

}  // namespace hidewire::matching
