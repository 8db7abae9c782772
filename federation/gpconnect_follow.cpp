#include "federation/gpconnect_follow.hpp"

#include "audit/audit_event.hpp"
#include "auth/jwt.hpp"
#include "fhir/nhs_number.hpp"
#include "log/log.hpp"

namespace hidewire::federation {

Follower::Follower(Federation& fed, node::FhirStore* store, node::AuditLog* audit, std::vector<std::string> nhs_numbers, int interval_s,
                   Submit submit, std::string state_path)
    : fed_(fed), store_(store), audit_(audit), interval_s_(interval_s), submit_(std::move(submit)), state_path_(std::move(state_path)) {
  const Settings& s = fed_.settings();
  self_.kind = node::Caller::Kind::System;
  self_.id = "gpconnect-follow";
  self_.ods_code = s.node_ods;
  self_.person_present = true;
  self_.person = {"hidewire-follow", s.node_name, ""};  // GP Connect names a requester: here the node's own schedule
  self_.purpose = "direct-care";
  self_.scope = "patient/*.read";
  load_state(nhs_numbers);
  thread_ = std::thread([this] {
    std::unique_lock lock(mu_);
    while (!stopping_) {
      lock.unlock();
      round();
      lock.lock();
      wake_.wait_for(lock, std::chrono::seconds(interval_s_), [this] { return stopping_ || now_; });
      now_ = false;
    }
  });
}

Follower::~Follower() { stop(); }

void Follower::stop() {
  {
    std::lock_guard lock(mu_);
    stopping_ = true;
  }
  wake_.notify_all();
  if (thread_.joinable()) thread_.join();
  // Each fetch ends by the federation's deadline and the intake's answer; bounded all the same,
  // so a stuck intake cannot hold the node's shutdown for ever.
  std::unique_lock lock(mu_);
  if (!idle_.wait_for(lock, std::chrono::seconds(60), [this] { return in_flight_ == 0; }))
    log::error("gpconnect follow: fetches still in flight at shutdown", {{"count", static_cast<long long>(in_flight_)}});
}

bool Follower::follow(const std::string& nhs) {
  if (!fhir::is_valid_nhs_number(nhs)) return false;
  {
    std::lock_guard lock(mu_);
    if (followed_.count(nhs)) return true;
    std::set<std::string> followed = followed_, stopped = stopped_;
    followed.insert(nhs);
    stopped.erase(nhs);
    save_state(followed, stopped);
    followed_.swap(followed);
    stopped_.swap(stopped);
    now_ = true;  // a new patient is fetched at once
  }
  wake_.notify_all();
  return true;
}

bool Follower::unfollow(const std::string& nhs) {
  std::lock_guard lock(mu_);
  if (!followed_.count(nhs)) return false;
  std::set<std::string> followed = followed_, stopped = stopped_;
  followed.erase(nhs);
  if (configured_.count(nhs)) stopped.insert(nhs);
  save_state(followed, stopped);
  followed_.swap(followed);
  stopped_.swap(stopped);
  return true;
}

std::vector<std::string> Follower::followed() const {
  std::lock_guard lock(mu_);
  return {followed_.begin(), followed_.end()};
}

Follower::Counts Follower::counts() const {
  std::lock_guard lock(mu_);
  return counts_;
}

void Follower::round() {
  for (const std::string& nhs : followed()) fetch(nhs);
}

const Peer* Follower::provider_for(const std::string& nhs) const {
  std::string gp;
  if (store_) {
    try {
      gp = registered_gp_in_store(*store_, nhs);
    } catch (const std::exception&) {
      // the store cannot be read now: the only provider, if there is one, is still asked
    }
  }
  const Peer* only = nullptr;
  std::size_t providers = 0;
  for (const Peer& p : fed_.directory().peers()) {
    if (!p.gpconnect()) continue;
    if (p.ods_code == gp) return &p;
    ++providers;
    only = &p;
  }
  return gp.empty() && providers == 1 ? only : nullptr;
}

void Follower::audit(const std::string& nhs, const Peer* p, int outcome, const std::string& text) {
  {
    std::lock_guard lock(mu_);
    ++(outcome == 0 ? counts_.fetched : counts_.failed);
  }
  if (outcome != 0) log::info("gpconnect follow: a followed patient's record was not fetched", {{"provider", p ? p->ods_code : "none"}, {"outcome", outcome}});
  if (!audit_) return;
  node::Caller c = self_;
  audit::Access a{c};
  a.interaction = "operation";
  a.query = p ? "peer=" + p->ods_code + "&url=" + p->url : "peer=none";
  a.patient_nhs = nhs;
  a.outcome = outcome;
  a.outcome_text = "followed patient: $gpc.getstructuredrecord" + (p ? " to " + p->describe() : std::string()) + ": " + text;
  a.node_ods = fed_.settings().node_ods;
  a.node_name = fed_.settings().node_name;
  audit_->append({audit::make_record(a)}, [](bool ok, const std::string& error) {
    if (!ok) log::error("gpconnect follow: a fetch could not be audited", {{"error", error}});
  });
}

void Follower::end(const std::string& nhs, const Peer* p, int outcome, const std::string& text) {
  audit(nhs, p, outcome, text);
  std::lock_guard lock(mu_);
  if (--in_flight_ == 0) idle_.notify_all();
}

void Follower::fetch(const std::string& nhs) {
  const Peer* p = provider_for(nhs);
  if (!p) return audit(nhs, nullptr, 8, "no GP Connect provider configured for the patient's registered practice");
  node::Caller c = self_;
  c.request_id = auth::random_uuid();
  {
    std::lock_guard lock(mu_);
    ++in_flight_;
  }
  fed_.fetch_structured(*p, nhs, c, [this, nhs, p](GpcResult g) {
    if (!g.ok) return end(nhs, p, g.issue.status >= 400 && g.issue.status < 500 ? 4 : 8, g.issue.text);
    submit_(*p, std::move(g.stu3), [this, nhs, p](bool ok, const std::string& what) { end(nhs, p, ok ? 0 : 8, what); });
  });
}

}  // namespace hidewire::federation
