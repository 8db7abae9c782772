// Sink: where routed messages go (the local FHIR store, an HTTP FHIR server, an MLLP peer, files).
// Local sinks are delivered to in batches on the node's local worker (the store commits a batch
// in one transaction); every other sink has a worker of its own that retries with backoff, so a
// peer that is down holds up only its own messages. Each outcome keeps its reason.
#pragma once

#include <cstdint>
#include <string>
#include <vector>

#include "node/journal.hpp"

namespace hidewire::node {

struct RetryPolicy {
  int max_attempts = 8;  // 0: until delivered
  int initial_backoff_ms = 500;
  int max_backoff_ms = 60000;
};

struct DeliveryResult {
  enum class Status {
    Delivered,
    Retry,     // may succeed later (timeout, 5xx, a full disk): tried again with backoff
    Rejected,  // retrying cannot help (4xx, AE): dead-lettered with the reason
  };
  Status status = Status::Retry;
  std::string reason;
};

class ConfigReader;
// The optional `retry` object of a destination's settings.
void read_retry(ConfigReader& r, RetryPolicy& out);

struct Parcel {
  std::int64_t journal_id;
  const JournalEntry* entry;  // raw message and converted Bundle (output)
};

class Sink {
 public:
  virtual ~Sink() = default;
  virtual const std::string& name() const = 0;
  virtual bool local() const { return false; }
  virtual const RetryPolicy& retry() const = 0;
  // One result per parcel, in order. Remote sinks are handed one parcel at a time.
  virtual std::vector<DeliveryResult> deliver(const std::vector<Parcel>& parcels) = 0;
};

}  // namespace hidewire::node
