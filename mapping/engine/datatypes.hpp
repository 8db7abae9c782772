// HL7 v2 data types to FHIR R4 JSON values, after the v2-to-FHIR guide's data type maps
// (CX -> Identifier, XPN -> HumanName, XAD -> Address, XTN -> ContactPoint, CWE ->
// CodeableConcept, DTM -> dateTime...).
#pragma once

#include <rapidjson/document.h>

#include <map>
#include <string>
#include <string_view>

#include "hl7v2/message.hpp"
#include "mapping/engine/map_model.hpp"

namespace hidewire::mapping {

using JsonValue = rapidjson::Value;
using JsonAlloc = rapidjson::MemoryPoolAllocator<>;

struct Converted {
  JsonValue value;
  std::string suffix;   // for choice paths (value -> valueQuantity)
  std::string problem;  // set when the v2 value cannot be converted: an error, the message is refused
  std::string warning;  // set when the value was kept in a lesser form (as text) or left out
  bool empty = true;
};

// Assigning authorities (CX-4, EI-2/3, HD) and coding systems named in messages -> URI: the
// node's configured table first, then the maps' (tables.json "assigning-authority").
using AuthorityTable = std::map<std::string, std::string>;

// One repetition of a field (`text`), within segment `seg` of message `m`, into `out` (a fresh
// Converted: filled in place, the result is not moved through its strings on every value).
void convert_value(Converted& out, const FieldMap& f, const hl7v2::Message& m, const hl7v2::Segment& seg, std::string_view text,
                   const MapSet& maps, JsonAlloc& a, const AuthorityTable* authorities = nullptr);

// A coding system named in a message (CWE-3: SCT, LN, HL70063, a local name) as a URI: the
// well-known ones, then the authority tables, else urn:hidewire:codesystem:NAME; `fallback`
// (the map's system) when the message names none. (systems.cpp)
std::string coding_system(const std::string& v2_system, const std::string& fallback, const MapSet& maps,
                          const AuthorityTable* authorities);
// Percent-encodes every byte outside RFC 3986's unreserved set, so any name makes a valid URI.
std::string percent_encode(std::string_view s);
// The identifier system for an assigning authority: the configured or mapped URI of its
// namespace id; else its universal id (HD-2) as urn:oid: (ISO) or itself (URI, URL); else
// urn:hidewire:identifier:NAME, percent-encoded.
std::string identifier_system(const std::string& namespace_id, const std::string& universal_id, const std::string& universal_type,
                              const MapSet& maps, const AuthorityTable* authorities);

// v2 timestamps: YYYY[MM[DD[HH[MM[SS[.S+]]]]]][+/-ZZZZ] as a FHIR date or dateTime. A time with
// no zone is taken as UK local time (GMT or BST for that date). Empty when unreadable. (timestamps.cpp)
std::string v2_date(std::string_view ts);
std::string v2_datetime(std::string_view ts, bool instant);

inline constexpr std::string_view kNhsNumberSystem = "https://fhir.nhs.uk/Id/nhs-number";
inline constexpr std::string_view kOdsSystem = "https://fhir.nhs.uk/Id/ods-organization-code";
// Marks a string that holds a decimal to be written as a JSON number with its digits as sent.
inline const std::string kRawNumber = "\x01";

}  // namespace hidewire::mapping
