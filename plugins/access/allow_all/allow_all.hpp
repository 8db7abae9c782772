// The `allow-all` access policy: every request allowed. The default until the access-control
// work brings consent, legitimate relationships and break-glass behind the same interface.
#pragma once

#include "node/registry.hpp"

namespace hidewire::plugins::allow_all {

node::AccessPolicyBuilder factory(node::ConfigReader& settings);
std::unique_ptr<node::AccessPolicy> make();

}  // namespace hidewire::plugins::allow_all
