// Small reads of FHIR JSON (rapidjson values) shared by the patient facts and the Consent parser.
#pragma once

#include <rapidjson/document.h>

#include <string>
#include <string_view>

namespace hidewire::auth::json {

using Json = rapidjson::Value;

inline constexpr std::string_view kOds = "https://fhir.nhs.uk/Id/ods-organization-code";
inline constexpr std::string_view kNhsNumber = "https://fhir.nhs.uk/Id/nhs-number";

inline const Json* member(const Json& o, const char* key) {
  if (!o.IsObject()) return nullptr;
  auto it = o.FindMember(key);
  return it == o.MemberEnd() ? nullptr : &it->value;
}

inline std::string_view text(const Json& o, const char* key) {
  const Json* v = member(o, key);
  return v && v->IsString() ? std::string_view(v->GetString(), v->GetStringLength()) : std::string_view();
}

// Calls f for each element of an array, or for the value itself when it is not one.
template <typename F>
void each(const Json* v, F&& f) {
  if (!v) return;
  if (v->IsArray())
    for (const Json& x : v->GetArray()) f(x);
  else
    f(*v);
}

// Calls f(system, code) for each Coding of a CodeableConcept (or of an array of them).
template <typename F>
void each_coding(const Json* concept_or_list, F&& f) {
  each(concept_or_list, [&](const Json& cc) {
    each(member(cc, "coding"), [&](const Json& c) { f(text(c, "system"), text(c, "code")); });
  });
}

inline bool has_coding(const Json* concept_or_list, std::string_view system, std::string_view code) {
  bool found = false;
  each_coding(concept_or_list, [&](std::string_view s, std::string_view c) { found = found || (c == code && (system.empty() || s == system)); });
  return found;
}

// The value of the identifier with `system` among `identifier` (one or an array), or empty.
inline std::string identifier_value(const Json& resource_or_ref, std::string_view system) {
  std::string out;
  each(member(resource_or_ref, "identifier"), [&](const Json& id) {
    if (out.empty() && text(id, "system") == system) out = std::string(text(id, "value"));
  });
  return out;
}

}  // namespace hidewire::auth::json
