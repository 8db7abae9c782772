#include "conformance/profile_gate.hpp"

#include <stdexcept>

#include "profiles/profile_validator.hpp"

namespace hidewire::conformance {

ProfileGate::ProfileGate(const std::vector<std::string>& igs) {
  fhir::Diagnostics d;
  for (const std::string& ig : igs) set_.load(ig, d);
  set_.compile(d);
  if (d.has_errors())
    for (const fhir::Issue& i : d.issues())
      if (i.severity <= fhir::Severity::Error) throw std::runtime_error("implementation guide not loaded: " + i.message);
}

std::vector<std::string> ProfileGate::unknown(const ProfileRules& rules) const {
  std::vector<std::string> out;
  for (const std::string& url : rules.require)
    if (!set_.profile(url)) out.push_back(url);
  return out;
}

void ProfileGate::check(const fhir::Node& root, const ProfileRules& rules, fhir::Diagnostics& d) const {
  if (rules.empty()) return;
  profiles::ProfileOptions opts;
  opts.meta_profiles = rules.declared;
  auto one = [&](const fhir::Node& resource) {
    std::vector<std::string> urls;
    for (const std::string& url : rules.require)
      if (const profiles::Profile* p = set_.profile(url); p && p->type == resource.resource_type()) urls.push_back(url);
    profiles::validate_profiles(resource, urls, set_, d, opts);
  };
  if (root.resource_type() != "Bundle" || rules.require.empty()) return one(root);
  // Required profiles apply to each entry's resource of their type (the Bundle the converter made
  // is not held to one), each entry checked once.
  for (const fhir::Node& entry : root.children)
    if (entry.name == "entry")
      if (const fhir::Node* res = entry.child("resource")) one(*res);
}

}  // namespace hidewire::conformance
