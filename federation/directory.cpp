#include "federation/directory.hpp"

#include "auth/patient_facts.hpp"
#include "fhir/clock.hpp"

namespace hidewire::federation {

Directory::Directory(std::vector<Peer> peers) : peers_(std::move(peers)) {
  for (Peer& p : peers_)
    while (!p.url.empty() && p.url.back() == '/') p.url.pop_back();
}

Directory Directory::from_config(const node::NodeConfig& cfg) {
  std::vector<Peer> out;
  for (std::size_t i = 0; i < cfg.peers.size(); ++i) {
    const node::PeerConfig& p = cfg.peers[i];
    if (p.url.empty()) continue;  // a peer that only calls this node
    Peer peer{p.ods_code, {}, p.url, p.tls, p.gpconnect.asid, p.gpconnect.token == "unsigned"};
    for (const node::PeerAuth& a : cfg.auth.peers)
      if (a.ods_code == p.ods_code) peer.kind = a.kind;
    out.push_back(std::move(peer));
  }
  return Directory(std::move(out));
}

const Peer* Directory::find(const std::string& ods_code) const {
  for (const Peer& p : peers_)
    if (p.ods_code == ods_code) return &p;
  return nullptr;
}

std::string registered_gp_in_store(node::FhirStore& store, const std::string& nhs_number) {
  // The facts the access policy reads resolve generalPractitioner the same way (an ODS
  // identifier, an Organization, a PractitionerRole's organization): one reading of it.
  node::PatientFacts f = auth::gather_patient_facts_by_nhs(store, nhs_number, fhir::utc_now_instant());
  return f.found ? f.registered_gp_ods : std::string();
}

}  // namespace hidewire::federation
