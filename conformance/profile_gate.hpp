// The profiles part of the conformance gate: the implementation guides a node loads (folders or
// npm-style packages, conformance.igs in its config) compiled once at start, and what each source's
// messages are held to: the profiles their resources declare (meta.profile) and profiles required
// of every resource of the profile's type, whatever it declares. Extensions whose definitions are
// loaded are checked against them either way. Shared read-only by the intake's threads.
#pragma once

#include <string>
#include <vector>

#include "fhir/diagnostics.hpp"
#include "fhir/node.hpp"
#include "profiles/profile_set.hpp"

namespace hidewire::conformance {

// One source's profile rules (`sources[].profiles` in the node config).
struct ProfileRules {
  bool declared = false;             // each resource meets the profiles its meta.profile names
  std::vector<std::string> require;  // canonical URLs: every resource of the profile's type meets it
  bool empty() const { return !declared && require.empty(); }
};

class ProfileGate {
 public:
  // Loads and compiles `igs`; throws std::runtime_error naming what could not be read.
  explicit ProfileGate(const std::vector<std::string>& igs);
  // The URLs of `rules` that no loaded profile has (for the config's check at start).
  std::vector<std::string> unknown(const ProfileRules& rules) const;
  // `root` (a Bundle's entries one by one, or one resource) held to `rules`, adding to `d`.
  void check(const fhir::Node& root, const ProfileRules& rules, fhir::Diagnostics& d) const;
  const profiles::ProfileSet& set() const { return set_; }

 private:
  profiles::ProfileSet set_;
};

}  // namespace hidewire::conformance
