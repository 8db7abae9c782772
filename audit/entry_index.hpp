// What the audit log indexes beside each entry (the SQLite columns patient_nhs, request_id,
// token_id, journal_id, ... and the entry_keys rows of a batch), derived again from the entry's
// hashed event. Only the event is in the Merkle leaf, so an index edited outside hidewire (a
// patient_nhs changed to hide an access from "who saw my record") is found only by comparing
// the stored index with the one the event gives: `hidewire audit verify`, the node's start-up
// check and every query do.
#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "node/audit_log.hpp"

namespace hidewire::audit {

struct EntryIndex {
  std::string recorded, patient_nhs, patient_id, request_id, agent_ods, action, outcome, token_id;
  std::int64_t journal_id = 0;
  std::vector<std::string> keys;  // a batch's entry_keys ("n:" NHS number, "r:" request id, "t:" token id), sorted
};

// What the log stores for a record it appends.
EntryIndex index_of(const node::AuditRecord& r);

// The index an entry's event gives (an AuditEvent from make_record, or a batch from
// make_submit_batch); nullopt when the event is neither.
std::optional<EntryIndex> derive_index(std::string_view event_json);

// The names of the columns that differ ("patient_nhs, entry_keys"); empty when they agree.
// `with_keys` false: the entry_keys are not compared (a query reads the row alone).
std::string index_mismatch(const EntryIndex& stored, const EntryIndex& derived, bool with_keys = true);

// Whether an entry with this index is one a query asks for (by patient, patient id, request id).
bool index_matches(const EntryIndex& ix, const node::AuditQuery& q);

}  // namespace hidewire::audit
