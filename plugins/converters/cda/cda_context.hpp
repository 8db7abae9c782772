// What the pieces of the CDA converter share while one Bundle is made: the maps, the
// diagnostics, the elements read, the entries so far and the small FHIR value builders.
#pragma once

#include <rapidjson/document.h>

#include <map>
#include <string>
#include <vector>

#include "fhir/bundle_builder.hpp"
#include "fhir/diagnostics.hpp"
#include "plugins/common/bundle_parts.hpp"
#include "plugins/converters/cda/cda_maps.hpp"
#include "plugins/converters/cda/cda_xml.hpp"

namespace hidewire::plugins::cda {

using J = rapidjson::Value;

using Entry = PendingEntry;

struct Ctx : BundleParts {
  Ctx(const Maps& m, fhir::Diagnostics& diag, std::string seed) : maps(m), d(diag), control_id(std::move(seed)) {}
  const Maps& maps;
  fhir::Diagnostics& d;
  std::string control_id;  // the fullUrls' seed
  Seen seen;
  std::string record_key;  // the document set's id: every record identifier starts with it
  bool trace_patients = false;
  int patient = -1, encounter = -1, custodian = -1, gp = -1;
  std::vector<int> authors;  // PractitionerRole (or Organization) entries, Composition.author
  std::string nhs_number, custodian_ods, gp_ods;
  std::map<std::string, int> organisations;  // ODS code -> its Organization entry: one each per Bundle

  // The element, marked read; null stays null.
  Xml read(Xml n) {
    if (n) seen.mark(n);
    return n;
  }
  Xml read(Xml parent, std::string_view local) { return read(child(parent, local)); }
  // A CD/CE/CV element as a CodeableConcept (object without members when it has no code nor text).
  J codeable(Xml cd);
  J coding(const Coding& c);
  using BundleParts::identifier;
  // An II (root, extension) as an Identifier; null when it has no root.
  J identifier(Xml ii);
  // Identifier `{record_key}/{suffix}` in the converter's record system.
  J record_identifier(const std::string& suffix);
  // A reference to the entry by fullUrl with its first identifier (routes match on it).
  J ref_with_identifier(int entry);
  // A TS element's value as a FHIR dateTime; empty (and an error at it) when unreadable.
  std::string time(Xml ts);
  int add(const std::string& type, J res, fhir::build::Write how) { return BundleParts::add(control_id, type, std::move(res), how); }
};

// The header: Patient, the author (Practitioner, PractitionerRole, Organization), the custodian,
// the recipients (the registered GP) and the Encounter (the 111 call and its disposition).
void add_header(Ctx& c, Xml doc);
// The body's sections as Composition.section, their coded entries as resources.
J make_sections(Ctx& c, Xml doc);

}  // namespace hidewire::plugins::cda
