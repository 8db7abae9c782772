#include "net/peer_cert.hpp"

#include <openssl/ssl.h>
#include <openssl/x509.h>
#include <openssl/x509v3.h>

#include <cstdio>

namespace hidewire::net {
namespace {

std::string subject_field(X509* cert, int nid) {
  char buf[256];
  int n = X509_NAME_get_text_by_NID(X509_get_subject_name(cert), nid, buf, sizeof buf);
  return n > 0 ? std::string(buf, static_cast<std::size_t>(n)) : std::string();
}

std::string ods_from_san(X509* cert) {
  static const std::string prefix = "urn:nhs:ods:";
  auto* names = static_cast<GENERAL_NAMES*>(X509_get_ext_d2i(cert, NID_subject_alt_name, nullptr, nullptr));
  if (!names) return {};
  std::string out;
  for (int i = 0; i < sk_GENERAL_NAME_num(names) && out.empty(); ++i) {
    const GENERAL_NAME* g = sk_GENERAL_NAME_value(names, i);
    if (g->type != GEN_URI) continue;
    const ASN1_IA5STRING* uri = g->d.uniformResourceIdentifier;
    std::string s(reinterpret_cast<const char*>(ASN1_STRING_get0_data(uri)), static_cast<std::size_t>(ASN1_STRING_length(uri)));
    if (s.compare(0, prefix.size(), prefix) == 0) out = s.substr(prefix.size());
  }
  GENERAL_NAMES_free(names);
  return out;
}

}  // namespace

PeerCert peer_cert_of(SSL* ssl) {
  PeerCert out;
  // Only a certificate the handshake verified counts: listeners without a CA never ask for one.
  if (!ssl || SSL_get_verify_result(ssl) != X509_V_OK) return out;
  X509* cert = SSL_get1_peer_certificate(ssl);
  if (!cert) return out;
  out.present = true;
  out.cn = subject_field(cert, NID_commonName);
  out.ods = ods_from_san(cert);
  if (out.ods.empty()) out.ods = subject_field(cert, NID_organizationalUnitName);
  unsigned char md[EVP_MAX_MD_SIZE];
  unsigned int len = 0;
  if (X509_digest(cert, EVP_sha256(), md, &len)) {
    char hex[3];
    for (unsigned int i = 0; i < len; ++i) {
      std::snprintf(hex, sizeof hex, "%02x", md[i]);
      out.fingerprint_sha256 += hex;
    }
  }
  X509_free(cert);
  return out;
}

}  // namespace hidewire::net
