// The patient of a converted transaction Bundle, and keying it to an NHS number once traced:
// the NHS number identifier with the UK Core verification status, and the entry's request made
// conditional on it, as the converters write a patient that came with one.
#pragma once

#include <rapidjson/document.h>

#include <string>
#include <string_view>

namespace hidewire::matching {

// Verification status codes (UKCore-NHSNumberVerificationStatusEngland) the tracer writes.
inline constexpr std::string_view kVerified = "01";    // Number present and verified: PDS said so
inline constexpr std::string_view kNotTraced = "02";   // Number present but not traced: the node's own index, an operator

// The first Patient entry of a Bundle (the message's patient), or null.
rapidjson::Value* patient_entry(rapidjson::Document& bundle);
// Removes the patient's NHS number identifiers that are not valid NHS numbers (how many), and
// makes the entry's request conditional on the identifier left first (none left: a create).
int drop_invalid_nhs_numbers(rapidjson::Value& entry, rapidjson::Document::AllocatorType& a);
// Adds the NHS number identifier (first) with its verification status, and makes the entry's
// request conditional on it: a PUT upserts that patient, a create-if-absent looks for them.
void key_to_nhs_number(rapidjson::Value& entry, const std::string& nhs_number, std::string_view status_code,
                       rapidjson::Document::AllocatorType& a);
// A patient with no identifier at all gets `system|value`, and the entry creates it once by it.
bool add_local_identifier(rapidjson::Value& entry, const std::string& system, const std::string& value,
                          rapidjson::Document::AllocatorType& a);

}  // namespace hidewire::matching
