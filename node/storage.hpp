// Storage that cannot write for now (a full disk, an I/O error, a database locked too long) is
// not a refusal of the content: whoever hit it tries again later (the intake answers AR / 503,
// the store's deliveries are retried with backoff), and nothing is dead-lettered for it.
#pragma once

#include <atomic>
#include <stdexcept>
#include <utility>
#include <string>

namespace hidewire::node {

// Thrown by a journal or store when a write may succeed later. Content errors are not this.
struct StorageUnavailable : std::runtime_error {
  using std::runtime_error::runtime_error;
};

// The node's log line about its storage (one place, so another logger is one change).
void storage_log(const std::string& line);

// Whether one storage (the journal, the store) could write the last time it tried. Says so in the
// log once when it stops and once when it resumes, not at every failed try.
class StorageWatch {
 public:
  // `meanwhile`: what the node does while it cannot write, for the log.
  StorageWatch(std::string what, std::string meanwhile) : what_(std::move(what)), meanwhile_(std::move(meanwhile)) {}
  void failed(const std::string& why);
  void ok();
  bool writable() const { return !down_; }

 private:
  std::string what_, meanwhile_;
  std::atomic<bool> down_{false};
};

}  // namespace hidewire::node
