// The TLS context every hidewire listener uses (MLLP, the HTTP FHIR source, the FHIR API, the
// admin port): TLS 1.2 or later, and with a client CA, mutual TLS.
#pragma once

#include <memory>
#include <string>

namespace boost::asio::ssl {
class context;
}

namespace hidewire::net {

struct ServerTls {
  std::string cert_file, key_file;  // PEM
  std::string client_ca_file;       // set: clients must present a certificate this CA signed
  bool client_cert_optional = false;  // with a CA: a certificate is checked when presented, not required
};

// Throws std::runtime_error naming the files when they are not usable: the TLS library's own
// message is often just "asio.ssl error".
std::unique_ptr<boost::asio::ssl::context> make_server_tls(const ServerTls& t);

}  // namespace hidewire::net
