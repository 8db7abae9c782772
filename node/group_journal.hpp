// Group commit of inbound messages. Sources hand entries in from any thread; one writer thread
// journals whatever has gathered since its last commit in one SQLite transaction (one sync for
// the lot), then answers each submitter and hands the accepted entries on for delivery. So no
// message is acknowledged before it is durable, yet many connections share each sync.
#pragma once

#include <atomic>
#include <condition_variable>
#include <cstdint>
#include <deque>
#include <functional>
#include <mutex>
#include <string>
#include <thread>
#include <vector>

#include "node/journal.hpp"
#include "node/storage.hpp"

namespace hidewire::node {

struct Committed {
  std::int64_t id;
  JournalEntry entry;
};

class GroupJournal {
 public:
  // `error` is null when the entry is in the journal (or was already: result.duplicate). The
  // entry may be taken (moved from) unless it was accepted and stored: that one goes on to routing.
  using Done = std::function<void(const Journal::Appended& result, const std::string* error, JournalEntry& entry)>;
  using OnCommitted = std::function<void(std::vector<Committed>&& accepted)>;

  // Every entry newly stored (not a resend), whatever its outcome: the audit of writes.
  using OnStored = std::function<void(const std::vector<std::pair<std::int64_t, const JournalEntry*>>& stored)>;

  GroupJournal(Journal& journal, OnCommitted on_committed, std::size_t max_batch = 1024);
  // Set before the first submit.
  void on_stored(OnStored f) { on_stored_ = std::move(f); }
  ~GroupJournal();
  GroupJournal(const GroupJournal&) = delete;
  GroupJournal& operator=(const GroupJournal&) = delete;

  // Queues the entry; `done` runs on the writer thread once it is committed (or failed).
  void submit(JournalEntry entry, Done done);
  // Commits what is queued, then ends the writer.
  void stop();
  std::uint64_t commits() const { return commits_; }
  // False from a failed commit until the next one succeeds: messages are being refused meanwhile.
  bool writable() const { return watch_.writable(); }

 private:
  struct Pending {
    JournalEntry entry;
    Done done;
  };
  void run();

  Journal& journal_;
  OnCommitted on_committed_;
  OnStored on_stored_;
  std::size_t max_batch_;
  std::mutex mu_;
  std::condition_variable cv_;
  std::deque<Pending> queue_;
  bool stopping_ = false;
  std::atomic<std::uint64_t> commits_{0};
  StorageWatch watch_{"journal", "refusing new messages (AR, 503) until it can"};
  std::thread thread_;
};

}  // namespace hidewire::node
