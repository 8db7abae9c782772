#include "net/mllp/client.hpp"

#include <utility>  // before Boost 1.74's awaitable.hpp, which uses std::exchange without it

#include <boost/asio.hpp>
#include <boost/asio/ssl.hpp>

#include <optional>
#include <stdexcept>
#include <vector>

#include "net/mllp/framing.hpp"

namespace hidewire::mllp {

namespace asio = boost::asio;
using tcp = asio::ip::tcp;

struct Client::Impl {
  asio::io_context io;
  tcp::socket socket{io};
  std::optional<asio::ssl::context> tls_ctx;
  std::optional<asio::ssl::stream<tcp::socket&>> tls;
  ClientOptions opts;
  FrameDecoder decoder{64u << 20};
  std::vector<std::string> pending;

  // Runs the io_context until `done` or the timeout; a timeout cancels and reports.
  void run_for(bool& done, const char* what) {
    io.restart();
    io.run_for(opts.timeout);
    if (!done) {
      boost::system::error_code ec;
      socket.cancel(ec);
      throw std::runtime_error(std::string("mllp: timed out ") + what);
    }
  }

  template <typename Stream>
  std::string exchange(Stream& s, std::string_view message) {
    std::string out = frame(message);
    bool done = false;
    boost::system::error_code err;
    asio::async_write(s, asio::buffer(out), [&](boost::system::error_code ec, std::size_t) {
      err = ec;
      done = true;
    });
    run_for(done, "sending");
    if (err) throw std::runtime_error("mllp: send failed: " + err.message());
    char buf[65536];
    while (pending.empty()) {
      done = false;
      std::size_t got = 0;
      s.async_read_some(asio::buffer(buf), [&](boost::system::error_code ec, std::size_t n) {
        err = ec;
        got = n;
        done = true;
      });
      run_for(done, "waiting for the ACK");
      if (err) throw std::runtime_error("mllp: connection lost waiting for the ACK: " + err.message());
      std::string error;
      if (!decoder.feed(std::string_view(buf, got), pending, error)) throw std::runtime_error("mllp: " + error);
    }
    std::string ack = std::move(pending.front());
    pending.erase(pending.begin());
    return ack;
  }
};

Client::Client(const std::string& host, std::uint16_t port, const ClientOptions& opts) : impl_(std::make_unique<Impl>()) {
  impl_->opts = opts;
  tcp::resolver resolver(impl_->io);
  boost::system::error_code ec;
  auto endpoints = resolver.resolve(host, std::to_string(port), ec);
  if (ec) throw std::runtime_error("mllp: cannot resolve " + host + ": " + ec.message());
  bool done = false;
  asio::async_connect(impl_->socket, endpoints, [&](boost::system::error_code e, const tcp::endpoint&) {
    ec = e;
    done = true;
  });
  impl_->run_for(done, "connecting");
  if (ec) throw std::runtime_error("mllp: cannot connect to " + host + ":" + std::to_string(port) + ": " + ec.message());
  impl_->socket.set_option(tcp::no_delay(true));
  if (opts.tls) {
    impl_->tls_ctx.emplace(asio::ssl::context::tls_client);
    if (!opts.tls_ca_file.empty()) impl_->tls_ctx->load_verify_file(opts.tls_ca_file);
    else impl_->tls_ctx->set_default_verify_paths();
    impl_->tls_ctx->set_verify_mode(opts.tls_verify ? asio::ssl::verify_peer : asio::ssl::verify_none);
    impl_->tls.emplace(impl_->socket, *impl_->tls_ctx);
    SSL_set_tlsext_host_name(impl_->tls->native_handle(), host.c_str());
    done = false;
    impl_->tls->async_handshake(asio::ssl::stream_base::client, [&](boost::system::error_code e) {
      ec = e;
      done = true;
    });
    impl_->run_for(done, "in the TLS handshake");
    if (ec) throw std::runtime_error("mllp: TLS handshake with " + host + " failed: " + ec.message());
  }
}

Client::~Client() = default;

std::string Client::send(std::string_view message) {
  if (impl_->tls) return impl_->exchange(*impl_->tls, message);
  return impl_->exchange(impl_->socket, message);
}

}  // namespace hidewire::mllp
