// The accept loop shared by hidewire's servers (MLLP, HTTP): each connection gets its own
// coroutine, holding a slot of the listener's ConnectionGate while it runs; the loop ends when
// the acceptor is closed.
#pragma once

#include <boost/asio/awaitable.hpp>
#include <boost/asio/co_spawn.hpp>
#include <boost/asio/ip/tcp.hpp>
#include <boost/asio/redirect_error.hpp>
#include <boost/asio/steady_timer.hpp>
#include <boost/asio/strand.hpp>
#include <boost/asio/use_awaitable.hpp>

#include <atomic>
#include <exception>
#include <memory>

#include "net/listener.hpp"

namespace hidewire::net {

template <typename MakeSession>
boost::asio::awaitable<void> accept_loop(boost::asio::ip::tcp::acceptor& acceptor, const std::atomic<bool>& stopped,
                                         std::shared_ptr<ConnectionGate> gate, MakeSession make_session) {
  namespace asio = boost::asio;
  asio::steady_timer backoff(acceptor.get_executor());
  while (!stopped) {
    boost::system::error_code ec;
    // Each connection on a strand of its own: its I/O and its timeout timer (beast::tcp_stream)
    // never run at once on the io_context's several threads.
    asio::ip::tcp::socket s =
        co_await acceptor.async_accept(asio::make_strand(acceptor.get_executor()), asio::redirect_error(asio::use_awaitable, ec));
    if (ec) {
      if (stopped || ec == asio::error::operation_aborted) co_return;
      // Out of descriptors (EMFILE, ENFILE) or memory: the connection stays queued and an
      // immediate retry fails the same way, so wait for sessions to end and free some.
      gate->accept_failed(ec);
      backoff.expires_after(kAcceptBackoff);
      co_await backoff.async_wait(asio::redirect_error(asio::use_awaitable, ec));
      continue;
    }
    ConnectionGate::Slot slot = gate->admit();
    if (!slot) {
      s.close(ec);  // over the limit: closed at once, the peer sees its connection end
      continue;
    }
    // The slot is given back when the session ends, however it ends.
    auto on_strand = s.get_executor();
    asio::co_spawn(on_strand, make_session(std::move(s)), [slot = std::move(slot)](std::exception_ptr) {});
  }
}

}  // namespace hidewire::net
