// The durable journal (SQLite in WAL mode, synchronous=FULL): every inbound message is written,
// with its outcome and the acknowledgement sent, before the sender is acknowledged. Rejected
// messages stay in it with their reason (the dead-letter store) and can be replayed.
#pragma once

#include <cstdint>
#include <memory>
#include <mutex>
#include <optional>
#include <stdexcept>
#include <string>
#include <vector>

struct sqlite3;

namespace hidewire::router {
class StmtCache;
}

namespace hidewire::router {

struct JournalError : std::runtime_error {
  using std::runtime_error::runtime_error;
};

struct JournalEntry {
  std::int64_t id = 0;
  std::string channel;     // source channel name, e.g. "pas-mllp"
  std::string sender;      // MSH-3^MSH-4 for HL7 v2
  std::string message_id;  // MSH-10; empty when it could not be read
  std::string status;      // accepted | rejected
  std::string reason;      // why rejected (content or syntax errors)
  std::string raw;         // the message as received
  std::string ack;         // the acknowledgement sent back
  std::string output;      // the FHIR Bundle produced, when accepted
  std::string received_at; // UTC, ISO 8601
  std::string event;       // not stored: the v2 message type (ADT^A01) when the source knew it, for routing
};

class Journal {
 public:
  // Opens (creating when needed) the journal at `path`; throws JournalError.
  explicit Journal(const std::string& path);
  ~Journal();
  Journal(const Journal&) = delete;
  Journal& operator=(const Journal&) = delete;

  // Stores the entries durably (committed and synced when this returns), in one transaction
  // (one sync for them all: the group commit). An entry whose channel, sender and message id are
  // already in the journal (a resend, also one earlier in the same batch) is not stored again:
  // its result says duplicate and carries the first answer.
  // Delivery marks queued with queue_delivered() are written in the same transaction.
  struct Appended {
    std::int64_t id = 0;
    bool duplicate = false;
    std::string ack;     // the first answer, for duplicates
    std::string status;  // the first outcome (accepted, rejected, failed), for duplicates
  };
  std::vector<Appended> append_batch(const std::vector<const JournalEntry*>& entries);
  std::optional<JournalEntry> get(std::int64_t id);
  // Entries with the status and message id (any when empty) and id above `after_id`, in order,
  // at most `limit`. A message id is looked up through its index, wherever it is in the journal.
  std::vector<JournalEntry> list(const std::string& status = {}, std::size_t limit = 100, std::int64_t after_id = 0,
                                 const std::string& message_id = {});
  std::size_t count(const std::string& status = {});
  // Delivery state: set once every destination has the message; entries accepted but not
  // delivered (a crash between the two) are delivered again at start-up.
  // Marks are written with the next append_batch (or flush_delivered when idle): one lost in a
  // crash means the message is delivered again at start-up; the store skips it by its key,
  // remote destinations may get it twice (delivery to them is at least once).
  void queue_delivered(const std::vector<std::int64_t>& ids);
  void flush_delivered();
  // Accepted entries not marked delivered, after `after_id`, in order, at most `limit`.
  std::vector<JournalEntry> undelivered(std::int64_t after_id, std::size_t limit);
  // Replaces a rejected entry's outcome after a successful replay.
  void update_outcome(std::int64_t id, const std::string& status, const std::string& reason, const std::string& output);

 private:
  sqlite3* db_ = nullptr;
  std::unique_ptr<StmtCache> stmts_;  // prepared once per connection
  std::mutex mu_;
  std::mutex marks_mu_;  // its own lock: queueing a mark never waits for a commit's sync
  std::vector<std::int64_t> delivered_queue_;  // under marks_mu_
  void write_delivered_locked();
};

}  // namespace hidewire::router
