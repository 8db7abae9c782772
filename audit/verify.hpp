// Checking a whole audit log as stored: every leaf hash recomputed from its event, every entry in
// its place, its indexed columns derived again from its event (audit/entry_index.hpp), the root at every signed checkpoint, each checkpoint's signature, and each checkpoint
// consistent with the next. What `hidewire audit verify` reports, the first fault named.
#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "audit/entry_index.hpp"
#include "audit/signing.hpp"

namespace hidewire::audit {

struct StoredEntry {
  std::int64_t seq = 0;
  std::string event_json;
  std::string leaf_hash;  // hex, as stored beside the event
  std::optional<EntryIndex> index;  // the columns and entry_keys stored beside it (unset: not checked)
};

struct VerifyResult {
  bool ok = true;
  std::uint64_t entries = 0, checkpoints = 0;
  std::int64_t bad_entry = 0;           // the first entry found edited, removed or reordered (0: none)
  std::uint64_t bad_checkpoint = 0;     // the size of the checkpoint that fails (0: none)
  std::string message;                  // one line: the summary, or the first fault
};

// Entries are given one at a time, in seq order, so a large log is never in memory whole (only
// its leaf hashes, for the consistency proofs at the end).
class LogVerifier {
 public:
  // `checkpoints` in tree-size order, as the database gives them.
  LogVerifier(std::vector<Checkpoint> checkpoints, const PublicKey& key);
  bool add(const StoredEntry& e);  // false once a fault is found: stop, and ask finish()
  VerifyResult finish();

 private:
  bool fail(std::int64_t entry, std::uint64_t checkpoint, std::string message);
  bool check_checkpoints();
  std::vector<Checkpoint> checkpoints_;
  const PublicKey& key_;
  VerifyResult r_;
  std::vector<Hash> leaves_;
  CompactRange range_;
  std::size_t next_ = 0;     // the next checkpoint to reach
  std::uint64_t good_ = 0;   // every entry up to here is covered by a checkpoint that holds
};

VerifyResult verify_log(const std::vector<StoredEntry>& entries, const std::vector<Checkpoint>& checkpoints, const PublicKey& key);

// The log writes each entry's position into its AuditEvent as the id, before hashing it, so an
// entry moved to another seq is found even when nothing else about it changed.
std::string with_seq(std::string_view event_json, std::int64_t seq);
// The fault of an entry whose indexed columns (index_mismatch's list) differ from its event.
std::string index_fault(std::int64_t seq, const std::string& columns);
// The position an event records for itself; 0 when it has none.
std::int64_t recorded_seq(std::string_view event_json);
// The id an event carries right after its first member ("812", or "812.3" for a member of a
// journal commit's entry); empty when it has none.
std::string event_id(std::string_view event_json);

}  // namespace hidewire::audit
