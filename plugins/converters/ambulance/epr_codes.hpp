// The FHIR side of the ambulance maps (mapping/ambulance/fhir_codes.json), read once: each
// observation's codes, profile and UCUM unit, the NEWS2 scoring bands, the code tables the
// vendor maps translate into, and the identifier systems.
#pragma once

#include <map>
#include <optional>
#include <string>
#include <vector>

namespace hidewire::plugins::ambulance {

struct Coding {
  std::string system, code, display;
  bool conveyed = false;  // conveyance outcomes: whether the patient went somewhere
};

struct ObservationDef {
  std::string profile, category, unit, ucum;
  std::vector<Coding> code;
  std::string text;         // code.text, where a profile slices on it (blood pressure components)
  std::string value_table;  // the value is a coded word of this table (ACVPU)
  std::string code_table;   // the code itself is chosen by the value (air or oxygen)
  std::map<std::string, ObservationDef> components;  // blood pressure: systolic, diastolic
};

// A NEWS2 parameter's points: bands of inclusive upper bounds (the last one open), or points per word.
struct ScoreDef {
  Coding code;
  std::vector<std::pair<std::optional<double>, int>> bands, bands_on_oxygen;
  std::map<std::string, int> points;
  std::optional<int> score(const std::string& value, bool on_oxygen) const;
};

struct Codes {
  std::map<std::string, std::string> systems;  // incident, patient, staff, hcpc ("{ods}" replaced)
  std::map<std::string, ObservationDef> observations;
  std::map<std::string, ScoreDef> news2;
  std::map<std::string, std::map<std::string, Coding>> tables;

  const Coding* lookup(const std::string& table, const std::string& word) const;
  std::string system(const std::string& name, const std::string& ods) const;
};

// Throws MapError naming the JSON path of each problem.
Codes load_codes(const std::string& json, const std::string& source);

}  // namespace hidewire::plugins::ambulance
