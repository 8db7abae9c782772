// The profile checker (internal to profiles/): profile_validator.cpp walks, slicing.cpp sorts
// repeated elements into slices and resolves references inside a Bundle.
#pragma once

#include <string>
#include <vector>

#include "fhir/diagnostics.hpp"
#include "fhir/node.hpp"
#include "profiles/profile_set.hpp"
#include "profiles/profile_validator.hpp"

namespace hidewire::profiles {

// The resource a reference names inside the instance: "#id" among the container's contained
// resources, or a Bundle entry by fullUrl (absolute, urn:uuid) or by Type/id. Null otherwise.
const fhir::Node* resolve(const fhir::Node& reference, const fhir::Node& root);
// "Patient" for "Patient/1", ".../Patient/1/_history/2" or Reference.type; empty if unknown.
std::string referenced_type(const fhir::Node& reference);

class Checker {
 public:
  Checker(const ProfileSet& set, fhir::Diagnostics& d, const ProfileOptions& o, const fhir::Node& root);
  void resource(const fhir::Node& n, const Profile& p, const std::string& loc, const fhir::Node* res);
  void meta_profiles(const fhir::Node& n, const std::string& loc, const std::vector<std::string>& done);
  void extensions(const fhir::Node& n, const std::string& loc);

 private:
  void extensions(const fhir::Node& n, const std::string& loc, std::vector<const fhir::Node*>& chain);
  void unknown_extension(std::string_view url, const std::string& at);
  void element(const fhir::Node& n, const ProfileElement& e, const Profile& p, const std::string& loc, const fhir::Node* res);
  void children(const fhir::Node& n, const ProfileElement& c, const Profile& p, const std::string& loc, const fhir::Node* res);
  void length(const fhir::Node& n, const ProfileElement& e, const Profile& p, const std::string& loc);
  void value_replaced(const fhir::Node& n, const ProfileElement& e, const Profile& p, const std::string& loc);
  void narrative_language(const fhir::Node& n, const ProfileElement& e, const Profile& p, const std::string& loc,
                          const fhir::Node* res);
  void types(const fhir::Node& n, const ProfileElement& e, const Profile& p, const std::string& loc);
  void target(const fhir::Node& n, const ProfileType& t, const Profile& p, const ProfileElement& e, const std::string& loc);
  void binding(const fhir::Node& n, const ProfileElement& e, const Profile& p, const std::string& loc);
  void invariants(const fhir::Node& n, const ProfileElement& e, const Profile& p, const std::string& loc, const fhir::Node* res);
  bool conforms(const fhir::Node& n, const Profile& q, const std::string& loc, fhir::Diagnostics& into);
  void conforms_to_any(const fhir::Node& n, const std::vector<std::string>& urls, const Profile& p, const ProfileElement& e,
                       const std::string& loc);
  std::string where(const Profile& p, const ProfileElement& e) const;

  // Each item's slice (null: none), after checking the slices' cardinality and the slicing's
  // ordered and closed rules.
  std::vector<const ProfileElement*> assign_slices(const std::vector<const fhir::Node*>& items,
                                                   const std::vector<std::string>& locs, const ProfileElement& c,
                                                   const Profile& p, const std::string& loc);
  bool in_slice(const fhir::Node& item, const ProfileElement& slice, const Slicing& slicing);
  bool discriminated(const fhir::Node& item, const ProfileElement& slice, const Discriminator& d);

  const ProfileSet& set_;
  fhir::Diagnostics& d_;
  const ProfileOptions& o_;
  const fhir::Node& root_;
  fhir::StringSet unknown_sets_, unevaluable_, unknown_extensions_;
};

}  // namespace hidewire::profiles
