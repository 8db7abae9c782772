// The SQLite journal (the embedded default): WAL with synchronous=FULL, so a committed message
// survives a crash of the process or the machine. The file is private to the node's user (0600).
#pragma once

#include <memory>
#include <mutex>
#include <string>
#include <vector>

#include "node/journal.hpp"

struct sqlite3;

namespace hidewire::sqlite {
class StmtCache;
}

namespace hidewire::plugins {

class SqliteJournal final : public node::Journal {
 public:
  // Opens (creating when needed) the journal at `path`; throws node::JournalError.
  explicit SqliteJournal(const std::string& path);
  ~SqliteJournal() override;
  SqliteJournal(const SqliteJournal&) = delete;
  SqliteJournal& operator=(const SqliteJournal&) = delete;

  std::vector<Appended> append_batch(const std::vector<const node::JournalEntry*>& entries) override;
  std::optional<node::JournalEntry> get(std::int64_t id) override;
  std::vector<node::JournalEntry> list(const std::string& status = {}, std::size_t limit = 100, std::int64_t after_id = 0,
                                       const std::string& message_id = {}) override;
  std::size_t count(const std::string& status = {}) override;
  std::vector<node::JournalEntry> search(const node::JournalQuery& q) override;
  void queue_delivered(const std::vector<std::int64_t>& ids) override;
  void flush_delivered() override;
  std::vector<node::JournalEntry> undelivered(std::int64_t after_id, std::size_t limit) override;
  void update_outcome(std::int64_t id, const std::string& status, const std::string& reason, const std::string& output) override;

 private:
  sqlite3* db_ = nullptr;
  std::unique_ptr<sqlite::StmtCache> stmts_;  // prepared once per connection
  std::mutex mu_;
  std::mutex marks_mu_;  // its own lock: queueing a mark never waits for a commit's sync
  std::vector<std::int64_t> delivered_queue_;  // under marks_mu_
  std::vector<std::int64_t> write_delivered_locked();
};

}  // namespace hidewire::plugins
