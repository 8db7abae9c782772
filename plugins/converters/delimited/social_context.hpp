// What the pieces of social_bundle share while one Bundle is made: the record, the codes, the
// entries so far, and the small FHIR value builders.
#pragma once

#include <rapidjson/document.h>

#include <map>
#include <string>
#include <vector>

#include "fhir/bundle_builder.hpp"
#include "plugins/common/bundle_parts.hpp"
#include "plugins/converters/delimited/social_bundle.hpp"

namespace hidewire::plugins::social {

using J = rapidjson::Value;

struct Ctx : BundleParts {
  Ctx(const Record& rec, const Codes& c, const BundleOptions& o, fhir::Diagnostics& diag) : r(rec), codes(c), opts(o), d(diag) {}
  const Record& r;
  const Codes& codes;
  const BundleOptions& opts;
  fhir::Diagnostics& d;
  std::string person_id;  // the council's id for the person: every record identifier starts with it
  int patient = -1, council = -1, care_team = -1, episode = -1;
  std::map<std::string, int> carers;  // by name: a carer who also coordinates is one RelatedPerson

  J coding(const Coding& c);
  // The model word's coding from `table` with its display as text, else the sender's own words as text alone.
  J codeable(const std::string& table, const std::string& word);
  // A record of this person: identifier `{person id}/{suffix}` in the council's record system.
  J record_identifier(const std::string& suffix);
  J annotation(const std::string& text);
  // Narrative (status additional) of the free text, XHTML-escaped.
  J narrative(const std::string& text);
  void add_subject(J& res, const char* member);
  int add(const std::string& type, J res, fhir::build::Write how = fhir::build::Write::Upsert) {
    return BundleParts::add(opts.control_id, type, std::move(res), how);
  }
};

// social_care.cpp: carers, the coordinator and care team, the episode, the plan, referrals,
// visits, conditions and alerts.
void add_carers(Ctx& c);
void add_care_team(Ctx& c);
void add_episodes(Ctx& c);
void add_plans(Ctx& c);
void add_referrals_and_visits(Ctx& c);
void add_conditions_and_alerts(Ctx& c);

}  // namespace hidewire::plugins::social
