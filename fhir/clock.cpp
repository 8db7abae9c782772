#include "fhir/clock.hpp"

#include <chrono>
#include <cstdio>
#include <ctime>

namespace hidewire::fhir {

namespace {
std::string instant_of(std::chrono::system_clock::time_point now) {
  std::time_t t = std::chrono::system_clock::to_time_t(now);
  auto ms = std::chrono::duration_cast<std::chrono::milliseconds>(now.time_since_epoch()).count() % 1000;
  std::tm tm{};
  gmtime_r(&t, &tm);
  char buf[80];  // room for any int the compiler cannot bound
  std::snprintf(buf, sizeof buf, "%04d-%02d-%02dT%02d:%02d:%02d.%03dZ", tm.tm_year + 1900, tm.tm_mon + 1, tm.tm_mday, tm.tm_hour,
                tm.tm_min, tm.tm_sec, static_cast<int>(ms));
  return buf;
}
}  // namespace

std::string utc_now_instant() { return instant_of(std::chrono::system_clock::now()); }

std::string utc_instant_seconds_ago(long seconds) {
  return instant_of(std::chrono::system_clock::now() - std::chrono::seconds(seconds));
}

}  // namespace hidewire::fhir
