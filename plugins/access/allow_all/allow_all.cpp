#include "plugins/access/allow_all/allow_all.hpp"

namespace hidewire::plugins::allow_all {
namespace {

class AllowAll final : public node::AccessPolicy {
 public:
  node::AccessDecision decide(const node::AccessRequest&) const override { return {true, "allow-all policy"}; }
};

}  // namespace

std::unique_ptr<node::AccessPolicy> make() { return std::make_unique<AllowAll>(); }

node::AccessPolicyBuilder factory(node::ConfigReader&) {
  return [] { return make(); };
}

}  // namespace hidewire::plugins::allow_all
