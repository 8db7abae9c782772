// The accept loop shared by hidewire's servers (MLLP, HTTP): each connection gets its own
// coroutine; the loop ends when the acceptor is closed.
#pragma once

#include <boost/asio/awaitable.hpp>
#include <boost/asio/co_spawn.hpp>
#include <boost/asio/detached.hpp>
#include <boost/asio/ip/tcp.hpp>
#include <boost/asio/redirect_error.hpp>
#include <boost/asio/use_awaitable.hpp>

#include <atomic>

namespace hidewire::net {

template <typename MakeSession>
boost::asio::awaitable<void> accept_loop(boost::asio::ip::tcp::acceptor& acceptor, const std::atomic<bool>& stopped,
                                         MakeSession make_session) {
  namespace asio = boost::asio;
  while (!stopped) {
    boost::system::error_code ec;
    asio::ip::tcp::socket s = co_await acceptor.async_accept(asio::redirect_error(asio::use_awaitable, ec));
    if (ec) {
      if (stopped || ec == asio::error::operation_aborted) co_return;
      continue;  // a failed accept (e.g. out of descriptors) must not stop the server
    }
    asio::co_spawn(acceptor.get_executor(), make_session(std::move(s)), asio::detached);
  }
}

}  // namespace hidewire::net
