// The audit of a journalled message (an HL7 v2 or FHIR message a source accepted or refused),
// stored compact: about 300 bytes of the facts instead of a 2-3 kB AuditEvent. The ingest path
// writes one per message, so its size is most of what the audit of writes costs (docs/BENCHMARKS.md).
// It is hashed into the Merkle tree exactly as stored, so an edit of it is caught as of any
// entry; readers get the AuditEvent from expand_event(), the same make_record() would build.
#pragma once

#include <cstdint>
#include <string>
#include <string_view>

#include "node/audit_log.hpp"

namespace hidewire::audit {

struct Submit {
  std::int64_t journal_id = 0;
  std::string_view message_id;   // MSH-10, the body's SHA-256
  std::string_view status;       // accepted | rejected | failed
  std::string_view reason;       // why not accepted
  std::string_view nhs_number;   // the patient the message was about (empty: none found)
  std::string_view caller_json;  // the journalled caller (node/caller_json.hpp)
  std::string_view node_ods, node_name;
  std::string recorded;          // empty: now
};

node::AuditRecord make_submit_record(const Submit& s);

// Whether a stored event is a compact submit record.
bool is_compact(std::string_view stored);
// The AuditEvent of a stored entry: a compact record expanded (with its seq as id), anything
// else as it is. An unreadable compact record comes back as it is stored.
std::string expand_event(std::string_view stored);

}  // namespace hidewire::audit
