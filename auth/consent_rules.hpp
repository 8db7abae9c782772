// FHIR R4 Consent resources -> the access policy's ConsentRules (docs/ACCESS.md, "Consent shapes").
#pragma once

#include <functional>
#include <string>
#include <vector>

#include "auth/fhir_json.hpp"
#include "node/access_policy.hpp"

namespace hidewire::auth {

inline constexpr std::string_view kConsentScope = "http://terminology.hl7.org/CodeSystem/consentscope";
inline constexpr std::string_view kConsentPolicy = "urn:hidewire:consent-policy";  // national-data-opt-out
inline constexpr std::string_view kHidewireRole = "urn:hidewire:role";             // config roles, org kinds
inline constexpr std::string_view kSdsJobRole = "https://fhir.nhs.uk/CodeSystem/NHSDigital-SDS-JobRoleCode";
inline constexpr std::string_view kResourceTypes = "http://hl7.org/fhir/resource-types";

// Who a provision's actor reference names, once resolved (Organization -> ODS code, RelatedPerson
// or Patient -> NHS number, PractitionerRole -> its organisation's ODS code).
struct ActorRef {
  std::string ods, nhs_number, role;
};
using ResolveActor = std::function<ActorRef(const json::Json& reference)>;

// The rules one Consent holds (none when it is not active or not a privacy consent).
// `patient_ref` is "Patient/<id>", to tell whether the patient recorded it.
std::vector<node::ConsentRule> consent_rules(const json::Json& consent, const std::string& patient_ref, const ResolveActor& resolve);

}  // namespace hidewire::auth
