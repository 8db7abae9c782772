// The dashboard's sign-in sessions, in memory only: a random 256-bit cookie value (kept here only
// as its SHA-256, so a memory dump does not hand out sessions, and looked up by that hash, so a
// lookup's timing says nothing of other values), the caller the credential established at
// sign-in, the role, a CSRF token, an idle and an absolute timeout and a cap on how many exist.
#pragma once

#include <chrono>
#include <map>
#include <mutex>
#include <optional>
#include <string>

#include "node/caller.hpp"

namespace hidewire::dashboard {

struct SessionLimits {
  std::size_t max_sessions = 64;
  std::chrono::seconds idle{15 * 60};
  std::chrono::seconds absolute{8 * 3600};
};

struct Session {
  node::Caller caller;
  std::string role;        // admin | viewer
  std::string csrf;        // sent back in X-CSRF-Token on every non-GET
  std::string expires_at;  // the absolute end, FHIR instant (the idle one comes sooner when unused)
  std::chrono::steady_clock::time_point started, used;
};

class Sessions {
 public:
  explicit Sessions(SessionLimits limits) : limits_(limits) {}
  // A new session; `cookie` gets its value. Nullopt when the cap is reached (after ending expired ones).
  std::optional<Session> start(node::Caller caller, std::string role, std::string& cookie);
  // The session the cookie names, still valid (its idle time starts again), or nullopt.
  std::optional<Session> find(const std::string& cookie);
  void end(const std::string& cookie);
  std::size_t size();

 private:
  bool expired(const Session& s, std::chrono::steady_clock::time_point now) const;
  SessionLimits limits_;
  std::mutex mu_;
  std::map<std::string, Session> by_hash_;
};

// The value of cookie `name` in a Cookie header, or empty.
std::string cookie_value(const std::string& header, const std::string& name);

}  // namespace hidewire::dashboard
