#include "net/mllp/server.hpp"

#include <utility>  // before Boost 1.74's awaitable.hpp, which uses std::exchange without it

#include "net/accept_loop.hpp"
#include "net/tls_server.hpp"

#include <boost/asio/co_spawn.hpp>
#include <boost/asio/detached.hpp>
#include <boost/asio/post.hpp>
#include <boost/asio/redirect_error.hpp>
#include <boost/asio/read.hpp>
#include <boost/asio/ssl.hpp>
#include <boost/asio/use_awaitable.hpp>
#include <boost/asio/write.hpp>
#include <boost/beast/core/tcp_stream.hpp>
#include <boost/beast/ssl/ssl_stream.hpp>

#include <optional>

#include "log/log.hpp"
#include "net/mllp/framing.hpp"

namespace hidewire::mllp {

namespace asio = boost::asio;
namespace beast = boost::beast;
using tcp = asio::ip::tcp;
using Clock = std::chrono::steady_clock;

struct Server::Impl : std::enable_shared_from_this<Server::Impl> {
  Impl(asio::io_context& io, const tcp::endpoint& at, ConnectionFrameHandler h, FrameErrorHandler e, const ServerOptions& o)
      : acceptor(net::open_acceptor(io, at, o.name)),
        handler(std::move(h)),
        on_error(std::move(e)),
        opts(o),
        gate(std::make_shared<net::ConnectionGate>(o.name, o.limits.max_connections)) {
    if (!o.tls_cert_file.empty() || !o.tls_key_file.empty())
      tls = net::make_server_tls({o.tls_cert_file, o.tls_key_file, o.tls_client_ca_file});
  }

  // Hands every frame of one read to the handler at once and resumes the connection's coroutine
  // with all the answers, in frame order, once the last has come (from whichever thread). A
  // sender that pipelines its messages so has them share a group commit rather than one each.
  template <typename Token>
  auto async_handle(Connection& conn, const std::vector<std::string>& frames, Token&& token) {
    return asio::async_initiate<Token, void(std::vector<std::string>)>(
        [this, &conn, &frames](auto completion) {
          struct Pending {
            std::vector<std::string> acks;
            std::atomic<std::size_t> left;
            explicit Pending(std::size_t n) : acks(n), left(n) {}
          };
          auto ex = asio::get_associated_executor(completion, acceptor.get_executor());
          auto done = std::make_shared<decltype(completion)>(std::move(completion));
          auto pending = std::make_shared<Pending>(frames.size());
          for (std::size_t i = 0; i < frames.size(); ++i)
            handler(conn, frames[i], [ex, done, pending, i](std::string ack) {
              pending->acks[i] = std::move(ack);
              if (--pending->left == 0)  // the last answer: its writes to acks happened before
                asio::post(ex, [done, pending]() mutable { (*done)(std::move(pending->acks)); });
            });
        },
        token);
  }

  // One connection: read, decode frames, answer them in order. Between frames the peer has the
  // idle timeout to start the next; once a frame has started, the read timeout to finish it.
  template <typename Stream>
  asio::awaitable<void> serve(Stream& stream, Connection& conn) {
    beast::tcp_stream& lowest = beast::get_lowest_layer(stream);
    FrameDecoder decoder(opts.max_frame_bytes);
    std::vector<std::string> frames;
    char buf[65536];
    std::optional<Clock::time_point> frame_started;
    while (!stopped) {
      if (frame_started) lowest.expires_at(*frame_started + opts.limits.read_timeout);
      else lowest.expires_after(opts.limits.idle_timeout);
      std::size_t n = co_await stream.async_read_some(asio::buffer(buf), asio::use_awaitable);
      std::string error;
      frames.clear();
      bool ok = decoder.feed(std::string_view(buf, n), frames, error);
      if (!decoder.in_frame()) frame_started.reset();
      else if (!frames.empty() || !frame_started) frame_started = Clock::now();  // a frame began in this read
      if (!frames.empty()) {
        lowest.expires_never();  // the handler answers once the journal has the message
        std::vector<std::string> acks = co_await async_handle(conn, frames, asio::use_awaitable);
        std::string out;
        for (const std::string& a : acks) out += frame(a);
        frames_handled += acks.size();
        lowest.expires_after(opts.limits.idle_timeout);
        co_await asio::async_write(stream, asio::buffer(out), asio::use_awaitable);
        if (conn.close_after_answer) co_return;
      }
      if (!ok) {
        std::string ar = frame(on_error(error));
        lowest.expires_after(opts.limits.idle_timeout);
        co_await asio::async_write(stream, asio::buffer(ar), asio::use_awaitable);
        co_return;  // the stream cannot be resynchronised safely
      }
    }
  }

  asio::awaitable<void> session(tcp::socket socket) {
    auto self = shared_from_this();
    try {
      socket.set_option(tcp::no_delay(true));
      Connection conn;
      boost::system::error_code ec;
      tcp::endpoint remote = socket.remote_endpoint(ec);
      if (!ec) conn.peer_address = remote.address().to_string() + ":" + std::to_string(remote.port());
      if (tls) {
        beast::ssl_stream<beast::tcp_stream> s(beast::tcp_stream(std::move(socket)), *tls);
        beast::get_lowest_layer(s).expires_after(opts.limits.handshake_timeout);
        co_await s.async_handshake(asio::ssl::stream_base::server, asio::use_awaitable);
        conn.peer_cert = net::peer_cert_of(s.native_handle());
        co_await serve(s, conn);
      } else {
        beast::tcp_stream s(std::move(socket));
        co_await serve(s, conn);
      }
    } catch (const boost::system::system_error& e) {
      // Peer closed or reset, or timed out: normal ends of a connection. Anything else is logged.
      if (e.code() != asio::error::eof && e.code() != asio::error::connection_reset && e.code() != asio::error::operation_aborted &&
          e.code() != asio::ssl::error::stream_truncated && e.code() != beast::error::timeout)
        log::warn(opts.name + ": connection ended", {{"error", e.code().message()}});
    }
  }

  asio::awaitable<void> accept_loop() {
    auto self = shared_from_this();
    co_await net::accept_loop(acceptor, stopped, gate, [this](tcp::socket s) { return session(std::move(s)); });
  }

  tcp::acceptor acceptor;
  ConnectionFrameHandler handler;
  FrameErrorHandler on_error;
  ServerOptions opts;
  std::shared_ptr<net::ConnectionGate> gate;
  std::unique_ptr<asio::ssl::context> tls;
  std::atomic<bool> stopped{false};
  std::atomic<std::uint64_t> frames_handled{0};
};

Server::Server(asio::io_context& io, const tcp::endpoint& at, ConnectionFrameHandler handler, FrameErrorHandler on_error,
               const ServerOptions& opts)
    : impl_(std::make_shared<Impl>(io, at, std::move(handler), std::move(on_error), opts)) {
  asio::co_spawn(io, impl_->accept_loop(), asio::detached);
}

Server::Server(asio::io_context& io, const tcp::endpoint& at, AsyncFrameHandler handler, FrameErrorHandler on_error,
               const ServerOptions& opts)
    : Server(io, at, ConnectionFrameHandler([h = std::move(handler)](Connection&, std::string_view m, Reply reply) { h(m, std::move(reply)); }),
             std::move(on_error), opts) {}

Server::Server(asio::io_context& io, const tcp::endpoint& at, FrameHandler handler, FrameErrorHandler on_error,
               const ServerOptions& opts)
    : Server(io, at, ConnectionFrameHandler([h = std::move(handler)](Connection&, std::string_view m, Reply reply) { reply(h(m)); }),
             std::move(on_error), opts) {}

Server::~Server() { stop(); }

std::uint16_t Server::port() const { return impl_->acceptor.local_endpoint().port(); }

void Server::stop() {
  impl_->stopped = true;
  boost::system::error_code ec;
  impl_->acceptor.close(ec);
}

std::uint64_t Server::frames_handled() const { return impl_->frames_handled; }

}  // namespace hidewire::mllp
