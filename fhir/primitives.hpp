// FHIR R4 primitive types: their lexical rules and how each is written in JSON.
#pragma once

#include <cstdint>
#include <string>
#include <string_view>

namespace hidewire::fhir {

enum class Primitive : std::uint8_t {
  NotPrimitive,
  Base64Binary, Boolean, Canonical, Code, Date, DateTime, Decimal, Id, Instant, Integer,
  Markdown, Oid, PositiveInt, String, Time, UnsignedInt, Uri, Url, Uuid, Xhtml,
};

// Primitive kind of a FHIR type code ("dateTime" -> DateTime); NotPrimitive for complex types.
Primitive primitive_kind(std::string_view type_code);
std::string_view primitive_name(Primitive p);

// JSON representation of the type: number (integer, unsignedInt, positiveInt, decimal),
// boolean, or string (everything else).
bool is_json_number(Primitive p);
bool is_json_bool(Primitive p);

// Checks a lexical value against the spec's rules for the type (regexes of the R4 spec,
// ranges of integer types, 1 MiB string limit...). Empty result: valid. Otherwise a short
// message such as "not a valid dateTime: '2020-13-01' (month 13)".
std::string check_primitive(Primitive p, std::string_view value);

// Whether a URI is absolute: it starts with a scheme ("https:", "urn:").
bool is_absolute_uri(std::string_view uri);

}  // namespace hidewire::fhir
