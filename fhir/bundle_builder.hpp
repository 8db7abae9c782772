// The FHIR building blocks every converter uses to make a node's transaction Bundle: stable
// fullUrls, NHS-number keying with conditional requests (so the same patient is one Patient
// whatever sent it), the patient and encounter links of each resource type, and the Provenance
// that says which message a Bundle came from. Converters (HL7 v2 maps, FHIR, and the formats to
// come) build their resources and hand them here, so these rules are written once.
#pragma once

#include <rapidjson/document.h>

#include <cstddef>
#include <string>
#include <string_view>
#include <vector>

namespace hidewire::fhir::build {

using Json = rapidjson::Value;
using Alloc = rapidjson::MemoryPoolAllocator<>;

// A version-4-shaped UUID from the message identity (`seed`) and the entry number: converting
// the same message again gives the same fullUrls.
std::string stable_uuid(const std::string& seed, std::size_t n);

// Where a resource type points at its patient and its encounter (FHIR knowledge, not message
// maps); null members when the type has none. "participant[]" and "context.encounter[]" are
// paths into arrays.
struct LinkPaths {
  const char* patient = nullptr;
  const char* encounter = nullptr;
};
LinkPaths link_paths(std::string_view resource_type);

// One query parameter value of a request URL (RFC 3986): conditional URLs carry identifier
// systems and values that may hold '%', '&', '|', '#' or spaces, so each is encoded on the way
// out and decoded by whoever matches on it (the store, the API's write rules).
std::string encode_query_value(std::string_view s);
std::string decode_query_value(std::string_view s);

// The conditional URL a resource is keyed by in a transaction: a Patient by its NHS number when
// it has one ("Patient?identifier=https://fhir.nhs.uk/Id/nhs-number|9434765919"), any resource by
// its first identifier (or masterIdentifier) with a system; empty when it has no key.
std::string conditional_url(std::string_view resource_type, const Json& resource, std::string_view nhs_number = {});
// The NHS number in a Patient's identifiers (system https://fhir.nhs.uk/Id/nhs-number), or empty.
std::string nhs_number_of(const Json& patient);

// How a transaction entry writes its resource.
enum class Write {
  Upsert,          // PUT to the conditional URL: updates the one match or creates
  CreateIfAbsent,  // POST with ifNoneExist: never overwrites what another message wrote
  Create,          // POST: a new resource every time (no key)
};

// The UK Core 2.0.0 profile of a resource type (https://fhir.hl7.org.uk/StructureDefinition/
// UKCore-<Type>), or empty where UK Core has none (Basic, Goal...).
std::string_view uk_core_profile(std::string_view resource_type);
// Adds the type's UK Core profile to the resource's meta.profile (once; none for a type without).
void declare_uk_core(Json& resource, std::string_view resource_type, Alloc& a);

// One transaction entry; an empty `url_key` makes any Write a plain Create. What a converter
// makes declares its UK Core profile (`declare_uk_core`), so every converter's output claims, and
// is gated against, England's recording standard; a resource passed through as the sender
// wrote it (`declare` false) claims only what it says itself.
Json transaction_entry(const std::string& full_url, std::string_view resource_type, Json resource, const std::string& url_key,
                       Write write, Alloc& a, bool declare = true);

// Where a Bundle came from, for its Provenance.
struct Source {
  std::string recorded;      // FHIR instant: when the message was received or sent
  std::string agent;         // who sent it, for people: "PAS at RR8", a source's name
  std::string id_system;     // the message's identity: urn:hidewire:hl7v2-message-control-id ...
  std::string id_value;      // MSH-10, a body's SHA-256
  std::string display;       // ADT^A01, "FHIR transaction"
  // The sender's organisation as its credential established it (ODS code; empty: not known).
  // Named as the agent's onBehalfOf, by its ODS identifier: never taken from the message.
  std::string organisation_ods;
};
// The ODS organisation code system (Organization identifiers, Provenance agents).
inline constexpr const char* kOdsSystem = "https://fhir.nhs.uk/Id/ods-organization-code";
// A Provenance naming every target by its fullUrl and the message as its source entity.
Json provenance(const std::vector<std::string>& target_full_urls, const Source& source, Alloc& a);

// A transaction Bundle of the entries (moved in), with its timestamp when given.
Json transaction_bundle(std::vector<Json>& entries, const std::string& timestamp, Alloc& a);

}  // namespace hidewire::fhir::build
