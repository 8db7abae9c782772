#include "matching/tracer.hpp"

#include <algorithm>

namespace hidewire::matching {

Trace trace(const Demographics& query, const std::vector<const PatientIndex*>& indexes, const Thresholds& t) {
  Trace out;
  out.reason = "no patient index configured";
  std::string reasons;
  bool ambiguous = false;
  for (const PatientIndex* index : indexes) {
    MatchResult r;
    try {
      r = decide(query, index->candidates(query), t);
    } catch (const IndexUnavailable& e) {
      r.reason = std::string("could not be asked: ") + e.what();
    }
    if (r.kind == MatchResult::Kind::Confident) {
      const Candidate& c = r.ranked.front().candidate;
      out.kind = r.kind;
      out.nhs_number = c.person.nhs_number;
      out.verified = c.verified;
      out.reason = index->name() + ": " + r.reason;
      out.ranked = std::move(r.ranked);
      return out;
    }
    ambiguous = ambiguous || r.kind == MatchResult::Kind::Ambiguous;
    reasons += (reasons.empty() ? "" : "; ") + index->name() + ": " + r.reason;
    for (Scored& s : r.ranked) out.ranked.push_back(std::move(s));
  }
  std::stable_sort(out.ranked.begin(), out.ranked.end(), [](const Scored& a, const Scored& b) { return a.score.total > b.score.total; });
  out.kind = ambiguous ? MatchResult::Kind::Ambiguous : MatchResult::Kind::None;
  if (!reasons.empty()) out.reason = reasons;
  return out;
}

}  // namespace hidewire::matching
