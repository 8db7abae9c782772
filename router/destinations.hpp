// Delivering one payload to one destination that is not the local store: a file, an HTTP FHIR
// endpoint (libcurl, with the destination's timeout and TLS) or an MLLP peer.
#pragma once

#include <cstdint>
#include <string>

#include "router/config.hpp"

namespace hidewire::router {

enum class Outcome { Delivered, Rejected, Retry };  // Rejected: retrying cannot help (a 4xx, an AE/AR)

// `payload` is the FHIR Bundle (JSON), or the raw v2 message for MLLP destinations.
Outcome deliver_to(const DestinationConfig& d, std::int64_t journal_id, const std::string& payload, std::string& error);

}  // namespace hidewire::router
