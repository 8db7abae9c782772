#include "fhir/node.hpp"

#include "fhir/schema.hpp"

namespace hidewire::fhir {

std::string_view Node::resource_type() const {
  if (type) return type->name;
  return name;
}

const Node* Node::child(std::string_view child_name) const {
  for (const Node& c : children)
    if (c.name == child_name) return &c;
  return nullptr;
}

Node* Node::child(std::string_view child_name) {
  for (Node& c : children)
    if (c.name == child_name) return &c;
  return nullptr;
}

}  // namespace hidewire::fhir
