// Caller: who is asking, as the node's authentication established it from the transport (a
// client certificate, a bearer token, a signed JWT) and the configuration (`peers[]`,
// `systems[]`, `identity_providers[]`). Every access decision and every audit record is about
// one Caller; nothing downstream trusts what a message body says about its sender.
#pragma once

#include <strings.h>

#include <cstdint>
#include <string>
#include <vector>

namespace hidewire::node {

// A person acting through a credential, as a signed JWT names them (GP Connect's
// cross-organisation audit JWT: requesting_practitioner, reason_for_request, requested_scope).
struct Person {
  std::string id;        // requesting_practitioner.id (or sub)
  std::string name;      // given and family, as one string
  std::string sds_role;  // SDS job role code, e.g. R8000 (clinical practitioner)
};

struct Caller {
  enum class Kind {
    Anonymous,  // only under `development.allow_anonymous`
    Peer,       // another organisation's node or system, by mutual TLS (its ODS code from the certificate)
    System,     // a local system with its own credential (client certificate or bearer token)
    Patient,    // a person about their own record, by a token from a configured identity provider
  };
  Kind kind = Kind::Anonymous;
  std::string id;            // the credential's name: the system's or peer's name in the config, the token's iss
  std::string ods_code;      // the organisation the credential belongs to
  std::string org_kind;      // gp-practice, acute-trust, ambulance-service, nhs-111, community, social-care, care-home, voluntary
  std::vector<std::string> roles;        // admin, viewer, clinical, ... (from the config; a person's SDS role too)
  std::vector<std::string> write_types;  // resource types this credential may write; "*": any
  std::vector<std::string> facilities;   // HL7 v2 MSH-4 values that also name its organisation
  bool person_present = false;           // a JWT named a person
  Person person;
  std::string purpose;       // purposeOfUse / reason_for_request: direct-care, emergency, secondary-use, patient-access
  std::string scope;         // requested_scope, e.g. patient/*.read
  std::string nhs_number;    // Patient callers: the record they may see
  std::string break_glass_reason;  // non-empty: the caller asked for break-glass, with this reason
  bool unsigned_token = false;     // GP Connect's unsigned JWT, accepted from a configured consumer over mTLS
  std::string token_id;      // the JWT's jti, for the audit and replay refusal
  std::string address;       // network address, host:port
  std::string request_id;    // X-Request-ID (made up when the caller sent none): correlates both nodes' audits

  bool has_role(const std::string& role) const {
    for (const auto& r : roles)
      if (r == role) return true;
    return false;
  }
  bool may_write(const std::string& type) const {
    for (const auto& t : write_types)
      if (t == "*" || t == type) return true;
    return false;
  }
  // Whether a message naming organisation `ods` (an ePR's ambulance service, a CDA document's
  // custodian) may come from this caller: its own ODS code or one of its facilities, any case.
  bool speaks_for(const std::string& ods) const {
    auto eq = [&](const std::string& o) { return o.size() == ods.size() && strncasecmp(o.data(), ods.data(), ods.size()) == 0; };
    if (eq(ods_code)) return true;
    for (const auto& f : facilities)
      if (eq(f)) return true;
    return false;
  }
  // For the audit and error messages: "system pas (RXX)", "peer A81001", "anonymous".
  std::string describe() const;
};

const char* to_string(Caller::Kind k);

}  // namespace hidewire::node
