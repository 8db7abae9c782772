// What the pieces of epr_bundle share while one Bundle is made: the report, the codes, the
// entries so far, and the small FHIR value builders.
#pragma once

#include <rapidjson/document.h>

#include <string>
#include <vector>

#include "fhir/bundle_builder.hpp"
#include "plugins/common/bundle_parts.hpp"
#include "plugins/converters/ambulance/epr_bundle.hpp"

namespace hidewire::plugins::ambulance {

using J = rapidjson::Value;

using Entry = BundleParts::Entry;

struct Ctx : BundleParts {
  Ctx(const Record& rec, const Codes& c, const BundleOptions& o, fhir::Diagnostics& diag) : r(rec), codes(c), opts(o), d(diag) {}
  const Record& r;
  const Codes& codes;
  const BundleOptions& opts;
  fhir::Diagnostics& d;
  std::string ods;       // the ambulance service's ODS code
  std::string incident;  // the incident number: every record identifier starts with it
  int patient = -1, encounter = -1, service = -1, first_crew = -1;

  J coding(const Coding& c);
  J codeable(const std::vector<Coding>& codings, const std::string& text);
  // A record of this incident: identifier `{incident}/{suffix}` in the service's record system.
  J record_identifier(const std::string& suffix);
  J quantity(const std::string& raw_number, const std::string& unit, const std::string& ucum);
  // The value as a raw JSON number, or empty with an error at its location.
  std::string number(const Value& v, const std::string& what);
  // Adds subject (and encounter, when `encounter_path`) references to the report's patient and encounter.
  void link(J& res, const char* subject_path, const char* encounter_path);
  int add(const std::string& type, J res, fhir::build::Write how) { return BundleParts::add(opts.control_id, type, std::move(res), how); }
};

// The Encounter (times, crew, conveyance: sets out.event) and the care given (Condition,
// MedicationAdministration, Flag): epr_care.cpp.
void add_encounter(Ctx& c, BuiltBundle& out);
void add_care(Ctx& c);
// The observation sets: vital signs, ACVPU, air or oxygen, and the NEWS2 total with its parts.
void add_observations(Ctx& c);

}  // namespace hidewire::plugins::ambulance
