// HTTPS POSTs (and FHIR search GETs) to peers' nodes and services, many at once, on one thread of libcurl multi: the thread that
// asks never waits. Every call has its own deadline (the federated query's, so none is waited
// for past it), mutual TLS with this node's client certificate and the peer's CA pinned (no
// system CAs), and the connections and TLS sessions stay open in the multi handle's cache, so
// the next query to the same peer skips the handshake. Completions run on the client's thread.
#pragma once

#include <chrono>
#include <condition_variable>
#include <deque>
#include <functional>
#include <memory>
#include <mutex>
#include <string>
#include <thread>
#include <vector>

#include "node/config_reader.hpp"

namespace hidewire::federation {

using Clock = std::chrono::steady_clock;

struct PeerCall {
  std::string url;
  bool get = false;                  // a GET (a FHIR search, e.g. PDS's Patient search): no body
  std::string body;                  // application/fhir+json
  std::vector<std::string> headers;  // "Name: value"
  node::TlsConfig tls;
  Clock::time_point deadline;
};

struct PeerReply {
  enum class Kind { Answered, TimedOut, Unreachable, TlsRefused, TooLarge, Stopped };
  Kind kind = Kind::Unreachable;
  long status = 0;      // HTTP status when answered
  std::string body;
  std::string error;    // why there was no answer
  double seconds = 0;   // from start to end
};

struct ClientLimits {
  std::size_t max_connections = 64;        // open at once, over all peers (more calls wait for one)
  std::size_t max_per_host = 16;           // to one peer
  std::size_t max_answer_bytes = 64u << 20;
};

class PeerClient {
 public:
  explicit PeerClient(ClientLimits limits = {});
  ~PeerClient();
  PeerClient(const PeerClient&) = delete;
  PeerClient& operator=(const PeerClient&) = delete;

  // Queues the call; `done` runs once on the client's thread (Stopped when the client stops first).
  void post(PeerCall call, std::function<void(PeerReply)> done);
  // Ends every call in flight (Stopped) and the thread.
  void stop();

 struct Transfer;  // one call in flight (public for libcurl's callbacks)

 private:
  void run();
  void start(std::unique_ptr<Transfer> t);
  void finish(Transfer* t, int curl_code);

  ClientLimits limits_;
  void* multi_ = nullptr;  // CURLM*
  std::mutex mu_;
  std::deque<std::unique_ptr<Transfer>> queued_;
  std::vector<std::unique_ptr<Transfer>> running_;
  bool stopping_ = false;
  std::thread thread_;
};

}  // namespace hidewire::federation
