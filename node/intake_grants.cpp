#include "node/intake_grants.hpp"

#include <algorithm>

namespace hidewire::node {
namespace {

const std::string& text_of(const fhir::Node* n) {
  static const std::string none;
  return n ? n->value : none;
}

// The converters name the message they record as `urn:hidewire:<kind>` (the HL7 v2 control id,
// the FHIR body's SHA-256: fhir/bundle_builder.hpp).
bool records_this_message(const fhir::Node& provenance, const std::string& control_id) {
  if (control_id.empty()) return false;
  for (const fhir::Node& entity : provenance.children) {
    if (entity.name != "entity" || text_of(entity.child("role")) != "source") continue;
    const fhir::Node* what = entity.child("what");
    const fhir::Node* id = what ? what->child("identifier") : nullptr;
    if (id && text_of(id->child("value")) == control_id && text_of(id->child("system")).rfind("urn:hidewire:", 0) == 0) return true;
  }
  return false;
}

}  // namespace

std::vector<UngrantedEntry> ungranted_types(const fhir::Node& bundle, const Caller& caller, const std::string& control_id) {
  std::vector<UngrantedEntry> out;
  if (caller.kind == Caller::Kind::Anonymous || caller.may_write("*")) return out;
  std::size_t i = 0;
  for (const fhir::Node& entry : bundle.children) {
    if (entry.name != "entry") continue;
    std::size_t at = i++;
    const fhir::Node* r = entry.child("resource");
    if (!r) continue;
    std::string type(r->resource_type());
    if (caller.may_write(type)) continue;
    if (std::any_of(out.begin(), out.end(), [&](const UngrantedEntry& u) { return u.type == type; })) continue;
    if (type == "Provenance" && records_this_message(*r, control_id)) continue;
    out.push_back({type, at});
  }
  return out;
}

std::string ungranted_message(const std::vector<UngrantedEntry>& ungranted, const Caller& caller) {
  std::string types;
  for (const UngrantedEntry& u : ungranted)
    types += (types.empty() ? "" : ", ") + u.type + " (Bundle.entry[" + std::to_string(u.index) + "])";
  return "the message writes " + types + ", which " + caller.describe() +
         " may not write: not among its credential's write_types. The message is kept and can be replayed once they are granted";
}

std::vector<std::string> configured_write_types(const AuthConfig& auth, const Caller& caller) {
  if (caller.kind == Caller::Kind::System)
    for (const SystemAuth& s : auth.systems)
      if (s.name == caller.id) return s.write_types;
  if (caller.kind == Caller::Kind::Peer)
    for (const PeerAuth& p : auth.peers)
      if (p.ods_code == caller.ods_code) return p.write_types;
  return {};
}

}  // namespace hidewire::node
