// The STU3 -> R4 maps (mapping/stu3/*.json), read once into typed structs; every problem in a map
// file is reported with its JSON path (MapError).
#pragma once

#include <map>
#include <optional>
#include <stdexcept>
#include <string>
#include <string_view>
#include <vector>

namespace hidewire::mapping::stu3 {

struct MapError : std::runtime_error {
  using std::runtime_error::runtime_error;
};

// One step of a resource type's map, in the order written (mapping/README.md lists the kinds).
struct Op {
  enum class Kind { Type, Rename, Move, Lift, Code, Concept, Derive, Annotation, Split, Default, Drop, Append };
  Kind kind = Kind::Drop;
  std::vector<std::string> path;  // dotted path from the resource, split ("performer", "role")
  std::string to;                 // new name (rename), target path (move, derive, annotation), list (append), type (type)
  std::string child;              // lift: the member that replaces its parent
  std::string system;             // concept: the R4 code system
  std::string table;              // code, concept, derive, split
  std::string key, value;         // split: the member choosing the target, the member carried
  std::string value_json;         // default: the value given when the element is missing
  std::vector<std::string> unless;  // move, default: skip when one of these is present
};

struct Table {
  std::map<std::string, std::optional<std::string>> map;  // nullopt: consumed, nothing to carry
  bool keep_others = false;
};

struct ExtensionRule {
  std::string url;                                          // the R4 URL (empty with keep/element)
  bool keep = false;                                        // carried under its STU3 URL
  std::string element;                                      // carried as this element instead
  std::vector<std::string> element_types;                   // ...of these resource types
  std::map<std::string, std::optional<std::string>> children;  // sub-extension renames (nullopt: reported)
  std::map<std::string, std::string> child_elements;           // sub-extensions carried as elements (dotted path)
  std::map<std::string, std::string> as;                    // sub-extension (R4 name) -> value type
  std::string on;                                           // moved onto this element of the resource (its context)
  std::string value_system;                                 // a code value carried as a CodeableConcept of this system
};

struct Maps {
  std::vector<Op> common;
  std::map<std::string, std::vector<Op>, std::less<>> types;
  std::map<std::string, Table, std::less<>> tables;
  std::map<std::string, std::string, std::less<>> systems;
  std::vector<std::pair<std::string, std::string>> system_prefixes;
  std::map<std::string, ExtensionRule, std::less<>> extensions;

  // The maps linked into the binary, read on first use; thread-safe.
  static const Maps& builtin();
  // Reads map files' text; throws MapError naming the JSON path of the first problem.
  static Maps load(std::string_view resources_json, std::string_view tables_json, std::string_view extensions_json);

  const Table* table(std::string_view name) const;
  // The R4 code system for an STU3 one (the same when unchanged).
  std::string system(std::string_view stu3) const;
};

}  // namespace hidewire::mapping::stu3
