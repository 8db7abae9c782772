// What every source counts, for the admin endpoints (/stats, /metrics).
#pragma once

#include <atomic>
#include <cstdint>

namespace hidewire::node {

struct SourceStats {
  std::atomic<std::uint64_t> received{0}, accepted{0}, rejected{0}, duplicates{0}, unreadable{0}, reused{0}, unavailable{0};
};

}  // namespace hidewire::node
