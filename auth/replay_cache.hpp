// Token ids already accepted, each kept until its token's expiry (plus the clock skew), so a
// captured JWT cannot be used twice. Bounded by the tokens' lifetime: entries past their expiry
// are swept on every insert, oldest first. Thread-safe.
#pragma once

#include <map>
#include <mutex>
#include <set>
#include <string>

namespace hidewire::auth {

class ReplayCache {
 public:
  // False (and nothing recorded) when (issuer, jti) was seen before and has not expired, or the
  // jti was remembered from a previous run; otherwise records it until `until` (epoch seconds).
  bool first_use(const std::string& issuer, const std::string& jti, long long until, long long now);
  // A jti from the audit log of a previous run: refused whatever the issuer, until `until`.
  void remember(const std::string& jti, long long until);
  std::size_t size() const;

 private:
  void sweep(long long now);
  mutable std::mutex mu_;
  std::map<std::string, long long> until_;              // key -> expiry
  std::multimap<long long, std::string> by_expiry_;     // expiry -> key, for the sweep
};

}  // namespace hidewire::auth
