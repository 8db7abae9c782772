// A listener's configured limits (node/listener_limits.hpp: plain settings) as the transports
// in net/ take them.
#pragma once

#include "net/listener.hpp"
#include "node/listener_limits.hpp"

namespace hidewire::plugins {

inline net::ListenerLimits to_net(const node::ListenerLimits& l) {
  net::ListenerLimits out;
  out.max_connections = l.max_connections;
  out.handshake_timeout = std::chrono::milliseconds(l.handshake_timeout_ms);
  out.idle_timeout = std::chrono::milliseconds(l.idle_timeout_ms);
  out.read_timeout = std::chrono::milliseconds(l.read_timeout_ms);
  return out;
}

}  // namespace hidewire::plugins
