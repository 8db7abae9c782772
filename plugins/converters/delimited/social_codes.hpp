// The FHIR side of the social-care maps (mapping/social/fhir_codes.json), shared by every sender:
// the model's words for services, visits, conditions, relationships... and their FHIR codings
// (SNOMED CT, HL7 v3 RoleCode), and the identifier systems. An entry with no code is carried as
// text: a word the standard codes cannot say exactly is never coded by approximation.
#pragma once

#include <map>
#include <string>

namespace hidewire::plugins::social {

struct Coding {
  std::string system, code, display;
  std::string kind;  // coordinator roles: "practitioner" or "related-person"
};

struct Codes {
  std::map<std::string, std::string> systems;  // person, record ("{ods}" replaced)
  std::map<std::string, std::map<std::string, Coding>> tables;

  // Null for a word the table lacks, and for "text:..." (a sender's word no map translated).
  const Coding* lookup(const std::string& table, const std::string& word) const;
  std::string system(const std::string& name, const std::string& ods) const;
};

// Throws MapError naming the JSON path of each problem.
Codes load_codes(const std::string& json, const std::string& source);

// A model value as people read it: "text:Meals at home" -> "Meals at home".
std::string plain(const std::string& word);

}  // namespace hidewire::plugins::social
