// Constraining profiles (StructureDefinitions with derivation "constraint") compiled into what
// they add to the R4 base: the base definitions stay in fhir::Schema and are checked by
// fhir::validate, and a profile's snapshot is the base plus this overlay, merged down its chain
// of baseDefinitions as the snapshot generator merges it (docs/PROFILES.md).
#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <vector>

#include "fhir/node.hpp"
#include "fhir/schema.hpp"

namespace hidewire::profiles {

struct ProfileType {
  std::string code;                          // "Extension", "Quantity", "Reference"
  std::vector<std::string> profiles;         // type.profile: what the value must conform to
  std::vector<std::string> target_profiles;  // type.targetProfile: what a Reference may point at
};

enum class DiscriminatorType : std::uint8_t { Value, Pattern, Type, Profile, Exists };

struct Discriminator {
  DiscriminatorType type = DiscriminatorType::Value;
  std::string path;  // FHIRPath-like: "system", "url", "code.coding", "$this", "resolve()"
};

struct Slicing {
  std::vector<Discriminator> discriminators;
  bool ordered = false;
  enum class Rules : std::uint8_t { Open, Closed, OpenAtEnd } rules = Rules::Open;
};

struct ProfileConstraint {
  std::string key, severity, human, expression;
};

// One element of the overlay: the constraints a profile (or its bases) put on it. Unset fields
// leave the base definition as it is.
struct ProfileElement {
  std::string id;          // the element id of the definition, with slices: "Patient.identifier:nhsNumber.system"
  std::string name;        // last path segment: "identifier", "value[x]", "valueQuantity"
  std::string slice_name;  // for a slice: its name
  std::optional<std::uint32_t> min, max;
  std::vector<ProfileType> types;  // empty: the base's types
  const fhir::Node* fixed = nullptr;    // fixed[x] as written in the StructureDefinition
  const fhir::Node* pattern = nullptr;  // pattern[x]
  const fhir::Node* min_value = nullptr;  // minValue[x], inclusive
  const fhir::Node* max_value = nullptr;  // maxValue[x], inclusive
  // in characters (Unicode code points): ElementDefinition.maxLength, and the R4 extension
  // minLength on an ElementDefinition
  std::optional<std::uint32_t> min_length, max_length;
  // R5's ElementDefinition.mustHaveValue and valueAlternatives, as R4 states them with the
  // cross-version extensions: a primitive's value may not be replaced by extensions, or only by
  // the extensions listed
  bool must_have_value = false;
  std::vector<std::string> value_alternatives;
  // narrative-language-control (FHIR Extensions Pack) on a Narrative: _no, _yes, _resource or
  // a language the narrative must have a section in
  std::string narrative_language;
  fhir::BindingStrength binding = fhir::BindingStrength::None;
  std::string value_set;
  std::vector<ProfileConstraint> constraints;  // merged: the bases' and this profile's
  bool must_support = false;
  std::optional<Slicing> slicing;
  std::vector<ProfileElement> children;  // constrained child elements
  std::vector<ProfileElement> slices;    // named slices of this element, in definition order

  ProfileElement* child(std::string_view child_name);
  const ProfileElement* child(std::string_view child_name) const;
  ProfileElement* slice(std::string_view slice);
  const ProfileElement* slice(std::string_view slice) const;
  bool empty() const;  // constrains nothing
};

// Where an extension may be used (StructureDefinition.context): type element (a path or a
// type name), extension (the url of the extension it sits in) or fhirpath.
struct ExtensionContext {
  std::string type, expression;
};

struct Profile {
  std::string url, name, version;
  std::string type;          // the constrained type: "Patient", "Extension"
  std::string base_url;      // baseDefinition
  ProfileElement root;       // the type's root element (id = type)
  std::vector<std::string> problems;  // what could not be compiled (unknown paths, bases)
  // Extension definitions: the contexts and context invariants, and whether it is a modifier.
  std::vector<ExtensionContext> contexts;
  std::vector<std::string> context_invariants;
  bool is_modifier = false;
};

}  // namespace hidewire::profiles
