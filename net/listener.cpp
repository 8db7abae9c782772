#include "net/listener.hpp"

#include "log/log.hpp"

#include <sys/resource.h>

#include <algorithm>
#include <iostream>
#include <stdexcept>

namespace hidewire::net {

namespace asio = boost::asio;
using tcp = asio::ip::tcp;

void raise_descriptor_limit() {
  rlimit r{};
  if (getrlimit(RLIMIT_NOFILE, &r) != 0) return;
  rlim_t wanted = std::min<rlim_t>(r.rlim_max, 1u << 20);  // the hard limit may be "unlimited"
  if (r.rlim_cur >= wanted) return;
  r.rlim_cur = wanted;
  setrlimit(RLIMIT_NOFILE, &r);  // if refused, the accept loop's backoff still copes
}

tcp::acceptor open_acceptor(asio::io_context& io, const tcp::endpoint& at, const std::string& name) {
  raise_descriptor_limit();
  tcp::acceptor a(io);
  boost::system::error_code ec;
  // As tcp::acceptor(io, at) does, but each step's error names the listener and its address.
  a.open(at.protocol(), ec);
  if (!ec) a.set_option(tcp::acceptor::reuse_address(true), ec);
  if (!ec) a.bind(at, ec);
  if (!ec) a.listen(asio::socket_base::max_listen_connections, ec);
  if (ec) {
    std::string host = at.address().is_v6() ? "[" + at.address().to_string() + "]" : at.address().to_string();
    throw std::runtime_error(name + ": cannot listen on " + host + ":" + std::to_string(at.port()) + ": " + ec.message());
  }
  return a;
}

void RateLimitedLog::note(const std::string& what) {
  using namespace std::chrono;
  std::uint64_t n = ++count_;
  std::int64_t now = duration_cast<nanoseconds>(steady_clock::now().time_since_epoch()).count();
  std::int64_t last = last_ns_;
  if (now - last < duration_cast<nanoseconds>(seconds(1)).count() || !last_ns_.compare_exchange_strong(last, now)) return;
  n = count_.exchange(0);
  log::warn(what + (n > 1 ? " (" + std::to_string(n) + " times since the last such line)" : std::string()));
}

ConnectionGate::Slot ConnectionGate::admit() {
  if (++open_ > max_) {
    --open_;
    shed_log_.note(name_ + ": refused a connection: at the limit of " + std::to_string(max_) + " open connections");
    return nullptr;
  }
  return Slot(this, [self = shared_from_this()](void*) { --self->open_; });
}

void ConnectionGate::accept_failed(const boost::system::error_code& ec) {
  accept_log_.note(name_ + ": cannot accept connections: " + ec.message() + "; trying again every " +
                   std::to_string(kAcceptBackoff.count()) + " ms");
}

}  // namespace hidewire::net
