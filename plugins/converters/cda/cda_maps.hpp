// The CDA maps (mapping/cda/cda_map.json) as the converter reads them: code system and
// identifier OIDs to URIs, section templates to FHIR section codes and resource kinds, and the
// small code tables (sex, confidentiality, NHS number verification status).
#pragma once

#include <unordered_map>
#include <set>
#include <stdexcept>
#include <string>

namespace hidewire::plugins::cda {

struct MapError : std::runtime_error {
  using std::runtime_error::runtime_error;
};

struct Coding {
  std::string system, code, display;
};

// What a section's template (or, for a narrative section, its title) stands for.
struct SectionRule {
  std::string kind;      // "narrative" or "coded"
  std::string resource;  // coded: the resource each entry becomes (Condition, Observation...)
  Coding code;           // the section's code (a UK Core record standard heading); empty code: none
  std::string category;  // coded Observation: its category (observation-category), or none
};

struct Maps {
  // Hashed: OIDs share long prefixes, which ordered maps compare again and again.
  std::unordered_map<std::string, std::string> code_systems, identifier_systems, gender, confidentiality;
  std::unordered_map<std::string, Coding> nhs_number;  // id root -> verification status
  std::unordered_map<std::string, SectionRule> sections, section_titles;
  std::set<std::string> ignore;  // element paths not reported as unmapped
  Coding encounter_class;

  // The FHIR URI of a CDA code system OID: the map's, else urn:oid:OID.
  std::string code_system(const std::string& oid) const;
  // The identifier system of an id root: the map's, else urn:oid:ROOT (a UUID root: urn:ietf:rfc:3986).
  std::string identifier_system(const std::string& root) const;

  // Read from map JSON; throws MapError naming the JSON path of a problem.
  static Maps load(const char* json, const std::string& source);
  static const Maps& builtin();
};

}  // namespace hidewire::plugins::cda
