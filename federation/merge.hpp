// The merged record: one `collection` Bundle for one NHS number, made by splicing each source's
// resources (as its answer scanned them) rather than through a DOM copy. Every resource keeps the
// source node's fullUrl (`PEER-BASE/Type/id`, or its own urn:uuid), so two sources' Patient/1
// never collide and relative references inside one source's answer still resolve (against the
// entry's fullUrl, as FHIR resolves them); one Provenance per source organisation (target: every
// resource it gave; agent: it as custodian, this node as assembler; recorded: when it answered);
// one OperationOutcome naming every peer that was unreachable, too slow or refused, with the
// warnings the sources' own answers carried.
#pragma once

#include <string>
#include <vector>

#include "federation/answer_scan.hpp"

namespace hidewire::federation {

struct SourceRecord {
  std::string ods_code, kind, base_url;  // base_url without a trailing slash
  std::string answered_at;               // FHIR instant
  std::string body;                      // the answer, as received
  ScannedAnswer scan;                    // of body
};

struct PeerIssue {
  std::string ods_code, kind;
  std::string code = "exception";  // issue-type: timeout, transient, forbidden, not-found, security, too-costly, invalid
  int status = 0;                  // the HTTP status it answered, if it did
  std::string spine_code;          // GP Connect's: NO_PATIENT_CONSENT, PATIENT_NOT_FOUND, ...
  std::string text;                // what happened, for the clinician
};

struct MergeContext {
  std::string nhs_number;
  std::string node_ods, node_name;
  std::string now;       // FHIR instant
  std::string bundle_id; // a UUID
  std::size_t asked = 0; // peers asked, for the summary
};

std::string merge_record(const MergeContext& ctx, const std::vector<SourceRecord>& sources, const std::vector<PeerIssue>& issues);

// The Spine code and the diagnostics of a GP Connect error answer (an OperationOutcome); empty
// when the body is not one.
struct PeerError {
  std::string spine_code, diagnostics;
};
PeerError read_peer_error(const std::string& body);

}  // namespace hidewire::federation
