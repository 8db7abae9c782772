// The current time as a FHIR instant, UTC with milliseconds: 2026-11-24T09:15:02.125Z.
#pragma once

#include <string>

namespace hidewire::fhir {

std::string utc_now_instant();

}  // namespace hidewire::fhir
