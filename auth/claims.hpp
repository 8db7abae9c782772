// A JWT's claims as the node reads them: the registered ones (iss, sub, aud, iat, exp, jti) and
// GP Connect's cross-organisation audit claims (requesting_organization, requesting_practitioner,
// reason_for_request, requested_scope), with purposeOfUse as other national APIs send it.
#pragma once

#include <optional>
#include <string>
#include <vector>

namespace hidewire::auth {

inline constexpr const char* kOdsSystem = "https://fhir.nhs.uk/Id/ods-organization-code";
inline constexpr const char* kSdsUserSystem = "https://fhir.nhs.uk/Id/sds-user-id";
inline constexpr const char* kSdsRoleProfileSystem = "https://fhir.nhs.uk/Id/sds-role-profile-id";
inline constexpr const char* kSdsJobRoleSystem = "https://fhir.nhs.uk/Id/sds-job-role-name";

struct Claims {
  std::string iss, sub, jti;
  std::vector<std::string> aud;     // a string or an array in the token
  std::optional<long long> iat, exp;
  bool bad_types = false;           // a registered claim of the wrong JSON type
  std::string org_ods;              // requesting_organization's ODS code
  bool has_practitioner = false;
  std::string practitioner_id, practitioner_name, sds_role;
  std::string purpose_raw;          // reason_for_request or purposeOfUse, as sent
  std::string purpose;              // normalised: direct-care, emergency, secondary-use, patient-access; "" when unknown
  std::string scope;                // requested_scope
  std::string break_glass_reason;
};

// Parses a claims object (the caller has checked it is one). Unknown claims are ignored.
Claims read_claims(const std::string& claims_json);
// One string claim by name (an identity provider's nhs_number_claim); "" when absent or not a string.
std::string string_claim(const std::string& claims_json, const std::string& name);

// directcare / TREAT -> direct-care, ETREAT / emergency -> emergency, ...; "" when not one.
std::string normalise_purpose(const std::string& raw);

}  // namespace hidewire::auth
