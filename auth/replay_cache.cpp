#include "auth/replay_cache.hpp"

namespace hidewire::auth {
namespace {
// Issuer and jti joined by a byte neither holds in practice; "\x1f" + jti: remembered from the audit.
std::string key(const std::string& iss, const std::string& jti) { return iss + '\x1f' + jti; }
}  // namespace

void ReplayCache::sweep(long long now) {
  while (!by_expiry_.empty() && by_expiry_.begin()->first < now) {
    auto it = until_.find(by_expiry_.begin()->second);
    if (it != until_.end() && it->second == by_expiry_.begin()->first) until_.erase(it);
    by_expiry_.erase(by_expiry_.begin());
  }
}

bool ReplayCache::first_use(const std::string& iss, const std::string& jti, long long until, long long now) {
  std::lock_guard lock(mu_);
  sweep(now);
  if (until_.count(key("", jti))) return false;
  auto [it, fresh] = until_.emplace(key(iss, jti), until);
  if (!fresh) return false;
  by_expiry_.emplace(until, it->first);
  return true;
}

void ReplayCache::remember(const std::string& jti, long long until) {
  std::lock_guard lock(mu_);
  auto [it, fresh] = until_.emplace(key("", jti), until);
  if (!fresh) {
    if (it->second >= until) return;
    it->second = until;
  }
  by_expiry_.emplace(until, it->first);
}

std::size_t ReplayCache::size() const {
  std::lock_guard lock(mu_);
  return until_.size();
}

}  // namespace hidewire::auth
