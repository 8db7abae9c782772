// FHIR R4 type model loaded from the generated schema data (schemas/r4, see docs/SCHEMA_FORMAT.md).
// Backbone elements get synthetic types named by their path ("Patient.contact") so that every
// complex node, resource or backbone, resolves its children the same way.
#pragma once

#include <cstdint>
#include <limits>
#include <memory>
#include <string>
#include <string_view>
#include <unordered_map>
#include <unordered_set>
#include <vector>

#include "fhir/primitives.hpp"

namespace hidewire::fhir {

struct TypeDef;

struct StringHash {
  using is_transparent = void;
  std::size_t operator()(std::string_view s) const { return std::hash<std::string_view>{}(s); }
};
template <typename V>
using StringMap = std::unordered_map<std::string, V, StringHash, std::equal_to<>>;
using StringSet = std::unordered_set<std::string, StringHash, std::equal_to<>>;

enum class TypeKind : std::uint8_t { Primitive, Complex, Resource, Logical, Backbone };
enum class BindingStrength : std::uint8_t { None, Example, Preferred, Extensible, Required };

inline constexpr std::uint32_t kUnbounded = std::numeric_limits<std::uint32_t>::max();

struct TypeRef {
  std::string code;                         // FHIR type name ("Quantity", "Reference", "string")
  const TypeDef* type = nullptr;            // resolved type (null for System.* value types)
  std::vector<std::string> target_profiles; // Reference/canonical targets, shortened to type names
};

struct Constraint {
  std::string key, severity, human, expression, xpath;
};

struct ElementDef {
  std::string path;  // "Observation.value[x]"
  std::string name;  // "value[x]"
  std::uint32_t min = 0;
  std::uint32_t max = 1;  // kUnbounded for "*"
  std::uint32_t order = 0;  // position among its siblings: the XML order
  std::vector<TypeRef> types;
  const TypeDef* inline_type = nullptr;  // backbone children or contentReference target
  BindingStrength binding = BindingStrength::None;
  std::string value_set;  // binding value set URL (no version)
  std::vector<Constraint> constraints;
  bool is_choice = false;
  bool xml_attr = false;
  bool summary = false;
  bool modifier = false;

  bool is_array() const { return max > 1; }
  std::string_view base_name() const;  // "value" for "value[x]"
};

// A child name resolved against its parent type; for choices, `type` is the chosen type.
struct ChildRef {
  const ElementDef* def = nullptr;
  const TypeDef* type = nullptr;  // null when the element's only type is a System.* value
};

struct TypeDef {
 public:
  std::string name;
  TypeKind kind = TypeKind::Complex;
  bool is_abstract = false;
  const TypeDef* base = nullptr;
  Primitive primitive = Primitive::NotPrimitive;
  std::string regex;
  std::vector<Constraint> constraints;      // invariants of the type itself (root element)
  std::vector<const ElementDef*> elements;  // direct children in definition order
  StringMap<ChildRef> children;             // by JSON/XML name, choices expanded (valueQuantity)

  // Child by name. This is the readers' hottest look-up, so it probes a small open-addressing
  // table with a cheap hash of the name's length and edge characters, not `children`.
  const ChildRef* find(std::string_view child_name) const;
  void build_index();

  bool is_primitive() const { return kind == TypeKind::Primitive; }
  bool is_resource() const { return kind == TypeKind::Resource; }
  bool derives_from(std::string_view ancestor) const;

 private:
  struct Slot {
    std::string_view name;
    const ChildRef* ref = nullptr;
  };
  std::vector<Slot> index_;
  std::size_t mask_ = 0;
};

struct ValueSetCodes {
  std::string name;
  bool complete = false;
  StringSet system_codes;  // "system|code"
  StringSet codes;         // "code" alone, for `code` elements that carry no system
};

class Schema {
 public:
  // The schema linked into the binary (schemas/r4), parsed once on first use; thread-safe.
  static const Schema& r4();
  // Parses structure JSON (and value set JSON, which may be empty); throws std::runtime_error.
  static std::unique_ptr<Schema> load(std::string_view structure_json, std::string_view valuesets_json);

  const TypeDef* type(std::string_view name) const;
  // A concrete resource type, or null (abstract and unknown names give null).
  const TypeDef* resource(std::string_view name) const;
  const ValueSetCodes* value_set(std::string_view url) const;  // url with or without |version
  const std::vector<const TypeDef*>& resource_types() const { return resource_list_; }
  std::string_view fhir_version() const { return fhir_version_; }

 private:
  Schema() = default;
  std::string fhir_version_;
  std::vector<std::unique_ptr<TypeDef>> types_;
  std::vector<std::unique_ptr<ElementDef>> elements_;
  StringMap<const TypeDef*> by_name_;
  std::vector<const TypeDef*> resource_list_;
  StringMap<ValueSetCodes> value_sets_;
  friend class SchemaBuilder;
};

}  // namespace hidewire::fhir
