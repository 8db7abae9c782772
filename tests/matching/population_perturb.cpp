#include "tests/matching/population_perturb.hpp"

#include <algorithm>
#include <cctype>
#include <vector>

#include "fhir/nhs_number.hpp"
#include "matching/normalise.hpp"
#include "tests/matching/population_names.hpp"

namespace hidewire::testing::population {
namespace {

// What a keyboard without accents makes of the names' diacritics.
constexpr std::string_view kPlain[][2] = {{"ë", "e"}, {"é", "e"}, {"è", "e"}, {"á", "a"}, {"í", "i"}, {"ó", "o"}, {"ú", "u"},
                                          {"ï", "i"}, {"ł", "l"}, {"Ł", "L"}, {"ś", "s"}, {"ń", "n"}, {"ü", "u"}, {"ö", "o"},
                                          {"Ö", "O"}, {"ä", "a"}, {"ñ", "n"}, {"ç", "c"}, {"ø", "o"}, {"Ó", "O"}, {"ñ", "n"}};

bool ascii_alpha(char c) { return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z'); }

std::size_t ascii_letters(const std::string& s) { return static_cast<std::size_t>(std::count_if(s.begin(), s.end(), ascii_alpha)); }

// One letter substituted, dropped or added (ASCII letters only, so UTF-8 stays whole).
void typo(Rng& r, std::string& s) {
  std::vector<std::size_t> at;
  for (std::size_t i = 1; i < s.size(); ++i)  // not the first letter: senders rarely miss that
    if (ascii_alpha(s[i])) at.push_back(i);
  if (at.empty()) return;
  std::size_t i = at[r.below(at.size())];
  char letter = static_cast<char>('a' + r.below(26));
  if (std::isupper(static_cast<unsigned char>(s[i]))) letter = static_cast<char>(std::toupper(letter));
  switch (r.below(3)) {
    case 0:
      if (std::tolower(static_cast<unsigned char>(letter)) == std::tolower(static_cast<unsigned char>(s[i]))) letter = letter == 'z' ? 'a' : static_cast<char>(letter + 1);
      s[i] = letter;
      break;
    case 1: s.erase(i, 1); break;
    default: s.insert(i, 1, letter);
  }
}

// Two neighbouring letters swapped ("Jnoes").
void transpose(Rng& r, std::string& s) {
  std::vector<std::size_t> at;
  for (std::size_t i = 1; i + 1 < s.size(); ++i)
    if (ascii_alpha(s[i]) && ascii_alpha(s[i + 1]) && s[i] != s[i + 1]) at.push_back(i);
  if (at.empty()) return;
  std::size_t i = at[r.below(at.size())];
  std::swap(s[i], s[i + 1]);
}

std::string plain(std::string s) {
  for (const auto& [from, to] : kPlain)
    for (std::size_t at; (at = s.find(from)) != std::string::npos;) s.replace(at, from.size(), to);
  return s;
}

std::string nickname(Rng& r, const std::string& given) {
  std::vector<std::string_view> found;
  for (const auto& n : names::kNicknames)
    if (n.name == given) found.push_back(n.nickname);
  return found.empty() ? std::string() : std::string(found[r.below(found.size())]);
}

std::string postcode_format(Rng& r, const std::string& pc) {
  std::string out = pc;
  switch (r.below(3)) {
    case 0: out.erase(std::remove(out.begin(), out.end(), ' '), out.end()); break;  // "LS14AP"
    case 1: std::transform(out.begin(), out.end(), out.begin(), [](unsigned char c) { return std::tolower(c); }); break;
    default: out = " " + pc.substr(0, pc.find(' ')) + "  " + pc.substr(pc.find(' ') + 1);  // stray spaces
  }
  return out;
}

bool apply(Rng& r, Person& p, std::size_t which, const std::function<std::string()>& surname, const std::function<std::string()>& postcode,
           std::string& how) {
  auto done = [&](const char* what) {
    how += (how.empty() ? "" : "+") + std::string(what);
    return true;
  };
  bool has_postcode = !p.postcode.empty() && p.postcode != "ZZ99 3VZ";
  if (p.given.empty() && which >= 2 && which <= 5) return false;
  if (p.given.empty() && (which == 17 || which == 18)) return false;
  switch (which) {
    case 0: if (ascii_letters(p.family) < 4) return false; typo(r, p.family); return done("typo-family");
    case 1: if (ascii_letters(p.family) < 4) return false; transpose(r, p.family); return done("transposed-family");
    case 2: if (ascii_letters(p.given[0]) < 4) return false; typo(r, p.given[0]); return done("typo-given");
    case 3: if (ascii_letters(p.given[0]) < 4) return false; transpose(r, p.given[0]); return done("transposed-given");
    case 4: {
      std::string f = plain(p.family), g = plain(p.given[0]);
      if (f == p.family && g == p.given[0]) return false;
      p.family = f, p.given[0] = g;
      return done("no-diacritics");
    }
    case 5: {
      std::string n = nickname(r, p.given[0]);
      if (n.empty()) return false;
      p.given[0] = n;
      return done("nickname");
    }
    case 6: {  // one half of a double-barrelled name, or the hyphen written otherwise
      std::size_t sep = p.family.find_first_of("- ");
      if (sep == std::string::npos) return false;
      std::size_t k = r.below(3);
      p.family = k == 0 ? p.family.substr(0, sep) : k == 1 ? p.family.substr(sep + 1) : p.family.substr(0, sep) + (p.family[sep] == '-' ? " " : "-") + p.family.substr(sep + 1);
      return done("surname-part");
    }
    case 7: {
      if (p.gender != "female" || p.birth_date.empty() || p.birth_date > "2006") return false;
      p.family = surname();
      if (r.chance(0.5)) p.postcode = postcode();
      return done("married-name");
    }
    case 8: {
      if (p.birth_date.size() != 10) return false;
      std::string m = p.birth_date.substr(5, 2), d = p.birth_date.substr(8, 2);
      if (m == d || d > "12") return false;
      p.birth_date = p.birth_date.substr(0, 5) + d + "-" + m;
      return done("dob-transposed");
    }
    case 9: {
      if (p.birth_date.size() != 10) return false;
      char& c = p.birth_date[2 + r.below(2)];
      c = static_cast<char>('0' + (c - '0' + 1 + static_cast<int>(r.below(9))) % 10);
      return done("dob-year-typo");
    }
    case 10: if (!has_postcode) return false; p.postcode = postcode_format(r, p.postcode); return done("postcode-format");
    case 11: p.postcode = postcode(); return done("moved");
    case 12: if (!has_postcode) return false; p.postcode.clear(); return done("no-postcode");
    case 13: if (p.gender.empty()) return false; p.gender = r.chance(0.5) ? "" : "unknown"; return done("no-gender");
    case 14: p.given.clear(); return done("no-given");
    case 15: if (p.birth_date.empty()) return false; p.birth_date.clear(); return done("no-dob");
    case 16: p.postcode = "ZZ99 3VZ"; return done("no-fixed-abode");
    case 17: p.given = {p.given[0].substr(0, 1)}; return done("initial");
    case 18: if (p.given.size() < 2) return false; p.given.erase(p.given.begin()); return done("middle-name");
    case 19: std::transform(p.family.begin(), p.family.end(), p.family.begin(), [](unsigned char c) { return std::toupper(c); }); return done("upper-case");
  }
  return false;
}

}  // namespace

int days_in_month(int y, int m) {
  static constexpr int kDays[] = {31, 28, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31};
  bool leap = (y % 4 == 0 && y % 100 != 0) || y % 400 == 0;
  return m == 2 && leap ? 29 : kDays[m - 1];
}

std::string date(int y, int m, int d) {
  char b[40];
  std::snprintf(b, sizeof b, "%04d-%02d-%02d", y, m, d);
  return b;
}

std::string near_date(Rng& r, const std::string& dob) {
  int y = std::stoi(dob.substr(0, 4));
  for (;;) {
    int m = 1 + static_cast<int>(r.below(12)), d = 1 + static_cast<int>(r.below(static_cast<std::size_t>(days_in_month(y, m))));
    std::string out = date(y, m, d);
    if (out != dob) return out;
  }
}

bool same_name(const std::string& a, const std::string& b) {
  std::string fa = matching::fold_name(a), fb = matching::fold_name(b);
  if (fa == fb) return true;
  for (const auto& n : names::kNicknames)  // Mohammed and Muhammad are one name to a parent
    if ((matching::fold_name(n.name) == fa && matching::fold_name(n.nickname) == fb) || (matching::fold_name(n.name) == fb && matching::fold_name(n.nickname) == fa))
      return true;
  return false;
}

std::string perturb(Rng& r, Person& p, const std::function<std::string()>& surname, const std::function<std::string()>& postcode) {
  std::string how;
  std::size_t changes = r.chance(0.3) ? 0 : r.chance(0.7) ? 1 : 2;
  for (std::size_t done = 0, tries = 0; done < changes && tries < 20; ++tries)
    done += apply(r, p, r.below(20), surname, postcode, how) ? 1 : 0;
  return how.empty() ? "exact" : how;
}

std::string typo_or_format(Rng& r, Person& p) {
  std::string how;
  static const std::function<std::string()> none = [] { return std::string(); };
  for (std::size_t which : {0u, 2u, 10u, 1u})
    if (r.chance(0.5) && apply(r, p, which, none, none, how)) return how;
  return apply(r, p, 3, none, none, how) ? how : "exact";
}

void send_nhs_number(Rng& r, Person& p) {
  std::size_t k = r.below(100);
  if (k < 4) return;  // the right one
  if (k < 12) {       // one digit mistyped: Modulus 11 always catches that
    std::string n = p.nhs_number;
    char& c = n[r.below(10)];
    c = static_cast<char>('0' + (c - '0' + 1 + static_cast<int>(r.below(9))) % 10);
    p.nhs_number = fhir::is_valid_nhs_number(n) ? std::string() : n;
    return;
  }
  p.nhs_number.clear();
}

}  // namespace hidewire::testing::population
