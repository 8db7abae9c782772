#include "net/tls_server.hpp"

#include <boost/asio/ssl/context.hpp>

#include <stdexcept>

namespace hidewire::net {

namespace ssl = boost::asio::ssl;

std::unique_ptr<ssl::context> make_server_tls(const ServerTls& t) {
  auto tls = std::make_unique<ssl::context>(ssl::context::tls_server);
  tls->set_options(ssl::context::default_workarounds | ssl::context::no_sslv2 | ssl::context::no_sslv3 | ssl::context::no_tlsv1 |
                   ssl::context::no_tlsv1_1);
  try {
    tls->use_certificate_chain_file(t.cert_file);
    tls->use_private_key_file(t.key_file, ssl::context::pem);
    if (!t.client_ca_file.empty()) {
      tls->load_verify_file(t.client_ca_file);
      // Optional: a certificate presented must still verify; one not presented leaves the
      // caller to prove itself with a token.
      tls->set_verify_mode(t.client_cert_optional ? ssl::verify_peer : ssl::verify_peer | ssl::verify_fail_if_no_peer_cert);
      // With client certificates OpenSSL refuses to resume a session without a context id;
      // clients that resume (curl --parallel) would fail the handshake.
      static const unsigned char kContext[] = "hidewire";
      SSL_CTX_set_session_id_context(tls->native_handle(), kContext, sizeof kContext - 1);
    }
  } catch (const boost::system::system_error& e) {
    throw std::runtime_error("TLS certificate " + t.cert_file + ", key " + t.key_file +
                             (t.client_ca_file.empty() ? "" : ", client CA " + t.client_ca_file) +
                             ": not usable PEM, or the key does not match the certificate (" + e.code().message() + ")");
  }
  return tls;
}

}  // namespace hidewire::net
