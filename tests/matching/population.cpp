#include "tests/matching/population.hpp"

#include <rapidjson/stringbuffer.h>
#include <rapidjson/writer.h>

#include <unordered_set>

#include "fhir/nhs_number.hpp"
#include "matching/normalise.hpp"
#include "tests/matching/population_names.hpp"
#include "tests/matching/population_perturb.hpp"

namespace hidewire::testing {
namespace {

using population::Rng;

// Twins given names that differ by a letter or two, as parents sometimes choose.
constexpr std::string_view kTwinNames[][2] = {{"Amelia", "Amelie"}, {"Carys", "Cerys"}, {"Ella", "Ellie"}, {"Aidan", "Aiden"},
                                              {"Hassan", "Hussain"}, {"Rhian", "Rhiannon"}, {"Jake", "Jack"}, {"Mia", "Maya"}};

class Generator {
 public:
  explicit Generator(std::uint64_t seed) : rng_{seed} {}

  std::string nhs_number() {
    for (;;) {
      std::string n = std::to_string(4 + rng_.below(6));  // 4xx..9xx
      for (int i = 0; i < 8; ++i) n += static_cast<char>('0' + rng_.below(10));
      int sum = 0;
      for (int i = 0; i < 9; ++i) sum += (n[static_cast<std::size_t>(i)] - '0') * (10 - i);
      int check = 11 - sum % 11;
      if (check == 10) continue;
      n += static_cast<char>('0' + (check == 11 ? 0 : check));
      if (numbers_.insert(n).second) return n;
    }
  }
  std::string postcode() { return std::string(rng_.pick(names::kOutwardCodes)) + " " + inward(); }
  std::string postcode_near(const std::string& pc) { return pc.substr(0, pc.find(' ')) + " " + inward(); }
  std::string surname() {
    std::size_t r = rng_.below(100);
    if (r < 35) return std::string(rng_.skewed(names::kCommonSurnames));
    if (r < 40) {  // double-barrelled: hyphenated or spaced
      std::string a(rng_.pick(names::kSurnames)), b(rng_.pick(names::kCommonSurnames));
      return rng_.chance(0.7) ? a + "-" + b : a + " " + b;
    }
    return std::string(rng_.pick(names::kSurnames));
  }
  std::string given(const std::string& sex) {
    return std::string(sex == "male" ? rng_.skewed(names::kMaleGiven) : rng_.skewed(names::kFemaleGiven));
  }
  std::string sex() { return rng_.chance(0.5) ? "male" : "female"; }
  std::string birth_date(int from, int to) {
    int y = from + static_cast<int>(rng_.below(static_cast<std::size_t>(to - from + 1)));
    int m = 1 + static_cast<int>(rng_.below(12));
    int d = 1 + static_cast<int>(rng_.below(static_cast<std::size_t>(population::days_in_month(y, m))));
    return population::date(y, m, d);
  }
  Person person(const std::string& sex, std::string family, std::string dob, std::string postcode) {
    Person p{nhs_number(), std::move(family), {given(sex)}, std::move(dob), std::move(postcode), sex};
    if (rng_.chance(0.35)) {
      std::string middle = given(sex);
      if (middle != p.given[0]) p.given.push_back(middle);
    }
    return p;
  }
  Rng& rng() { return rng_; }

 private:
  std::string inward() {
    std::string s(1, static_cast<char>('0' + rng_.below(10)));
    s += rng_.pick(names::kInwardLetters);
    s += rng_.pick(names::kInwardLetters);
    return s;
  }
  Rng rng_;
  std::unordered_set<std::string> numbers_;
};

int year_of(const std::string& dob) { return std::stoi(dob.substr(0, 4)); }

// A family at one address: one or two adults, perhaps children, perhaps twins.
void household(Generator& g, std::vector<Person>& out) {
  Rng& r = g.rng();
  std::string family = g.surname(), pc = g.postcode();
  std::string first = g.birth_date(1935, 2004);
  int y = year_of(first);
  std::string sex = g.sex();
  out.push_back(g.person(sex, family, first, pc));
  if (r.chance(0.6)) {  // a partner, who took the surname or kept their own
    std::string other = sex == "male" ? "female" : "male";
    out.push_back(g.person(other, r.chance(0.75) ? family : g.surname(), g.birth_date(y - 4, std::min(y + 4, 2005)), pc));
  }
  int from = y + 19, to = std::min(y + 44, 2025);
  if (from > to || !r.chance(0.55)) return;
  std::size_t children = 1 + r.below(3);
  for (std::size_t i = 0; i < children; ++i) {
    std::string dob = g.birth_date(from, to);
    if (r.chance(0.08)) {  // twins: one surname, date of birth and postcode; different given names
      Person a = g.person(g.sex(), family, dob, pc), b = g.person(r.chance(0.3) ? (a.gender == "male" ? "female" : "male") : a.gender, family, dob, pc);
      if (r.chance(0.3)) {
        const auto& pair = kTwinNames[r.below(std::size(kTwinNames))];
        a.given = {std::string(pair[0])}, b.given = {std::string(pair[1])}, b.gender = a.gender;
      }
      while (population::same_name(a.given[0], b.given[0])) b.given[0] = g.given(b.gender);
      out.push_back(std::move(a)), out.push_back(std::move(b));
      continue;
    }
    out.push_back(g.person(g.sex(), family, dob, pc));
  }
}

// A care home: unrelated residents at one postcode, old, some born on the same day.
void care_home(Generator& g, std::vector<Person>& out) {
  Rng& r = g.rng();
  std::string pc = g.postcode(), shared = g.birth_date(1928, 1948);
  std::size_t residents = 6 + r.below(15);
  for (std::size_t i = 0; i < residents; ++i)
    out.push_back(g.person(g.sex(), g.surname(), i < 2 || r.chance(0.1) ? shared : g.birth_date(1925, 1950), pc));
}

std::vector<Person> people(Generator& g, std::size_t n) {
  std::vector<Person> out;
  Rng& r = g.rng();
  while (out.size() < n) {
    std::size_t kind = r.below(1000);
    if (kind < 15) care_home(g, out);
    else if (kind < 35) out.push_back(g.person(g.sex(), g.surname(), g.birth_date(1950, 2006), "ZZ99 3VZ"));  // no fixed abode
    else if (kind < 50) out.push_back(g.person(g.sex(), g.surname(), g.birth_date(1940, 2006), ""));  // no address recorded
    else household(g, out);
  }
  out.resize(n);
  return out;
}

// Somebody the index does not hold, and how they come near someone it does.
Query outsider(Generator& g, const std::vector<Person>& held) {
  Rng& r = g.rng();
  const Person& p = held[r.below(held.size())];
  std::size_t kind = r.below(100);
  Query q;
  if (kind < 30) {
    std::string sex = g.sex();
    q = {g.person(sex, g.surname(), g.birth_date(1925, 2025), g.postcode()), "", "outsider-new"};
  } else if (kind < 50) {  // an unrecorded twin or sibling born the same day
    std::string sex = r.chance(0.5) ? p.gender : g.sex();
    q = {g.person(sex, p.family, p.birth_date, p.postcode), "", "outsider-twin"};
    while (population::same_name(q.sent.given[0], p.given[0])) q.sent.given[0] = g.given(sex);
  } else if (kind < 65) {  // a namesake born another year, elsewhere
    q = {g.person(p.gender, p.family, g.birth_date(1925, 2025), g.postcode()), "", "outsider-namesake"};
    q.sent.given = p.given;
  } else if (kind < 75) {  // a namesake born the same year in the same town
    q = {g.person(p.gender, p.family, population::near_date(r, p.birth_date), g.postcode_near(p.postcode.empty() ? g.postcode() : p.postcode)),
         "", "outsider-namesake-year"};
    q.sent.given = {p.given[0]};
  } else if (kind < 85) {  // a namesake born the same day in another town
    std::string elsewhere = g.postcode();
    while (!p.postcode.empty() && elsewhere.substr(0, elsewhere.find(' ')) == p.postcode.substr(0, p.postcode.find(' '))) elsewhere = g.postcode();
    q = {g.person(p.gender, p.family, p.birth_date, elsewhere), "", "outsider-namesake-dob"};
    q.sent.given = {p.given[0]};
  } else if (kind < 95) {  // a neighbour born the same day
    q = {g.person(g.sex(), g.surname(), p.birth_date, p.postcode), "", "outsider-neighbour"};
  } else {  // a relative at the address
    std::string sex = g.sex();
    q = {g.person(sex, p.family, g.birth_date(1925, 2025), p.postcode), "", "outsider-relative"};
  }
  if (q.sent.birth_date == p.birth_date && q.sent.family == p.family && population::same_name(q.sent.given[0], p.given[0]) &&
      q.sent.postcode == p.postcode)
    q.sent.postcode = g.postcode();  // not to become the same person by chance
  return q;
}

// Who a person is to a reader: folded family and usual given name, date of birth, postcode.
std::string identity(const Person& p) {
  return matching::fold_name(p.family) + "|" + (p.given.empty() ? "" : matching::usual_given_name(matching::fold_name(p.given[0]))) + "|" +
         p.birth_date + "|" + p.postcode;
}

}  // namespace

Population generate_population(std::size_t n, std::size_t outsiders, std::uint64_t seed) {
  Generator g(seed);
  Population pop;
  pop.people = people(g, n);
  pop.queries.reserve(n + outsiders);
  for (const Person& p : pop.people) {
    Query q{p, p.nhs_number, ""};
    q.how = population::perturb(g.rng(), q.sent, [&] { return g.surname(); }, [&] { return g.postcode(); });
    population::send_nhs_number(g.rng(), q.sent);
    pop.queries.push_back(std::move(q));
  }
  std::unordered_set<std::string> held;
  for (const Person& p : pop.people) held.insert(identity(p));
  for (std::size_t i = 0; i < outsiders; ++i) {
    Query q = outsider(g, pop.people);
    // An unrecorded twin named as the recorded one's sibling would be that sibling: another name.
    for (int tries = 0; held.count(identity(q.sent)) && tries < 50; ++tries) q.sent.given = {g.given(q.sent.gender)};
    if (g.rng().chance(0.3)) q.how += "+" + population::typo_or_format(g.rng(), q.sent);
    // An outsider's own NHS number is not in the index: sent valid it must still find nobody.
    if (!g.rng().chance(0.04)) q.sent.nhs_number.clear();
    pop.queries.push_back(std::move(q));
  }
  return pop;
}

std::string patient_json(const Person& p) {
  rapidjson::StringBuffer b;
  rapidjson::Writer<rapidjson::StringBuffer> w(b);
  auto str = [&](std::string_view s) { w.String(s.data(), static_cast<rapidjson::SizeType>(s.size())); };
  w.StartObject();
  w.Key("resourceType"), str("Patient");
  if (!p.nhs_number.empty()) {
    w.Key("identifier"), w.StartArray(), w.StartObject();
    w.Key("system"), str(fhir::kNhsNumberSystem), w.Key("value"), str(p.nhs_number);
    w.EndObject(), w.EndArray();
  }
  w.Key("name"), w.StartArray(), w.StartObject(), w.Key("use"), str("official");
  if (!p.family.empty()) w.Key("family"), str(p.family);
  if (!p.given.empty()) {
    w.Key("given"), w.StartArray();
    for (const std::string& g : p.given) str(g);
    w.EndArray();
  }
  w.EndObject(), w.EndArray();
  if (!p.gender.empty()) w.Key("gender"), str(p.gender);
  if (!p.birth_date.empty()) w.Key("birthDate"), str(p.birth_date);
  if (!p.postcode.empty()) {
    w.Key("address"), w.StartArray(), w.StartObject(), w.Key("postalCode"), str(p.postcode), w.EndObject(), w.EndArray();
  }
  w.EndObject();
  return b.GetString();
}

std::vector<std::string> transaction_bundles(const std::vector<Person>& people, std::size_t per_bundle) {
  std::vector<std::string> out;
  for (std::size_t i = 0; i < people.size(); i += per_bundle) {
    std::string b = R"({"resourceType":"Bundle","type":"transaction","entry":[)";
    for (std::size_t k = i; k < std::min(people.size(), i + per_bundle); ++k)
      b += (k == i ? "" : ",") + std::string(R"({"resource":)") + patient_json(people[k]) + R"(,"request":{"method":"POST","url":"Patient"}})";
    out.push_back(b + "]}");
  }
  return out;
}

}  // namespace hidewire::testing
