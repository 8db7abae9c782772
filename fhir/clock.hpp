// The current time as a FHIR instant, UTC with milliseconds: 2026-11-24T09:15:02.125Z.
#pragma once

#include <string>

namespace hidewire::fhir {

std::string utc_now_instant();
// The instant `seconds` ago, written the same way (for "since" bounds on stored instants).
std::string utc_instant_seconds_ago(long seconds);

}  // namespace hidewire::fhir
