// Journal: every inbound message, with its outcome and the answer sent, is written durably before
// the sender is answered. Refused messages stay in it with their reason (the dead letters) and can
// be replayed. SQLite is the first implementation (plugins/journals/sqlite); nothing here is
// SQLite's, so a PostgreSQL or NATS JetStream journal can follow behind the same interface.
#pragma once

#include <cstdint>
#include <optional>
#include <stdexcept>
#include <string>
#include <vector>

namespace hidewire::node {

struct JournalError : std::runtime_error {
  using std::runtime_error::runtime_error;
};

struct JournalEntry {
  std::int64_t id = 0;
  std::string channel;     // the source's name, e.g. "pas-mllp"
  std::string format;      // the converter that reads it (hl7v2, fhir): replay uses the same
  std::string sender;      // MSH-3^MSH-4 for HL7 v2
  std::string message_id;  // MSH-10, a body's SHA-256; empty when it could not be read
  std::string content_hash;  // SHA-256 of raw: tells a resend from a reused control id
  std::string event;       // the message type (ADT^A01) when the format has one, for routing
  std::string status;      // accepted | rejected | failed
  std::string reason;      // why rejected or failed
  std::string raw;         // the message as received
  std::string ack;         // the answer sent back
  std::string output;      // the FHIR Bundle produced, when accepted
  std::string received_at; // UTC, ISO 8601
  std::string caller;      // who sent it (node/caller_json.hpp): the audit of writes and replays read it
  std::string nhs_number;  // the patient's, as the converter read it (empty: none valid), for the message browser
  bool reuse_allowed = false;  // not stored: journal it even when its control id is taken (in its place, in order)
};

// A search of the message browser: every set condition must hold; newest first.
struct JournalQuery {
  std::string message_id, nhs_number, channel, event;
  std::string status;          // accepted, rejected, failed, held; or delivered: accepted and marked delivered
  std::string from, to;        // received_at in [from, to], ISO 8601 compared as text; empty: open
  std::int64_t before_id = 0;  // paging: entries below this id (the last of the previous page); 0: from the newest
  std::size_t limit = 50;
};

class Journal {
 public:
  virtual ~Journal() = default;

  // One result per entry of append_batch. An entry whose channel, sender and message id are
  // already journalled with the same content is a resend: not stored again, and its result
  // carries the first answer. With other content (a reused control id) it is `reused` and not
  // stored, unless the entry allows reuse: then it is stored, with `reuse_of`.
  struct Appended {
    std::int64_t id = 0;
    bool duplicate = false;
    bool reused = false;  // same control id, different content: the first entry's id, ack, status
    std::string ack;      // the first answer, for duplicates
    std::string status;   // the first outcome (accepted, rejected, failed), for duplicates
    std::int64_t reuse_of = 0;  // stored although this earlier entry has its control id (reuse_allowed)
  };
  // Stores the entries durably, together (one sync for them all: the group commit); queued
  // delivery marks are written in the same commit. Throws StorageUnavailable when it
  // cannot write now (a full disk: kept marks go with the next commit), another error otherwise.
  virtual std::vector<Appended> append_batch(const std::vector<const JournalEntry*>& entries) = 0;
  virtual std::optional<JournalEntry> get(std::int64_t id) = 0;
  // Entries with the status and message id (any when empty) and id above `after_id`, in order,
  // at most `limit`. A message id is looked up through its index, wherever it is in the journal.
  virtual std::vector<JournalEntry> list(const std::string& status = {}, std::size_t limit = 100, std::int64_t after_id = 0,
                                         const std::string& message_id = {}) = 0;
  virtual std::size_t count(const std::string& status = {}) = 0;
  // Entries matching the query, newest first, without raw, ack and output (a page of summaries).
  virtual std::vector<JournalEntry> search(const JournalQuery& q) = 0;
  // Delivery state: a message is marked once every destination has it. Marks ride on the next
  // append_batch (or flush_delivered when idle); one lost in a crash means the message is
  // delivered again at start-up (the store applies it once by its key).
  virtual void queue_delivered(const std::vector<std::int64_t>& ids) = 0;
  virtual void flush_delivered() = 0;
  // Accepted entries not marked delivered, after `after_id`, in order, at most `limit`.
  virtual std::vector<JournalEntry> undelivered(std::int64_t after_id, std::size_t limit) = 0;
  // Replaces an entry's outcome (a replay, a dead letter).
  virtual void update_outcome(std::int64_t id, const std::string& status, const std::string& reason, const std::string& output) = 0;
};

}  // namespace hidewire::node
