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

  void start_tls(const std::string& host);

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
  if (opts.tls) impl_->start_tls(host);
}

// The server's certificate must come from a trusted CA and carry the name (or IP address) asked
// for: trusting the CA alone would let any of its certificates stand in for this peer.
void Client::Impl::start_tls(const std::string& host) {
  namespace ssl = asio::ssl;
  const ClientOptions& o = opts;
  ssl::context& ctx = tls_ctx.emplace(ssl::context::tls_client);
  ctx.set_options(ssl::context::default_workarounds | ssl::context::no_sslv2 | ssl::context::no_sslv3 | ssl::context::no_tlsv1 |
                  ssl::context::no_tlsv1_1);
  try {
    if (!o.tls_ca_file.empty()) ctx.load_verify_file(o.tls_ca_file);
    else ctx.set_default_verify_paths();
    if (!o.tls_cert_file.empty()) {
      ctx.use_certificate_chain_file(o.tls_cert_file);
      ctx.use_private_key_file(o.tls_key_file, ssl::context::pem);
    }
  } catch (const boost::system::system_error& e) {
    throw std::runtime_error("mllp: TLS files (CA " + (o.tls_ca_file.empty() ? "system store" : o.tls_ca_file) +
                             (o.tls_cert_file.empty() ? "" : ", certificate " + o.tls_cert_file + ", key " + o.tls_key_file) +
                             ") not usable: " + e.code().message());
  }
  ctx.set_verify_mode(o.tls_insecure ? ssl::verify_none : ssl::verify_peer);
  SSL* handle = tls.emplace(socket, ctx).native_handle();
  const std::string& name = o.tls_server_name.empty() ? host : o.tls_server_name;
  boost::system::error_code not_ip;
  asio::ip::make_address(name, not_ip);
  if (not_ip) SSL_set_tlsext_host_name(handle, name.c_str());  // SNI carries host names only (RFC 6066)
  if (!o.tls_insecure) {
    bool set = not_ip ? SSL_set1_host(handle, name.c_str()) == 1 : X509_VERIFY_PARAM_set1_ip_asc(SSL_get0_param(handle), name.c_str()) == 1;
    if (!set) throw std::runtime_error("mllp: cannot check the TLS server name '" + name + "'");
  }
  bool done = false;
  boost::system::error_code ec;
  tls->async_handshake(ssl::stream_base::client, [&](boost::system::error_code e) {
    ec = e;
    done = true;
  });
  run_for(done, "in the TLS handshake");
  if (ec) {
    std::string why = ec.message();
    if (long v = SSL_get_verify_result(handle); v != X509_V_OK) why += std::string(" (") + X509_verify_cert_error_string(v) + ")";
    throw std::runtime_error("mllp: TLS handshake with " + host + " failed: " + why);
  }
}

Client::~Client() = default;

std::string Client::send(std::string_view message) {
  if (impl_->tls) return impl_->exchange(*impl_->tls, message);
  return impl_->exchange(impl_->socket, message);
}

}  // namespace hidewire::mllp
