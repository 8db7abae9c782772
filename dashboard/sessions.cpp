#include "dashboard/sessions.hpp"

#include <chrono>
#include <ctime>
#include <iterator>
#include <stdexcept>

#include <openssl/rand.h>

#include "node/intake.hpp"

namespace hidewire::dashboard {
namespace {

std::string random_hex(std::size_t bytes) {
  std::string raw(bytes, '\0');
  if (RAND_bytes(reinterpret_cast<unsigned char*>(raw.data()), static_cast<int>(bytes)) != 1) throw std::runtime_error("no random bytes");
  static const char* digits = "0123456789abcdef";
  std::string out;
  for (unsigned char c : raw) {
    out += digits[c >> 4];
    out += digits[c & 15];
  }
  return out;
}

std::string instant_after(std::chrono::seconds s) {
  std::time_t t = std::chrono::system_clock::to_time_t(std::chrono::system_clock::now() + s);
  std::tm tm{};
  gmtime_r(&t, &tm);
  char buf[32];
  std::strftime(buf, sizeof buf, "%Y-%m-%dT%H:%M:%SZ", &tm);
  return buf;
}

}  // namespace

bool Sessions::expired(const Session& s, std::chrono::steady_clock::time_point now) const {
  return now - s.used > limits_.idle || now - s.started > limits_.absolute;
}

std::optional<Session> Sessions::start(node::Caller caller, std::string role, std::string& cookie) {
  auto now = std::chrono::steady_clock::now();
  std::lock_guard lock(mu_);
  for (auto it = by_hash_.begin(); it != by_hash_.end();) it = expired(it->second, now) ? by_hash_.erase(it) : std::next(it);
  if (by_hash_.size() >= limits_.max_sessions) return std::nullopt;
  cookie = random_hex(32);
  Session s{std::move(caller), std::move(role), random_hex(32), instant_after(limits_.absolute), now, now};
  by_hash_[node::sha256_hex(cookie)] = s;
  return s;
}

std::optional<Session> Sessions::find(const std::string& cookie) {
  if (cookie.size() != 64) return std::nullopt;
  auto now = std::chrono::steady_clock::now();
  std::lock_guard lock(mu_);
  auto it = by_hash_.find(node::sha256_hex(cookie));
  if (it == by_hash_.end()) return std::nullopt;
  if (expired(it->second, now)) {
    by_hash_.erase(it);
    return std::nullopt;
  }
  it->second.used = now;
  return it->second;
}

void Sessions::end(const std::string& cookie) {
  std::lock_guard lock(mu_);
  by_hash_.erase(node::sha256_hex(cookie));
}

std::size_t Sessions::size() {
  std::lock_guard lock(mu_);
  return by_hash_.size();
}

std::string cookie_value(const std::string& header, const std::string& name) {
  std::size_t pos = 0;
  while (pos < header.size()) {
    std::size_t end = header.find(';', pos);
    if (end == std::string::npos) end = header.size();
    std::size_t b = header.find_first_not_of(' ', pos);
    if (b < end) {
      std::string_view part(header.data() + b, end - b);
      if (part.size() > name.size() && part.substr(0, name.size()) == name && part[name.size()] == '=')
        return std::string(part.substr(name.size() + 1));
    }
    pos = end + 1;
  }
  return {};
}

}  // namespace hidewire::dashboard
