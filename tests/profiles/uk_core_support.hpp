// UK Core 2.0.0 (tests/data/uk-core) loaded once per test binary, and validation of an example
// (optionally edited) against a profile: the R4 base, its invariants, then the profile.
#pragma once

#include <doctest/doctest.h>

#include <initializer_list>
#include <string>
#include <utility>

#include "fhir/codec.hpp"
#include "fhir/validator.hpp"
#include "fhirpath/invariants.hpp"
#include "profiles/profile_validator.hpp"
#include "tests/fhir/test_support.hpp"

namespace hw_test {

inline const std::string kUkCore = "https://fhir.hl7.org.uk/StructureDefinition/";

inline const hidewire::profiles::ProfileSet& uk_core() {
  static const auto* set = [] {
    auto* s = new hidewire::profiles::ProfileSet();
    hidewire::fhir::Diagnostics d;
    s->load(data_path("uk-core"), d);
    s->compile(d);
    if (d.has_errors()) throw std::runtime_error("UK Core did not load");
    return s;
  }();
  return *set;
}

inline hidewire::fhir::Diagnostics validate_text(const std::string& text, const std::string& profile,
                                                 const hidewire::profiles::ProfileOptions& opts = {}) {
  using namespace hidewire;
  fhir::Diagnostics d;
  fhir::Node root;
  if (!fhir::parse_any(text, fhir::Schema::r4(), root, d)) return d;
  fhir::validate(root, fhir::Schema::r4(), d);
  fhirpath::check_invariants(root, fhir::Schema::r4(), d);
  profiles::validate_profiles(root, profile.empty() ? std::vector<std::string>{} : std::vector<std::string>{profile},
                              uk_core(), d, opts);
  return d;
}

// A UK Core example with textual edits (each `from` must occur), validated against `profile`.
inline hidewire::fhir::Diagnostics validate_edited(const std::string& example, const std::string& profile,
                                                   std::initializer_list<std::pair<std::string, std::string>> edits) {
  std::string text = read_file(data_path("uk-core/examples/" + example));
  for (const auto& [from, to] : edits) {
    auto at = text.find(from);
    REQUIRE_MESSAGE(at != std::string::npos, "edit not applicable: " << from);
    text.replace(at, from.size(), to);
  }
  return validate_text(text, kUkCore + profile);
}

inline std::string errors_of(const hidewire::fhir::Diagnostics& d) {
  std::string out;
  for (const auto& is : d.issues())
    if (is.severity <= hidewire::fhir::Severity::Error) out += is.location + ": " + is.message + "\n";
  return out;
}

// Whether some error's message contains every one of `parts`.
inline bool has_error(const hidewire::fhir::Diagnostics& d, std::initializer_list<std::string> parts) {
  for (const auto& is : d.issues()) {
    if (is.severity > hidewire::fhir::Severity::Error) continue;
    bool all = true;
    for (const std::string& p : parts) all &= (is.message + " @" + is.location).find(p) != std::string::npos;
    if (all) return true;
  }
  return false;
}

}  // namespace hw_test
