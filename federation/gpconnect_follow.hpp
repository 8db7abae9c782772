// Patients this node follows (docs/GPCONNECT_CONSUMER.md): every `interval` their structured
// record is fetched from their GP practice's GP Connect provider (the registered GP in this
// node's store when it is a configured provider, else the only provider configured) and handed
// to `submit`, which puts the STU3 Bundle through the intake (converted to R4, journalled,
// audited, replayable) as if the provider had sent it. Each fetch is audited (the patient, the
// provider, the outcome); nothing of the record is logged. Followed by config
// (`federation.follow`) and the admin API (POST/DELETE /follow); what the API changes is kept in
// `state_path` (0600: it names patients) so a restart follows the same patients.
#pragma once

#include <condition_variable>
#include <functional>
#include <mutex>
#include <set>
#include <string>
#include <thread>
#include <vector>

#include "federation/federated_record.hpp"

namespace hidewire::federation {

class Follower {
 public:
  // Hands one provider's STU3 record to the intake; `done(ok, what)` once its outcome is known.
  using Submit = std::function<void(const Peer& provider, std::string stu3, std::function<void(bool ok, const std::string& what)> done)>;
  // `state_path` (optional): the patients followed and stopped through the API, read at start
  // (a configured patient stopped through the API stays stopped); throws std::runtime_error
  // naming the file when it cannot be read.
  Follower(Federation& fed, node::FhirStore* store, node::AuditLog* audit, std::vector<std::string> nhs_numbers, int interval_s, Submit submit,
           std::string state_path = {});
  ~Follower();
  Follower(const Follower&) = delete;
  Follower& operator=(const Follower&) = delete;

  // False when `nhs` is not a valid NHS number (follow) or not followed (unfollow). Throws
  // std::runtime_error, changing nothing, when the state file cannot be written.
  bool follow(const std::string& nhs);
  bool unfollow(const std::string& nhs);
  std::vector<std::string> followed() const;
  // Fetches every followed patient now (the schedule's own round; tests).
  void round();
  // Ends the schedule and waits for the fetches in flight to end (their answers and intake
  // outcomes come on other threads and call back into this object).
  void stop();

  struct Counts {
    std::size_t fetched = 0, failed = 0;
  };
  Counts counts() const;

 private:
  void fetch(const std::string& nhs);
  const Peer* provider_for(const std::string& nhs) const;
  void audit(const std::string& nhs, const Peer* provider, int outcome, const std::string& text);
  // A fetch's last step: audited, and no longer in flight.
  void end(const std::string& nhs, const Peer* provider, int outcome, const std::string& text);
  void load_state(const std::vector<std::string>& configured);
  // Writes the state with `followed_`/`stopped_` as they would be after the change; mu_ held.
  void save_state(const std::set<std::string>& followed, const std::set<std::string>& stopped) const;

  Federation& fed_;
  node::FhirStore* store_;
  node::AuditLog* audit_;
  int interval_s_;
  Submit submit_;
  node::Caller self_;  // the node itself, for its own schedule
  mutable std::mutex mu_;
  std::condition_variable wake_, idle_;
  std::size_t in_flight_ = 0;
  std::set<std::string> followed_;
  std::set<std::string> configured_, stopped_;  // stopped_: configured patients stopped through the API
  std::string state_path_;
  Counts counts_;
  bool stopping_ = false, now_ = false;
  std::thread thread_;
};

}  // namespace hidewire::federation
