// The deterministic demographic score: points per field, summed, compared with typed thresholds.
// Exact NHS number first; then family name, given name, date of birth (a transposed day and
// month scores less than the exact date), postcode, sex. Points are fixed, so the same two
// records always score the same; docs/MATCHING.md has the table.
#pragma once

#include <string>
#include <vector>

#include "matching/demographics.hpp"

namespace hidewire::matching {

struct Thresholds {
  // The best candidate must score at least this to be keyed: more than name, date of birth and
  // sex alone (80), which a namesake born the same day elsewhere shares ...
  int confident = 85;
  int candidate = 50;  // (candidates under this are not counted at all) ...
  int margin = 15;     // ... and every other must score at least `margin` less than it
};

struct Score {
  int total = 0;
  int family = 0, given = 0, birth_date = 0, postcode = 0, gender = 0;
  bool nhs_number = false;  // the same valid NHS number: decided on that alone
};

Score score(const Demographics& query, const Demographics& candidate);

// A person an index holds: their demographics and where the NHS number came from.
struct Candidate {
  Demographics person;
  bool verified = false;  // the NHS number is the spine's (PDS): verification status 01, else 02
  std::string source;     // the index that found it: "store", "pds"
  std::string reference;  // e.g. Patient/123 in the index
};

struct Scored {
  Candidate candidate;
  Score score;
};

struct MatchResult {
  enum class Kind { Confident, Ambiguous, None };
  Kind kind = Kind::None;
  std::vector<Scored> ranked;  // candidates scoring at least `candidate`, best first
  std::string reason;          // why, for the operator: no NHS number or content in it
};

// Ranks the candidates and decides: one confident match, several close ones, or none. A
// candidate without a valid NHS number can make a match ambiguous but is never keyed to.
MatchResult decide(const Demographics& query, std::vector<Candidate> candidates, const Thresholds& t);

const char* kind_name(MatchResult::Kind k);

}  // namespace hidewire::matching
