// Tells a patient's registered GP practice that their record was reached by break-glass: a FHIR
// Communication (the reason, who, when, and the privacy-alert AuditEvent attached) POSTed to the
// practice's node (`peers[]` url, with this node's client certificate), on a thread of its own
// with retries, so the access itself never waits for the practice's node.
#pragma once

#include <condition_variable>
#include <deque>
#include <mutex>
#include <string>
#include <thread>
#include <vector>

#include "api/fhir_api.hpp"
#include "node/config.hpp"

namespace hidewire::cli {

class BreakGlassNotifier {
 public:
  BreakGlassNotifier(const node::NodeConfig& cfg);
  ~BreakGlassNotifier();
  void notify(const http::BreakGlassAlert& alert);
  void stop();

 private:
  struct Job {
    std::string url, body;
    node::TlsConfig tls;
    int attempts = 0;
  };
  void run();
  bool post(const Job& job, std::string& why);

  const node::NodeConfig& cfg_;
  std::mutex mu_;
  std::condition_variable cv_;
  std::deque<Job> queue_;
  bool stopping_ = false;
  std::thread thread_;
};

// The Communication sent (exposed for tests).
std::string break_glass_communication(const http::BreakGlassAlert& alert, const std::string& node_ods, const std::string& node_name,
                                      const std::string& sent_at);

}  // namespace hidewire::cli
