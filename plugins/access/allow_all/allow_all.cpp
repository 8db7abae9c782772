#include "plugins/access/allow_all/allow_all.hpp"

namespace hidewire::plugins::allow_all {
namespace {

class AllowAll final : public node::AccessPolicy {
 public:
  node::AccessDecision decide(const node::AccessRequest&) const override { node::AccessDecision d;
    d.allowed = true;
    d.reason = "allow-all policy";
    return d; }
  node::PatientDecision decide_patient(const node::Caller&, const node::PatientFacts&, std::string_view) const override {
    node::PatientDecision d;
    d.result = node::PatientDecision::Result::Allowed;
    d.rule = "allow-all";
    d.reason = "allow-all policy";
    return d;
  }
  bool permits(const node::Caller&, const node::PatientDecision&, const node::ResourceView&) const override { return true; }
};

}  // namespace

std::unique_ptr<node::AccessPolicy> make() { return std::make_unique<AllowAll>(); }

node::AccessPolicyBuilder factory(node::ConfigReader&) {
  return [] { return make(); };
}

}  // namespace hidewire::plugins::allow_all
