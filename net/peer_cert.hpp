// What a verified client certificate says about its holder: the subject CN (a system's or
// node's name), the organisation's ODS code, and the certificate's SHA-256 fingerprint. The ODS
// code is read from a subjectAltName URI `urn:nhs:ods:<CODE>` when there is one, else from the
// subject's organizationalUnitName (OU), as NHS-issued endpoint certificates carry it.
#pragma once

#include <string>

typedef struct ssl_st SSL;

namespace hidewire::net {

struct PeerCert {
  bool present = false;  // a certificate the listener's CA verified
  std::string cn, ods, fingerprint_sha256;
};

PeerCert peer_cert_of(SSL* ssl);

}  // namespace hidewire::net
