// Registration of the `pds` patient index: a PDS-style demographics service, asked as PDS FHIR
// is: GET [url]/Patient?family=&given=&birthdate=eqYYYY-MM-DD&address-postalcode=&gender=, answered
// with a searchset Bundle of Patients. Numbers it gives are verified (status 01). Over https only,
// with this node's client certificate and the service's CA pinned (federation/peer_client.hpp).
// Settings { "url": "https://...", "tls": {cert, key, ca}, "timeout_ms": 3000 }.
#pragma once

#include "node/registry.hpp"

namespace hidewire::plugins::pds_index {

struct Settings {
  std::string url;
  node::TlsConfig tls;
  int timeout_ms = 3000;
};

node::PatientIndexBuilder factory(node::ConfigReader& settings);

}  // namespace hidewire::plugins::pds_index
