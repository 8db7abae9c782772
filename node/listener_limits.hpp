// Limits every listener has (plain settings; the transports in net/ apply them).
#pragma once

#include <cstddef>

namespace hidewire::node {

struct ListenerLimits {
  std::size_t max_connections = 1024;
  long long handshake_timeout_ms = 10000;  // TLS handshake
  long long idle_timeout_ms = 300000;      // no bytes between messages
  long long read_timeout_ms = 30000;       // a message once started
};

class ConfigReader;
// The optional `limits` object of a listener's settings.
void read_limits(ConfigReader& r, ListenerLimits& out);

}  // namespace hidewire::node
