// This node as a GP Connect consumer (docs/GPCONNECT_CONSUMER.md): a peers[] entry with
// `gpconnect_provider` is a GP system's own GP Connect provider, not a hidewire node. It is asked
// `POST {url}/Patient/$gpc.getstructuredrecord` (Access Record Structured 1.6) with the Spine
// proxy headers (Ssp-TraceID, Ssp-From, Ssp-To, Ssp-InteractionID), GP Connect's audit JWT
// (unsigned or this node's signed one, as configured) and mutual TLS, through the PeerClient. It
// answers FHIR STU3: a Bundle is converted to R4 by the `fhir-stu3` converter; an error is a
// Spine OperationOutcome, read into a clear reason.
#pragma once

#include <string>
#include <vector>

#include "federation/directory.hpp"
#include "federation/merge.hpp"
#include "federation/peer_client.hpp"
#include "federation/peer_token.hpp"
#include "node/caller.hpp"
#include "node/converter.hpp"

namespace hidewire::federation {

inline constexpr const char* kGpcInteraction = "urn:nhs:names:services:gpconnect:fhir:operation:gpc.getstructuredrecord-1";
inline constexpr const char* kGpcAccept = "application/fhir+json;charset=utf-8";

// The JWT for the provider: GP Connect's audit claims, aud the provider's URL; alg none when it
// is configured to take the unsigned form. Throws std::runtime_error when signing fails.
std::string gpc_token(const TokenIssuer& issuer, const node::Caller& caller, const Peer& provider);

// The call to `provider`'s $gpc.getstructuredrecord: the Spine headers, the JWT, the caller's
// X-Request-ID. `our_asid`: Ssp-From.
PeerCall gpc_call(const Peer& provider, const std::string& our_asid, const std::string& token, const std::string& parameters,
                  const std::string& request_id, Clock::time_point deadline);

// What came of one call.
struct GpcResult {
  bool ok = false;
  std::string stu3;        // the provider's Bundle, as received
  std::string r4;          // converted: an R4 transaction Bundle
  std::size_t unmapped = 0;  // STU3 elements the converter could not carry
  PeerIssue issue;         // !ok: why, for the clinician and the audit (never record content)
};

// Reads the provider's reply; `stu3` (may be null: not converted) turns a Bundle into R4.
GpcResult read_gpc_reply(const Peer& provider, PeerReply reply, const node::Converter* stu3, int deadline_ms);

// GP Connect's Spine error code as a sentence: NO_PATIENT_CONSENT -> "the patient has dissented
// from sharing their GP record"; unknown codes as they came.
std::string spine_reason(const std::string& spine_code);

}  // namespace hidewire::federation
