#include "plugins/access/consent/consent_policy.hpp"

namespace hidewire::plugins::consent {
namespace {

// ConfigReader::strings appends: a list given in the config replaces the default.
void replace(node::ConfigReader& r, const char* key, std::vector<std::string>& out) {
  if (!r.has(key)) return;
  out.clear();
  r.strings(key, out);
}

}  // namespace

node::AccessPolicyBuilder factory(node::ConfigReader& r) {
  Settings s;
  r.boolean("registered_gp_full_access", s.registered_gp_full_access);
  replace(r, "emergency_kinds", s.emergency_kinds);
  r.object("break_glass", [&](node::ConfigReader& b) {
    b.boolean("allowed", s.break_glass.allowed);
    replace(b, "kinds", s.break_glass.kinds);
    replace(b, "purposes", s.break_glass.purposes);
  });
  replace(r, "sensitive_roles", s.sensitive_roles);
  return [s] { return make(s); };
}

}  // namespace hidewire::plugins::consent
