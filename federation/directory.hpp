// Who this node may ask for a patient's record: the peers of its configuration (`peers[]`: ODS
// code, kind, FHIR base URL, the TLS to reach it) and, for one NHS number, the patient's
// registered GP practice as this node's own store knows it (Patient.generalPractitioner, e.g.
// from HL7 v2 PD1-3). The other holders are found by asking (`$hidewire-holds-record`).
#pragma once

#include <string>
#include <vector>

#include "node/config.hpp"
#include "node/fhir_store.hpp"

namespace hidewire::federation {

struct Peer {
  std::string ods_code;
  std::string kind;  // gp-practice, acute-trust, ambulance-service, nhs-111, community, social-care, care-home
  std::string url;   // its FHIR base, without a trailing slash
  node::TlsConfig tls;  // this node's client certificate and key; ca: the CA its server certificate must chain to
  std::string gpc_asid;       // a GP system's GP Connect provider (not a hidewire node): its ASID (Ssp-To)
  bool gpc_unsigned = false;  // it takes GP Connect's unsigned audit JWT rather than this node's signed one
  bool gpconnect() const { return !gpc_asid.empty(); }
  std::string describe() const { return ods_code + (kind.empty() ? "" : " (" + kind + ")"); }
};

class Directory {
 public:
  Directory() = default;
  explicit Directory(std::vector<Peer> peers);
  // peers[] with a url (PeerConfig), with their kind (PeerAuth, the same index of AuthConfig::peers).
  static Directory from_config(const node::NodeConfig& cfg);

  const std::vector<Peer>& peers() const { return peers_; }
  const Peer* find(const std::string& ods_code) const;

 private:
  std::vector<Peer> peers_;
};

// The ODS code of the patient's registered GP practice in this node's own store: the Patient with
// this NHS number, its generalPractitioner by ODS identifier, Organization or PractitionerRole;
// empty when the store has no such patient or names no practice.
std::string registered_gp_in_store(node::FhirStore& store, const std::string& nhs_number);

}  // namespace hidewire::federation
