// A parent chain of element names, rendered into a FHIRPath-style location only when a
// problem is reported, so readers and the validator build no strings on the happy path.
#pragma once

#include <string>
#include <string_view>

namespace hidewire::fhir {

struct PathFrame {
  const PathFrame* parent = nullptr;
  std::string_view name;
  int index = -1;  // position among same-named siblings when the element repeats

  std::string render() const {
    std::string out = parent ? parent->render() : std::string();
    if (!out.empty()) out += '.';
    out += name;
    if (index >= 0) {
      out += '[';
      out += std::to_string(index);
      out += ']';
    }
    return out;
  }
  std::string render(std::string_view leaf) const {
    std::string out = render();
    out += '.';
    out += leaf;
    return out;
  }
};

}  // namespace hidewire::fhir
