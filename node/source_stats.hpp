// What every source counts, for the admin endpoints (/stats, /metrics).
#pragma once

#include <atomic>
#include <cstdint>

namespace hidewire::node {

struct SourceStats {
  std::atomic<std::uint64_t> received{0}, accepted{0}, rejected{0}, duplicates{0}, unreadable{0}, reused{0}, unavailable{0};
  // Of the accepted: those about a patient (their Bundle holds a Patient), and of them those keyed
  // by a valid NHS number (the locality report's measure: conformance locality, docs/CONFORMANCE.md).
  std::atomic<std::uint64_t> patient_level{0}, valid_nhs_number{0};
};

}  // namespace hidewire::node
