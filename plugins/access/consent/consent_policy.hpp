// The `consent` access policy: who may see what at the data holder, as the numbered rules of
// docs/ACCESS.md (R1, R2, ...), evaluated in order; the first that applies decides. Legitimate
// relationships for direct care, the patient's Consent resources (dissent, point-of-care
// consent, restrictions, proxy grants, the national data opt-out), sensitive records and
// break-glass. Pure and table-driven: no I/O, thread-safe.
#pragma once

#include <memory>
#include <string>
#include <vector>

#include "node/registry.hpp"

namespace hidewire::plugins::consent {

struct Settings {
  // The registered practice sees everything: dissent and restrictions do not apply to it.
  bool registered_gp_full_access = true;
  // Organisation kinds that have a relationship with every patient when acting for emergency care.
  std::vector<std::string> emergency_kinds{"ambulance-service", "nhs-111", "acute-trust"};
  struct BreakGlass {
    bool allowed = true;
    std::vector<std::string> kinds{"ambulance-service", "nhs-111", "acute-trust"};
    std::vector<std::string> purposes{"emergency"};
  } break_glass;
  // Roles (config roles or SDS job roles) that may see sensitive (meta.security R) records.
  std::vector<std::string> sensitive_roles;
};

// Reads `access` of the node's config: registered_gp_full_access, emergency_kinds, break_glass
// (allowed, kinds, purposes), sensitive_roles; unknown keys are refused.
node::AccessPolicyBuilder factory(node::ConfigReader& settings);
std::unique_ptr<node::AccessPolicy> make(Settings settings);

}  // namespace hidewire::plugins::consent
