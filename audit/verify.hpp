// Checking a whole audit log as stored: every leaf hash recomputed from its event, every entry in
// its place, the root at every signed checkpoint, each checkpoint's signature, and each checkpoint
// consistent with the next. What `hidewire audit verify` reports, the first fault named.
#pragma once

#include <cstdint>
#include <string>
#include <string_view>
#include <vector>

#include "audit/signing.hpp"

namespace hidewire::audit {

struct StoredEntry {
  std::int64_t seq = 0;
  std::string event_json;
  std::string leaf_hash;  // hex, as stored beside the event
};

struct VerifyResult {
  bool ok = true;
  std::uint64_t entries = 0, checkpoints = 0;
  std::int64_t bad_entry = 0;           // the first entry found edited, removed or reordered (0: none)
  std::uint64_t bad_checkpoint = 0;     // the size of the checkpoint that fails (0: none)
  std::string message;                  // one line: the summary, or the first fault
};

// `entries` in seq order, `checkpoints` in tree-size order, as the database gives them.
VerifyResult verify_log(const std::vector<StoredEntry>& entries, const std::vector<Checkpoint>& checkpoints, const PublicKey& key);

// The log writes each entry's position into its AuditEvent as the id, before hashing it, so an
// entry moved to another seq is found even when nothing else about it changed.
std::string with_seq(std::string_view event_json, std::int64_t seq);
// The position an event records for itself; 0 when it has none.
std::int64_t recorded_seq(std::string_view event_json);

}  // namespace hidewire::audit
