#include "node/caller.hpp"

namespace hidewire::node {

const char* to_string(Caller::Kind k) {
  switch (k) {
    case Caller::Kind::Peer: return "peer";
    case Caller::Kind::System: return "system";
    case Caller::Kind::Patient: return "patient";
    case Caller::Kind::Anonymous: break;
  }
  return "anonymous";
}

std::string Caller::describe() const {
  if (kind == Kind::Anonymous) return "anonymous";
  std::string out = std::string(to_string(kind)) + " " + id;
  if (!ods_code.empty() && ods_code != id) out += " (" + ods_code + ")";
  if (person_present) out += " for " + (person.name.empty() ? person.id : person.name);
  return out;
}

}  // namespace hidewire::node
