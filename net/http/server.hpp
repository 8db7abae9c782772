// A small HTTP/1.1 server on Boost.Beast for the FHIR REST API, the HTTP FHIR source and the
// admin endpoints, plain or over TLS (1.2 and later), optionally requiring client certificates
// signed by a given CA (mutual TLS between organisations' nodes). The handler gets a parsed
// request and returns the response; bodies over the limit get 413.
#pragma once

#include <boost/asio/io_context.hpp>
#include <boost/asio/ip/tcp.hpp>

#include <cstdint>
#include <functional>
#include <map>
#include <memory>
#include <string>

#include "net/listener.hpp"
#include "net/peer_cert.hpp"

namespace hidewire::http {

struct Request {
  std::string method;  // GET, POST, PUT, DELETE
  std::string path;    // without the query
  std::multimap<std::string, std::string> query;  // decoded
  std::string body;
  std::string content_type;
  std::string base_url;  // http://host:port, for links
  std::map<std::string, std::string> headers;  // by lower-case name (authorization, if-match, x-request-id...)
  std::string peer_address;  // host:port of the connection
  net::PeerCert peer_cert;   // the client certificate the listener's CA verified, if any
  // A header's value, or empty.
  const std::string& header(const std::string& lower_case_name) const;
};

struct Response {
  int status = 200;
  std::string content_type = "application/fhir+json";
  std::string body;
  std::map<std::string, std::string> headers;  // Location, ETag, Last-Modified...
};

using Handler = std::function<Response(const Request&)>;
// Answers through `reply`, now or later, from any thread (the HTTP FHIR source answers once the
// message is journalled); the connection waits, others are served meanwhile.
using AsyncHandler = std::function<void(const Request&, std::function<void(Response)> reply)>;

struct TlsOptions {
  std::string cert_file, key_file;  // PEM; both set: HTTPS
  std::string client_ca_file;       // set: clients must present a certificate this CA signed
  bool client_cert_optional = false;  // with a CA: checked when presented, not required
  bool enabled() const { return !cert_file.empty(); }
};

struct ServerOptions {
  std::string name = "HTTP";  // says which listener in log lines and errors: "FHIR API", "admin"
  std::size_t max_body_bytes = 16u << 20;
  TlsOptions tls;
  net::ListenerLimits limits;
};

class Server {
 public:
  // Throws when the address cannot be bound (naming the listener) or the certificate or key
  // cannot be loaded.
  Server(boost::asio::io_context& io, const boost::asio::ip::tcp::endpoint& at, Handler handler, const ServerOptions& opts);
  Server(boost::asio::io_context& io, const boost::asio::ip::tcp::endpoint& at, AsyncHandler handler, const ServerOptions& opts);
  Server(boost::asio::io_context& io, const boost::asio::ip::tcp::endpoint& at, Handler handler, std::size_t max_body_bytes,
         const TlsOptions& tls = {});
  Server(boost::asio::io_context& io, const boost::asio::ip::tcp::endpoint& at, AsyncHandler handler, std::size_t max_body_bytes,
         const TlsOptions& tls = {});
  ~Server();
  std::uint16_t port() const;
  void stop();

 private:
  struct Impl;
  std::shared_ptr<Impl> impl_;
};

std::string url_decode(std::string_view s);

}  // namespace hidewire::http
