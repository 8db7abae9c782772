// Reading an audit log file as it is stored, read-only, for `hidewire audit` and the tests: every
// entry and checkpoint (for verification and proofs) and a patient's entries (who saw the record).
#pragma once

#include <sqlite3.h>

#include <functional>
#include <optional>
#include <string>
#include <vector>

#include "audit/signing.hpp"
#include "audit/verify.hpp"
#include "node/audit_log.hpp"

namespace hidewire::plugins {

class AuditLogReader {
 public:
  explicit AuditLogReader(const std::string& path);  // throws std::runtime_error naming the file
  ~AuditLogReader();
  AuditLogReader(const AuditLogReader&) = delete;
  AuditLogReader& operator=(const AuditLogReader&) = delete;

  // The whole log checked (audit/verify.hpp), with each entry's indexed columns and entry_keys.
  audit::VerifyResult verify(const audit::PublicKey& key);
  std::vector<audit::StoredEntry> entries();        // in seq order, with their index
  // The same one at a time (a large log is not read into memory); `each` returns false to stop.
  void each_entry(const std::function<bool(const audit::StoredEntry&)>& each);
  std::vector<audit::Hash> leaf_hashes();            // as stored, in seq order (proofs)
  std::vector<audit::Checkpoint> checkpoints();     // in tree-size order
  std::optional<audit::Checkpoint> checkpoint_at(std::uint64_t size);
  std::optional<std::string> event(std::int64_t seq);
  std::vector<node::AuditRecord> by_patient(const std::string& nhs_number);

 private:
  std::string path_;
  sqlite3* db_ = nullptr;
  bool has_keys_ = false;  // a log from before batches of journalled messages has no entry_keys
};

}  // namespace hidewire::plugins
