// The audit of journalled messages (HL7 v2 or FHIR messages a source accepted or refused): one
// entry per journal commit, not one per message. The journal's group commit already holds each
// message and its sender durably; the log takes the commit's messages as one compact record
// (the facts of each, about 80 bytes, and each sender once), hashed into the Merkle tree exactly
// as stored. So the audit of writes rides the journal's group commit: one row, one leaf and one
// hash per commit on the ingest path (docs/BENCHMARKS.md). Readers get each message's BALP
// AuditEvent from expand_events(), the same make_record() would build for it alone.
#pragma once

#include <cstdint>
#include <string>
#include <string_view>
#include <vector>

#include "node/audit_log.hpp"

namespace hidewire::audit {

struct Submit {
  std::int64_t journal_id = 0;
  std::string_view message_id;   // MSH-10, the body's SHA-256
  std::string_view status;       // accepted | rejected | failed
  std::string_view reason;       // why not accepted
  std::string nhs_number;        // the patient the message was about (empty: none found)
  std::string_view caller_json;  // the journalled caller (node/caller_json.hpp)
};

// One record for the messages of one journal commit (at least one). Its indexed fields: action
// "submit", journal_id the highest; batch_patients / batch_request_ids / batch_token_ids every
// distinct one. `recorded` empty: now.
node::AuditRecord make_submit_batch(const std::vector<Submit>& messages, std::string_view node_ods, std::string_view node_name,
                                    std::string recorded = {});

// The AuditEvent outcome (0, 4, 8) of a journalled message's status: a message held at patient
// matching was taken in (journalled, answered AA), so it is not a failure.
int submit_outcome(std::string_view status);

// Whether a stored entry is such a batch.
bool is_submit_batch(std::string_view stored);

// What a reader asks of an entry: only the members about this patient / with this request id.
struct MemberFilter {
  std::string patient_nhs, request_id;
};

// The AuditEvents of a stored entry at `seq`: a batch's members that pass the filter (their ids
// "SEQ.K", K from 1), anything else as stored. An unreadable batch comes back as stored.
std::vector<std::string> expand_events(std::string_view stored, std::int64_t seq, const MemberFilter& filter = {});

}  // namespace hidewire::audit
