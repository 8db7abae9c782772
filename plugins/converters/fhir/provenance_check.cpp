#include "plugins/converters/fhir/provenance_check.hpp"

#include <strings.h>

#include <map>

#include "fhir/bundle_builder.hpp"

namespace hidewire::plugins::fhir_converter {
namespace {

using fhir::Node;

std::string text_of(const Node* n) { return n ? n->value : std::string(); }

// The ODS code among an element's identifier(s), or empty.
std::string ods_of(const Node& n) {
  for (const Node& id : n.children)
    if (id.name == "identifier" && text_of(id.child("system")) == fhir::build::kOdsSystem) return text_of(id.child("value"));
  return {};
}

bool same(const std::string& a, const std::string& b) { return a.size() == b.size() && strcasecmp(a.c_str(), b.c_str()) == 0; }

// What a Reference names as an organisation's ODS code: its own identifier, or the Organization
// in the Bundle it points at.
std::string named_ods(const Node& ref, const std::map<std::string, std::string>& orgs) {
  if (std::string ods = ods_of(ref); !ods.empty()) return ods;
  auto it = orgs.find(text_of(ref.child("reference")));
  return it == orgs.end() ? std::string() : it->second;
}

ForgedAgent check(const Node& prov, const std::string& at, const std::map<std::string, std::string>& orgs, const node::Caller& caller) {
  std::size_t j = 0;
  for (const Node& agent : prov.children) {
    if (agent.name != "agent") continue;
    for (const char* role : {"who", "onBehalfOf"}) {
      const Node* ref = agent.child(role);
      if (!ref) continue;
      std::string ods = named_ods(*ref, orgs);
      if (ods.empty() || same(ods, caller.ods_code)) continue;
      std::string loc = at + ".agent[" + std::to_string(j) + "]." + role;
      return {loc, loc + " names organisation " + ods + ", but the message came from " + caller.describe() +
                       " whose organisation is " + (caller.ods_code.empty() ? "not known" : caller.ods_code) +
                       ": a sender may only record provenance for its own organisation"};
    }
    ++j;
  }
  return {};
}

}  // namespace

ForgedAgent forged_provenance_agent(const Node& root, const node::Caller& caller) {
  if (caller.kind == node::Caller::Kind::Anonymous) return {};
  if (root.resource_type() == "Provenance") return check(root, "Provenance", {}, caller);
  if (root.resource_type() != "Bundle") return {};
  // Organizations of the Bundle by fullUrl and by Organization/<id>, with their ODS codes.
  std::map<std::string, std::string> orgs;
  for (const Node& entry : root.children) {
    const Node* r = entry.name == "entry" ? entry.child("resource") : nullptr;
    if (!r || r->resource_type() != "Organization") continue;
    std::string ods = ods_of(*r);
    if (ods.empty()) continue;
    if (const Node* url = entry.child("fullUrl")) orgs[url->value] = ods;
    if (const Node* id = r->child("id")) orgs["Organization/" + id->value] = ods;
  }
  std::size_t i = 0;
  for (const Node& entry : root.children) {
    if (entry.name != "entry") continue;
    const Node* r = entry.child("resource");
    if (r && r->resource_type() == "Provenance")
      if (ForgedAgent f = check(*r, "Bundle.entry[" + std::to_string(i) + "].resource", orgs, caller); !f.location.empty()) return f;
    ++i;
  }
  return {};
}

}  // namespace hidewire::plugins::fhir_converter
