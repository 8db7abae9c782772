#include "matching/score.hpp"

#include <algorithm>
#include <set>

#include "fhir/nhs_number.hpp"
#include "matching/normalise.hpp"

namespace hidewire::matching {
namespace {

std::string joined(const std::vector<std::string>& tokens) {
  std::string out;
  for (const std::string& t : tokens) out += t;
  return out;
}

std::vector<std::string> given_tokens(const std::vector<std::string>& given) {
  std::vector<std::string> out;
  for (const std::string& g : given)
    for (std::string& t : name_tokens(g)) out.push_back(std::move(t));
  return out;
}

// "O'Neill-Brown" and "Oneill Brown" are the same name; "Brown" alone shares a part of it.
int family_points(const std::string& a, const std::string& b) {
  std::vector<std::string> ta = name_tokens(a), tb = name_tokens(b);
  if (ta.empty() || tb.empty()) return 0;
  std::string ja = joined(ta), jb = joined(tb);
  if (ja == jb) return 30;
  for (const std::string& t : ta)
    if (t.size() > 1 && std::find(tb.begin(), tb.end(), t) != tb.end()) return 20;
  if (std::min(ja.size(), jb.size()) >= 4 && edit_distance(ja, jb, 1) <= 1) return 20;  // one typo
  return -20;
}

// "jakc" for "jack": the same letters, two neighbours swapped.
bool swapped_pair(const std::string& a, const std::string& b) {
  if (a.size() != b.size()) return false;
  std::size_t i = 0;
  while (i < a.size() && a[i] == b[i]) ++i;
  return i + 1 < a.size() && a[i] == b[i + 1] && a[i + 1] == b[i] && a.substr(i + 2) == b.substr(i + 2);
}

int first_given_points(const std::vector<std::string>& ta, const std::vector<std::string>& tb) {
  const std::string &x = ta.front(), &y = tb.front();
  if (x == y) return 20;
  if (usual_given_name(x) == usual_given_name(y)) return 17;  // Bill and William, Peggy and Margaret
  if (x.size() == 1 || y.size() == 1) return x[0] == y[0] ? 8 : -15;  // an initial
  if (std::min(x.size(), y.size()) >= 4 && edit_distance(x, y, 1) <= 1)
    // Two letters swapped is a typo; a letter changed, added or dropped may be a twin (Amelia and
    // Amelie): no more than an initial.
    return swapped_pair(x, y) ? 14 : 8;
  // Known by a middle name: no more than an initial, for a twin's first name is often the
  // other's middle name.
  if (std::find(tb.begin(), tb.end(), x) != tb.end() || std::find(ta.begin(), ta.end(), y) != ta.end()) return 8;
  return -15;
}

int given_points(const std::vector<std::string>& a, const std::vector<std::string>& b) {
  std::vector<std::string> ta = given_tokens(a), tb = given_tokens(b);
  if (ta.empty() || tb.empty()) return 0;
  int points = first_given_points(ta, tb);
  // The same middle name as well: more than a namesake shares.
  if (points >= 17 && ta.size() > 1 && tb.size() > 1 && usual_given_name(ta[1]) == usual_given_name(tb[1])) points += 5;
  return points;
}

int birth_date_points(const std::string& a, const std::string& b) {
  if (a.empty() || b.empty()) return 0;
  if (a == b) return 25;
  if (a.size() == 10 && transposed_birth_date(a) == b) return 18;  // 03/04 written as 04/03
  if (a.size() == 10 && b.size() == 10 && a.substr(4) == b.substr(4) && edit_distance(a.substr(0, 4), b.substr(0, 4), 1) <= 1)
    return 15;  // one digit of the year mistyped: with all else the same, a match
  return -25;
}

int postcode_points(const std::string& a, const std::string& b) {
  if (a.empty() || b.empty()) return 0;
  if (a == b) return 15;
  return outward_code(a) == outward_code(b) ? 6 : 0;  // people move: another postcode is no evidence against
}

int gender_points(const std::string& a, const std::string& b) {
  auto known = [](const std::string& g) { return g == "male" || g == "female"; };
  if (!known(a) || !known(b)) return 0;
  return a == b ? 5 : -15;
}

}  // namespace

Score score(const Demographics& q, const Demographics& c) {
  Score s;
  s.nhs_number = !q.nhs_number.empty() && q.nhs_number == c.nhs_number && fhir::is_valid_nhs_number(q.nhs_number);
  s.family = family_points(q.family, c.family);
  s.given = given_points(q.given, c.given);
  s.birth_date = birth_date_points(q.birth_date, c.birth_date);
  s.postcode = postcode_points(q.postcode, c.postcode);
  s.gender = gender_points(q.gender, c.gender);
  s.total = s.family + s.given + s.birth_date + s.postcode + s.gender;
  return s;
}

const char* kind_name(MatchResult::Kind k) {
  switch (k) {
    case MatchResult::Kind::Confident: return "confident";
    case MatchResult::Kind::Ambiguous: return "ambiguous";
    case MatchResult::Kind::None: return "none";
  }
  return "none";
}

MatchResult decide(const Demographics& q, std::vector<Candidate> candidates, const Thresholds& t) {
  MatchResult r;
  std::set<std::string> seen;  // one person found twice (by two blocking keys) counts once
  for (Candidate& c : candidates) {
    if (!c.person.nhs_number.empty() && !seen.insert(c.person.nhs_number).second) continue;
    Score s = score(q, c.person);
    // The same valid NHS number: that person, unless both the name and the date of birth say otherwise.
    if (s.nhs_number) {
      if (s.family >= 0 || s.birth_date >= 0) {
        r.kind = MatchResult::Kind::Confident;
        r.ranked = {Scored{std::move(c), s}};
        r.reason = "the same NHS number";
        return r;
      }
    }
    if (s.total >= t.candidate) r.ranked.push_back({std::move(c), s});
  }
  std::stable_sort(r.ranked.begin(), r.ranked.end(), [](const Scored& a, const Scored& b) {
    if (a.score.total != b.score.total) return a.score.total > b.score.total;
    return a.candidate.person.nhs_number < b.candidate.person.nhs_number;  // a tie is ordered the same every time
  });
  if (r.ranked.empty()) {
    r.reason = "no candidate scored " + std::to_string(t.candidate) + " or more";
    return r;
  }
  const Scored& best = r.ranked.front();
  std::size_t close = 0;  // candidates less than `margin` below the best, the best included
  for (const Scored& s : r.ranked)
    if (s.score.total > best.score.total - t.margin) ++close;
  if (close > 1) {
    r.kind = MatchResult::Kind::Ambiguous;
    r.reason = std::to_string(close) + " candidates scored within " + std::to_string(t.margin) + " of the best (" +
               std::to_string(best.score.total) + ")";
    return r;
  }
  if (best.score.total < t.confident) {
    r.reason = "the best candidate scored " + std::to_string(best.score.total) + ", under " + std::to_string(t.confident);
    return r;
  }
  if (!fhir::is_valid_nhs_number(best.candidate.person.nhs_number)) {
    r.kind = MatchResult::Kind::Ambiguous;
    r.reason = "the one match has no valid NHS number";
    return r;
  }
  r.kind = MatchResult::Kind::Confident;
  r.reason = "one candidate scored " + std::to_string(best.score.total);
  return r;
}

}  // namespace hidewire::matching
