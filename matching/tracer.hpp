// Tracing a person without a usable NHS number: each index in order (the node's own first, then
// PDS where configured); the first confident single match wins. Otherwise the record is held for
// an operator with the reason and the best candidates seen.
#pragma once

#include <string>
#include <vector>

#include "matching/patient_index.hpp"

namespace hidewire::matching {

struct Trace {
  MatchResult::Kind kind = MatchResult::Kind::None;
  std::string nhs_number;   // Confident: the person's
  bool verified = false;    // Confident: from PDS (verification status 01) or not (02)
  std::string reason;       // for the journal and the operator
  std::vector<Scored> ranked;  // the candidates of the decisive index (else of every index, best first)
};

Trace trace(const Demographics& query, const std::vector<const PatientIndex*>& indexes, const Thresholds& t);

}  // namespace hidewire::matching
