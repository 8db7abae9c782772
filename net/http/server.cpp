#include <utility>  // before Boost 1.74's awaitable.hpp, which uses std::exchange without it

#include "net/http/server.hpp"

#include "log/log.hpp"
#include "net/accept_loop.hpp"
#include "net/tls_server.hpp"

#include <boost/asio/co_spawn.hpp>
#include <boost/asio/detached.hpp>
#include <boost/asio/post.hpp>
#include <boost/asio/redirect_error.hpp>
#include <boost/asio/use_awaitable.hpp>
#include <boost/beast/core.hpp>
#include <boost/beast/http.hpp>
#include <boost/beast/ssl.hpp>
#include <openssl/x509.h>

#include <chrono>

namespace hidewire::http {

namespace asio = boost::asio;
namespace beast = boost::beast;
using tcp = asio::ip::tcp;

const std::string& Request::header(const std::string& lower_case_name) const {
  static const std::string none;
  auto it = headers.find(lower_case_name);
  return it == headers.end() ? none : it->second;
}

std::string url_decode(std::string_view s) {
  std::string out;
  for (std::size_t i = 0; i < s.size(); ++i) {
    if (s[i] == '+') out += ' ';
    else if (s[i] == '%' && i + 2 < s.size() && std::isxdigit(static_cast<unsigned char>(s[i + 1])) &&
             std::isxdigit(static_cast<unsigned char>(s[i + 2]))) {
      out += static_cast<char>(std::stoi(std::string(s.substr(i + 1, 2)), nullptr, 16));
      i += 2;
    } else {
      out += s[i];
    }
  }
  return out;
}

namespace {

Request to_request(const beast::http::request<beast::http::string_body>& r, const std::string& base, const std::string& peer,
                   const net::PeerCert& cert) {
  Request out;
  out.peer_address = peer;
  out.peer_cert = cert;
  for (const auto& f : r) {
    std::string name(f.name_string());
    for (char& c : name) c = static_cast<char>(std::tolower(static_cast<unsigned char>(c)));
    std::string& v = out.headers[name];
    if (!v.empty()) v += ", ";
    v.append(f.value().data(), f.value().size());
  }
  out.method = std::string(r.method_string());
  std::string_view target(r.target().data(), r.target().size());
  auto q = target.find('?');
  out.path = url_decode(target.substr(0, q));
  if (q != std::string_view::npos) {
    std::string_view qs = target.substr(q + 1);
    while (!qs.empty()) {
      auto amp = qs.find('&');
      std::string_view pair = qs.substr(0, amp);
      auto eq = pair.find('=');
      out.query.emplace(url_decode(pair.substr(0, eq)), eq == std::string_view::npos ? "" : url_decode(pair.substr(eq + 1)));
      if (amp == std::string_view::npos) break;
      qs.remove_prefix(amp + 1);
    }
  }
  out.body = r.body();
  out.content_type = std::string(r[beast::http::field::content_type]);
  out.base_url = base;
  return out;
}


// The path alone: query values can hold NHS numbers (Patient?identifier=...|943...).
std::string logged_path(const beast::http::request<beast::http::string_body>& r) {
  std::string_view target(r.target().data(), r.target().size());
  return std::string(target.substr(0, target.find('?')));
}

std::string outcome(const std::string& code, const std::string& text) {
  return R"({"resourceType":"OperationOutcome","issue":[{"severity":"error","code":")" + code + R"(","diagnostics":")" + text + "\"}]}";
}

}  // namespace

struct Server::Impl : std::enable_shared_from_this<Server::Impl> {
  Impl(asio::io_context& io, const tcp::endpoint& at, AsyncHandler h, const ServerOptions& o)
      : acceptor(net::open_acceptor(io, at, o.name)),
        handler(std::move(h)),
        max_body(o.max_body_bytes),
        limits(o.limits),
        gate(std::make_shared<net::ConnectionGate>(o.name, o.limits.max_connections)) {
    const TlsOptions& t = o.tls;
    if (t.enabled()) tls = net::make_server_tls({t.cert_file, t.key_file, t.client_ca_file, t.client_cert_optional});
  }

  asio::awaitable<void> session(tcp::socket socket) {
    auto self = shared_from_this();
    std::string base = std::string(tls ? "https://" : "http://") + acceptor.local_endpoint().address().to_string() + ":" +
                       std::to_string(acceptor.local_endpoint().port());
    boost::system::error_code pe;
    auto remote = socket.remote_endpoint(pe);
    std::string peer = pe ? "-" : remote.address().to_string() + ":" + std::to_string(remote.port());
    // A small answer over TLS goes out as two records: without this, Nagle holds the second
    // until the client's delayed ACK (about 40 ms per request).
    socket.set_option(tcp::no_delay(true), pe);
    if (!tls) {
      beast::tcp_stream stream(std::move(socket));
      // Named, not a temporary: GCC 12 destroys a temporary bound to a coroutine's reference
      // parameter inside co_await twice (free(): invalid pointer on every plain request).
      const net::PeerCert no_cert;
      co_await serve(stream, base, no_cert, peer);
      boost::system::error_code ignored;
      stream.socket().shutdown(tcp::socket::shutdown_send, ignored);
      co_return;
    }
    beast::ssl_stream<beast::tcp_stream> stream(beast::tcp_stream(std::move(socket)), *tls);
    boost::system::error_code ec;
    beast::get_lowest_layer(stream).expires_after(limits.handshake_timeout);
    co_await stream.async_handshake(asio::ssl::stream_base::server, asio::redirect_error(asio::use_awaitable, ec));
    if (ec) {  // not TLS, an untrusted or missing client certificate: nothing was read
      log::warn("TLS handshake failed", {{"peer", peer}, {"error", ec.message()}});
      co_return;
    }
    const net::PeerCert cert = net::peer_cert_of(stream.native_handle());
    co_await serve(stream, base, cert, peer);
    beast::get_lowest_layer(stream).expires_after(std::chrono::seconds(5));
    co_await stream.async_shutdown(asio::redirect_error(asio::use_awaitable, ec));
  }

  // Runs the handler and resumes the connection with its answer, posted back to the
  // connection's executor from whichever thread answered. A handler that throws answers 500.
  template <typename Token>
  auto async_call(Request request, Token&& token) {
    return asio::async_initiate<Token, void(Response)>(
        [this, request = std::move(request)](auto completion) {
          auto ex = asio::get_associated_executor(completion, acceptor.get_executor());
          auto done = std::make_shared<decltype(completion)>(std::move(completion));
          auto reply = [ex, done](Response r) {
            asio::post(ex, [done, r = std::move(r)]() mutable { (*done)(std::move(r)); });
          };
          try {
            handler(request, reply);
          } catch (const std::exception& e) {
            log::error("request handler failed", {{"error", e.what()}});
            Response r;
            r.status = 500;
            r.body = outcome("exception", e.what());
            reply(std::move(r));
          }
        },
        token);
  }

  // Requests on one connection (keep-alive), answered in order.
  template <typename Stream>
  asio::awaitable<void> serve(Stream& stream, const std::string& base, const net::PeerCert& cert, const std::string& peer) {
    // Who called, for the request log: a verified client certificate's CN (the token's holder is
    // the handler's to say, and never logged).
    const std::string caller = cert.present ? (cert.cn.empty() ? std::string("-") : cert.cn) : std::string("anonymous");
    beast::flat_buffer buffer;
    for (;;) {
      beast::http::request_parser<beast::http::string_body> parser;
      parser.body_limit(max_body);
      parser.header_limit(64 * 1024);
      boost::system::error_code ec;
      auto& lowest = beast::get_lowest_layer(stream);
      if (buffer.size() == 0) {  // between requests: the idle timeout, until the next one starts
        lowest.expires_after(limits.idle_timeout);
        std::size_t n = co_await stream.async_read_some(buffer.prepare(16 * 1024), asio::redirect_error(asio::use_awaitable, ec));
        if (ec) break;
        buffer.commit(n);
      }
      lowest.expires_after(limits.read_timeout);
      co_await beast::http::async_read(stream, buffer, parser, asio::redirect_error(asio::use_awaitable, ec));
      beast::http::response<beast::http::string_body> res;
      bool close = false;
      if (ec == beast::http::error::end_of_stream || ec == asio::error::eof || ec == beast::error::timeout) break;
      auto started = std::chrono::steady_clock::now();
      std::string method = "-", path = "-";
      if (parser.is_header_done()) {
        method = std::string(parser.get().method_string());
        path = logged_path(parser.get());
      }
      if (ec == beast::http::error::body_limit) {
        res.result(413);
        res.set(beast::http::field::content_type, "application/fhir+json");
        res.body() = outcome("too-costly", "request body is over the limit of " + std::to_string(max_body) + " bytes");
        close = true;
      } else if (ec) {
        res.result(400);
        res.set(beast::http::field::content_type, "application/fhir+json");
        res.body() = outcome("structure", "malformed HTTP request: " + ec.message());
        close = true;
      } else {
        auto& req = parser.get();
        lowest.expires_never();  // the handler may answer once a message is journalled
        Response r = co_await async_call(to_request(req, base, peer, cert), asio::use_awaitable);
        res.result(r.status);
        res.set(beast::http::field::content_type, r.content_type);
        for (auto& [k, v] : r.headers) res.set(k, v);
        res.body() = std::move(r.body);
        res.keep_alive(req.keep_alive());
        close = !req.keep_alive();
      }
      res.version(11);
      res.prepare_payload();
      lowest.expires_after(limits.idle_timeout);  // for the client to take the answer
      co_await beast::http::async_write(stream, res, asio::redirect_error(asio::use_awaitable, ec));
      // One line per request, whatever its outcome; never the query, a body or a token.
      log::write(res.result_int() >= 500 ? log::Level::Warn : log::Level::Info, "request",
                 {{"method", method}, {"path", path}, {"status", res.result_int()}, {"caller", caller}, {"peer", peer},
                  {"latency_ms", std::chrono::duration<double, std::milli>(std::chrono::steady_clock::now() - started).count()}});
      if (ec || close) break;
    }
  }

  asio::awaitable<void> accept_loop() {
    auto self = shared_from_this();
    co_await net::accept_loop(acceptor, stopped, gate, [this](tcp::socket s) { return session(std::move(s)); });
  }

  tcp::acceptor acceptor;
  AsyncHandler handler;
  std::size_t max_body;
  net::ListenerLimits limits;
  std::shared_ptr<net::ConnectionGate> gate;
  std::unique_ptr<asio::ssl::context> tls;
  std::atomic<bool> stopped{false};
};

Server::Server(asio::io_context& io, const tcp::endpoint& at, AsyncHandler handler, const ServerOptions& opts)
    : impl_(std::make_shared<Impl>(io, at, std::move(handler), opts)) {
  asio::co_spawn(io, impl_->accept_loop(), asio::detached);
}

Server::Server(asio::io_context& io, const tcp::endpoint& at, Handler handler, const ServerOptions& opts)
    : Server(io, at,
             AsyncHandler([h = std::move(handler)](const Request& r, std::function<void(Response)> reply) { reply(h(r)); }),
             opts) {}

namespace {
ServerOptions with(std::size_t max_body, const TlsOptions& tls) {
  ServerOptions o;
  o.max_body_bytes = max_body;
  o.tls = tls;
  return o;
}
}  // namespace

Server::Server(asio::io_context& io, const tcp::endpoint& at, AsyncHandler handler, std::size_t max_body, const TlsOptions& tls)
    : Server(io, at, std::move(handler), with(max_body, tls)) {}

Server::Server(asio::io_context& io, const tcp::endpoint& at, Handler handler, std::size_t max_body, const TlsOptions& tls)
    : Server(io, at, std::move(handler), with(max_body, tls)) {}

Server::~Server() { stop(); }

std::uint16_t Server::port() const { return impl_->acceptor.local_endpoint().port(); }

void Server::stop() {
  impl_->stopped = true;
  boost::system::error_code ec;
  impl_->acceptor.close(ec);
}

}  // namespace hidewire::http
