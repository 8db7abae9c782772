#include "fhir/nhs_number.hpp"

namespace hidewire::fhir {

std::string check_nhs_number(std::string_view d) {
  if (d.size() != 10) return "NHS number must be 10 digits, got " + std::to_string(d.size()) + " characters";
  for (char c : d)
    if (c < '0' || c > '9') return "NHS number must contain only digits";
  // Modulus 11: weights 10..2 over the first nine digits; the tenth is the check digit.
  int sum = 0;
  for (int i = 0; i < 9; ++i) sum += (d[static_cast<std::size_t>(i)] - '0') * (10 - i);
  int check = 11 - sum % 11;
  if (check == 11) check = 0;
  if (check == 10) return "NHS number " + std::string(d) + " is invalid: its Modulus 11 check value is 10, never valid";
  int given = d[9] - '0';
  if (given != check)
    return "NHS number " + std::string(d) + " fails the Modulus 11 check: check digit is " + std::to_string(given) +
           ", expected " + std::to_string(check);
  return {};
}

bool is_valid_nhs_number(std::string_view digits) { return check_nhs_number(digits).empty(); }

std::string normalise_nhs_number(std::string_view text) {
  std::string out;
  for (char c : text) {
    if (c >= '0' && c <= '9') out += c;
    else if (c != ' ' && c != '-') return std::string(text);
  }
  return out.size() == 10 ? out : std::string(text);
}

namespace {

void check_verification_status(const Node& ext, const std::string& loc, Diagnostics& out) {
  const Node* cc = ext.child("valueCodeableConcept");
  if (!cc) {
    out.error("structure", loc, "NHS number verification status must be a valueCodeableConcept", "nhs-number-verification");
    return;
  }
  for (const Node& coding : cc->children) {
    if (coding.name != "coding") continue;
    const Node* sys = coding.child("system");
    const Node* code = coding.child("code");
    if (!sys || sys->value != kNhsVerificationStatusSystem) continue;
    std::string_view c = code ? std::string_view(code->value) : std::string_view();
    if (c.size() == 2 && c[0] == '0' && c[1] >= '1' && c[1] <= '8') return;
    out.error("code-invalid", loc + ".valueCodeableConcept",
              "NHS number verification status code '" + std::string(c) + "' is not one of 01 to 08 of " +
                  std::string(kNhsVerificationStatusSystem),
              "nhs-number-verification");
    return;
  }
  out.error("code-invalid", loc + ".valueCodeableConcept",
            "NHS number verification status needs a coding from " + std::string(kNhsVerificationStatusSystem),
            "nhs-number-verification");
}

}  // namespace

void validate_nhs_identifier(const Node& identifier, const std::string& location, Diagnostics& out) {
  const Node* value = identifier.child("value");
  if (!value || !value->has_value) {
    out.error("required", location + ".value", "an identifier with the NHS number system must have a value", "nhs-number");
  } else if (value->value.find(' ') != std::string::npos) {
    out.error("value", location + ".value", "NHS number must be written without spaces: '" + value->value + "'", "nhs-number");
  } else if (std::string problem = check_nhs_number(value->value); !problem.empty()) {
    out.error("value", location + ".value", problem, "nhs-number");
  }
  int index = 0;
  for (const Node& ext : identifier.children) {
    if (ext.name != "extension") continue;
    const Node* url = ext.child("url");
    if (url && url->value == kNhsVerificationStatusUrl)
      check_verification_status(ext, location + ".extension[" + std::to_string(index) + "]", out);
    ++index;
  }
}

}  // namespace hidewire::fhir
