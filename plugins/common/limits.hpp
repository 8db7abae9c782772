// What every listening source is configured with, read one way, and its limits (plain
// settings, node/listener_limits.hpp) as the transports in net/ take them.
#pragma once

#include <boost/asio/ip/tcp.hpp>

#include "net/listener.hpp"
#include "node/config_reader.hpp"
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

struct ListenerSettings {
  node::Endpoint listen;
  std::size_t max_message_bytes = 16u << 20;
  node::TlsConfig tls;  // with a ca: senders must present a certificate it signed
  node::ListenerLimits limits;
};

// `listen` (required), `max_message_bytes`, `tls`, `limits`.
inline void read_listener(node::ConfigReader& r, ListenerSettings& s) {
  r.endpoint("listen", s.listen, true);
  r.num("max_message_bytes", s.max_message_bytes, 1024, 1LL << 30);
  r.tls(s.tls);
  node::read_limits(r, s.limits);
}

inline boost::asio::ip::tcp::endpoint endpoint_of(const node::Endpoint& e) {
  return {boost::asio::ip::make_address(e.host == "localhost" ? "127.0.0.1" : e.host), e.port};
}

}  // namespace hidewire::plugins
