// What every hidewire listener (MLLP, the HTTP FHIR source, the FHIR API, admin) shares besides
// the accept loop: its limits, a bind that names the listener, and the bookkeeping that sheds
// connections over the limit and logs it without flooding the log.
#pragma once

#include <boost/asio/io_context.hpp>
#include <boost/asio/ip/tcp.hpp>
#include <boost/system/error_code.hpp>

#include <atomic>
#include <chrono>
#include <cstddef>
#include <cstdint>
#include <limits>
#include <memory>
#include <string>

namespace hidewire::net {

// Plain fields so configuration keys can be wired to them one to one. Without limits ~20,000
// idle connections used up the process's descriptors and a peer that never spoke was held forever.
struct ListenerLimits {
  // Connections served at once; further ones are accepted and closed at once (and logged).
  std::size_t max_connections = 1024;
  // From accepting a connection to the end of its TLS handshake.
  std::chrono::milliseconds handshake_timeout{10000};
  // Longest wait for the peer with nothing under way: for the first byte of its next message or
  // request, and for it to take an answer. 5 minutes: MLLP senders keep connections open between
  // messages and reconnect when one is closed.
  std::chrono::milliseconds idle_timeout{300000};
  // Time allowed to finish an MLLP frame or an HTTP request once its first byte has come.
  std::chrono::milliseconds read_timeout{30000};
};

// How long the accept loop waits after a failed accept (out of descriptors: EMFILE, ENFILE)
// before trying again: retrying at once only spins, the pending connection is still there.
inline constexpr std::chrono::milliseconds kAcceptBackoff{100};

// Raises the soft limit on open descriptors to the hard one (at most 2^20). The soft limit is
// often 1024, fewer than one listener's max_connections: without this the listeners' limits
// would never be reached and a flood on one port would leave none for the others.
void raise_descriptor_limit();

// Opens, binds and listens (raising the descriptor limit first); throws std::runtime_error saying which listener failed, e.g.
// "admin: cannot listen on 127.0.0.1:8081: Address already in use".
boost::asio::ip::tcp::acceptor open_acceptor(boost::asio::io_context& io, const boost::asio::ip::tcp::endpoint& at,
                                             const std::string& name);

// Logs one line at most once a second, with how many times it happened meanwhile.
class RateLimitedLog {
 public:
  void note(const std::string& what);

 private:
  std::atomic<std::int64_t> last_ns_{std::numeric_limits<std::int64_t>::min() / 2};
  std::atomic<std::uint64_t> count_{0};
};

// One listener's open connections. A Slot is held for as long as its connection is served.
class ConnectionGate : public std::enable_shared_from_this<ConnectionGate> {
 public:
  ConnectionGate(std::string name, std::size_t max_connections) : name_(std::move(name)), max_(max_connections) {}
  using Slot = std::shared_ptr<void>;
  // A slot, or null when the listener is at its limit (the refusal is logged, rate-limited).
  Slot admit();
  // A failed accept, logged rate-limited.
  void accept_failed(const boost::system::error_code& ec);
  std::size_t open() const { return open_; }
  const std::string& name() const { return name_; }

 private:
  std::string name_;
  std::size_t max_;
  std::atomic<std::size_t> open_{0};
  RateLimitedLog shed_log_, accept_log_;
};

}  // namespace hidewire::net
