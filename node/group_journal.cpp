#include "node/group_journal.hpp"

#include <chrono>

#include "log/log.hpp"

#include <pthread.h>

namespace hidewire::node {

GroupJournal::GroupJournal(Journal& journal, OnCommitted on_committed, std::size_t max_batch)
    : journal_(journal), on_committed_(std::move(on_committed)), max_batch_(max_batch) {
  thread_ = std::thread([this] {
    pthread_setname_np(pthread_self(), "hw-journal");  // named for top -H and perf
    run();
  });
}

GroupJournal::~GroupJournal() { stop(); }

void GroupJournal::stop() {
  {
    std::lock_guard lock(mu_);
    if (stopping_) return;
    stopping_ = true;
  }
  cv_.notify_all();
  if (thread_.joinable()) thread_.join();
}

void GroupJournal::submit(JournalEntry entry, Done done) {
  {
    std::lock_guard lock(mu_);
    queue_.push_back({std::move(entry), std::move(done)});
  }
  cv_.notify_one();
}

void GroupJournal::run() {
  std::vector<Pending> batch;
  std::vector<const JournalEntry*> entries;
  for (;;) {
    batch.clear();
    {
      std::unique_lock lock(mu_);
      // Idle: the delivery marks gathered meanwhile are written on their own now and then.
      while (queue_.empty() && !stopping_) {
        if (!cv_.wait_for(lock, std::chrono::milliseconds(200), [&] { return stopping_ || !queue_.empty(); })) {
          lock.unlock();
          try {
            journal_.flush_delivered();
          } catch (const std::exception& e) {
            watch_.failed(e.what());  // the marks stay queued for the next commit
          }
          lock.lock();
        }
      }
      if (queue_.empty() && stopping_) break;
      // No waiting for more: whatever arrived during the last commit forms this batch, so a
      // lone message is not delayed and a busy node commits large batches.
      while (!queue_.empty() && batch.size() < max_batch_) {
        batch.push_back(std::move(queue_.front()));
        queue_.pop_front();
      }
    }
    entries.clear();
    for (const Pending& p : batch) entries.push_back(&p.entry);
    std::vector<Journal::Appended> results;
    std::string error;
    // A batch that cannot be written is answered Unavailable (AR / 503: the senders keep their
    // messages and send again); the writer goes on with the next batch, so the node takes
    // messages again by itself as soon as the journal can write.
    try {
      results = journal_.append_batch(entries);
      ++commits_;
      watch_.ok();
    } catch (const std::exception& e) {
      error = e.what();
      if (error.empty()) error = "journal write failed";
      watch_.failed(error);
    } catch (...) {
      error = "journal write failed";
      watch_.failed(error);
    }
    // The answers go first: the senders wait on them, and the audit of what was stored does not
    // need to precede them (audit_catch_up at start audits what a crash left unaudited).
    for (std::size_t i = 0; i < batch.size(); ++i)
      batch[i].done(error.empty() ? results[i] : Journal::Appended{}, error.empty() ? nullptr : &error, batch[i].entry);
    if (!error.empty()) continue;
    if (on_stored_) {
      std::vector<std::pair<std::int64_t, const JournalEntry*>> stored;
      for (std::size_t i = 0; i < batch.size(); ++i)
        if (!results[i].duplicate && !results[i].reused) stored.emplace_back(results[i].id, &batch[i].entry);
      if (!stored.empty()) on_stored_(stored);
    }
    std::vector<Committed> accepted;
    for (std::size_t i = 0; i < batch.size(); ++i)
      if (!results[i].duplicate && !results[i].reused && batch[i].entry.status == "accepted")
        accepted.push_back({results[i].id, std::move(batch[i].entry)});
    if (!accepted.empty() && on_committed_) on_committed_(std::move(accepted));
  }
  try {
    journal_.flush_delivered();
  } catch (const std::exception&) {
    // Recovery at the next start delivers again what was not marked; the store skips it.
  }
}

}  // namespace hidewire::node
