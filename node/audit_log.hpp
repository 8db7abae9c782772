// AuditLog: every access (read, search, operation, write, export; granted, denied or failed) is
// one record, an AuditEvent shaped as IHE Basic Audit Log Patterns, appended to a log that is
// append-only and tamper-evident (plugins/audit/sqlite: an RFC 6962 Merkle tree with signed
// checkpoints; audit/merkle.hpp). Appends are group-committed: records from many threads share
// one sync, and `done` runs once they are durable, so an answer is sent only for an audited
// access. Writes that arrive as messages are audited from the journal, one entry per journal
// commit (journal_id), so they add no sync of their own: after a crash, the log catches up from
// the journal. query() gives AuditEvents, a batch's members one by one.
#pragma once

#include <cstdint>
#include <functional>
#include <string>
#include <vector>

namespace hidewire::node {

struct AuditRecord {
  std::int64_t seq = 0;       // position in the log (0 until appended); leaf index + 1
  std::string recorded;       // FHIR instant
  std::string event_json;     // the AuditEvent, exactly as hashed into the tree
  // Indexed, for "who saw my record", the GP's export and correlation between nodes:
  std::string patient_nhs;    // the patient the access was about (empty: none)
  std::string patient_id;
  std::string request_id;     // X-Request-ID
  std::string agent_ods;      // the caller's organisation
  std::string action;         // read, search, create, update, transaction, operation, export, submit, ...
  std::string outcome;        // 0 success, 4 minor failure (refused), 8 serious, 12 major
  std::string token_id;       // the JWT's jti, when there was one (replay refusal across restarts)
  std::int64_t journal_id = 0;  // a write audited from the journal (a batch: the highest)
  // A batch (the messages of one journal commit, audit/submit_record.hpp) is about several: each
  // distinct one is indexed, and a query gives back the batch's members that match.
  std::vector<std::string> batch_patients, batch_request_ids, batch_token_ids;
};

struct AuditQuery {
  std::string patient_nhs;    // any of these set narrows the search
  std::string patient_id;
  std::string request_id;
  std::string since;          // recorded >= since
  std::int64_t after_seq = 0;
  std::size_t limit = 100;
};

class AuditLog {
 public:
  virtual ~AuditLog() = default;
  // Queues the records; `done(ok, error)` runs on the log's writer thread once they are durable
  // (ok) or could not be written (a full disk): the caller must then refuse the access.
  using Done = std::function<void(bool ok, const std::string& error)>;
  virtual void append(std::vector<AuditRecord> records, Done done) = 0;
  // The same, waiting (for the CLI and start-up recovery). Throws StorageUnavailable on failure.
  virtual void append_sync(std::vector<AuditRecord> records) = 0;
  virtual std::vector<AuditRecord> query(const AuditQuery& q) = 0;
  // The highest journal id audited: start-up audits the journal entries after it.
  virtual std::int64_t journal_high_water() = 0;
  // Token ids (jti) recorded at or after `since`, to refuse a replayed token after a restart.
  virtual std::vector<std::string> token_ids_since(const std::string& since) = 0;
  // Commits what is queued and stops the writer.
  virtual void stop() = 0;
};

}  // namespace hidewire::node
