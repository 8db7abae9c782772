// FHIR JSON and XML, read into and written from the format-neutral Node tree. Both readers type
// every node against the schema as they go; problems that still leave a tree (unknown elements,
// a number where a string belongs) become diagnostics, unreadable input is fatal.
#pragma once

#include <cstddef>
#include <string>
#include <string_view>

#include "fhir/diagnostics.hpp"
#include "fhir/node.hpp"
#include "fhir/schema.hpp"

namespace hidewire::fhir {

struct ParseLimits {
  std::size_t max_bytes = 64u << 20;  // whole document
  unsigned max_depth = 100;           // element nesting
};

enum class Format { Json, Xml, Unknown };
Format detect_format(std::string_view text);  // first non-space byte: '{' JSON, '<' XML
std::string_view format_name(Format f);

// Returns false (with a fatal issue in `diags`) when no resource could be read.
bool parse_json(std::string_view text, const Schema& schema, Node& out, Diagnostics& diags,
                const ParseLimits& limits = {});
bool parse_xml(std::string_view text, const Schema& schema, Node& out, Diagnostics& diags,
               const ParseLimits& limits = {});
bool parse_any(std::string_view text, const Schema& schema, Node& out, Diagnostics& diags,
               const ParseLimits& limits = {});

struct WriteOptions {
  bool pretty = false;
};
std::string write_json(const Node& resource, const WriteOptions& opts = {});
std::string write_xml(const Node& resource, const WriteOptions& opts = {});

}  // namespace hidewire::fhir
