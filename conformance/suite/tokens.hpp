// The JWTs the suite presents as someone other than its own system: a second organisation, the
// suite's clinician, the patient (docs/CONFORMANCE.md, "Identities"). Signed through
// Target::sign; never written to evidence.
#pragma once

#include <rapidjson/document.h>

#include <string>
#include <vector>

#include "conformance/suite/suite.hpp"

namespace hidewire::conformance::suite {

// GP Connect's cross-organisation audit JWT for `who`, audience the target's base: purpose
// `purpose` (directcare, emergency), a fresh jti, exp 300 s after iat, the suite's practitioner,
// device and (when who.ods is set) organisation; `break_glass_reason` when not empty.
std::string organisation_token(const Target& t, const JwtIdentity& who, const std::string& purpose, const std::string& break_glass_reason = {});
// A patient's token from their identity provider (--patient-iss/--patient-key) naming `nhs`;
// without one, --patient-token (once: the first call takes it); empty when neither.
std::string patient_token(Target& t, const std::string& nhs);
// `t` calling with bearer `token` only (no client certificate: the token says who).
Target as_bearer(const Target& t, const std::string& token);
// The patient's access log: GET [base]/AuditEvent as the patient (their identity provider's key,
// or --patient-token once), else GET [base]/AuditEvent?patient.identifier=... with the suite's
// credentials (the registered practice's export). Looked at until it holds an AuditEvent for each
// of `request_ids` (up to 2 s); the last look is evidence, its Bundle in `d` (`bundle` true).
struct AccessLog {
  long status = 0;
  std::string error, who;
  bool bundle = false;
};
AccessLog read_access_log(Context& ctx, const std::string& nhs, const std::vector<std::string>& request_ids, rapidjson::Document& d, Result& r);
// A GP Connect structured-record request of the gpc-patient's made by a test (GPC-DISSENT), for
// GPC-AUDIT to find in the patient's access log: its X-Request-ID, the requesting organisation's
// ODS code, the status it was answered, the X-Request-ID the answer echoed (empty: none).
struct GpcAccess {
  std::string request_id, ods;
  long status = 0;
  std::string echoed;
};
void note_gpc_access(const Context& ctx, GpcAccess access);
// 32 random hex digits.
std::string random_hex();

}  // namespace hidewire::conformance::suite
