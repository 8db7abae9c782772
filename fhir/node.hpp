// The format-neutral FHIR resource tree: what FHIR JSON and FHIR XML both carry.
// Repeated elements are consecutive siblings with the same name (as in XML); a JSON array
// is rebuilt from them using the element definition's cardinality.
#pragma once

#include <cstdint>
#include <string>
#include <string_view>
#include <vector>

namespace hidewire::fhir {

struct ElementDef;
struct TypeDef;

// How a primitive value was written in JSON, so the validator can report type mismatches.
enum class JsonKind : std::uint8_t { None, String, Number, Bool };

struct Node {
  std::string name;   // JSON property / XML element name, e.g. "valueQuantity"; resourceType for a root
  std::string value;  // primitive lexical value exactly as written (decimals keep their digits); xhtml markup
  std::vector<Node> children;  // complex: child elements in order; primitive: "id" and "extension" only

  const ElementDef* def = nullptr;  // schema element (null for roots and unknown elements)
  const TypeDef* type = nullptr;    // resolved FHIR type (Quantity for valueQuantity, Patient for a resource)

  JsonKind json_kind = JsonKind::None;
  bool has_value = false;     // primitive carries a value (a primitive may have only id/extension)
  bool is_primitive = false;  // FHIR primitive (value attribute in XML, `_name` companion in JSON)
  bool is_resource = false;   // a resource: root, contained, Bundle.entry.resource, Parameters...resource
  bool is_xhtml = false;      // Narrative.div: value holds the XHTML markup
  bool is_null = false;       // placeholder for `null` in a JSON primitive array (id/extension only)

  // Resource type when is_resource (the node's name is the element name for contained resources).
  std::string_view resource_type() const;
  const Node* child(std::string_view child_name) const;
  Node* child(std::string_view child_name);
};

// A parsed resource with the identity of where it came from, for diagnostics.
struct Resource {
  Node root;
  std::string source;  // file name or channel, for messages
};

}  // namespace hidewire::fhir
