// The population generator's parts (population.cpp only): its random numbers and the changes
// a sender makes to a person's demographics.
#pragma once

#include <cstdint>
#include <functional>
#include <iterator>
#include <string>
#include <string_view>

#include "tests/matching/population.hpp"

namespace hidewire::testing::population {

// splitmix64: the same numbers from the same seed everywhere.
struct Rng {
  std::uint64_t state;
  std::uint64_t next() {
    std::uint64_t z = (state += 0x9E3779B97F4A7C15ull);
    z = (z ^ (z >> 30)) * 0xBF58476D1CE4E5B9ull;
    z = (z ^ (z >> 27)) * 0x94D049BB133111EBull;
    return z ^ (z >> 31);
  }
  std::size_t below(std::size_t n) { return static_cast<std::size_t>(next() % n); }
  bool chance(double p) { return static_cast<double>(next() >> 11) * 0x1.0p-53 < p; }
  template <typename T, std::size_t N>
  const T& pick(const T (&a)[N]) { return a[below(N)]; }
  char pick(std::string_view s) { return s[below(s.size())]; }
  // The first entries (the commonest names) more often: index n * u^2.
  template <typename T, std::size_t N>
  const T& skewed(const T (&a)[N]) {
    double u = static_cast<double>(next() >> 11) * 0x1.0p-53;
    return a[static_cast<std::size_t>(static_cast<double>(N) * u * u)];
  }
};

int days_in_month(int year, int month);
std::string date(int year, int month, int day);
// Another day of the same year.
std::string near_date(Rng& r, const std::string& dob);
// Given names a sender would write the same (case and diacritics aside).
bool same_name(const std::string& a, const std::string& b);

// Changes none, one or two of the person's fields as senders do; returns what was done ("exact"
// when nothing). `surname` and `postcode` make new ones (a married name, a move).
std::string perturb(Rng& r, Person& p, const std::function<std::string()>& surname, const std::function<std::string()>& postcode);
// One typo or another way of writing the postcode (for people the index does not hold).
std::string typo_or_format(Rng& r, Person& p);
// Most senders have no NHS number; some send one failing Modulus 11, some the right one.
void send_nhs_number(Rng& r, Person& p);

}  // namespace hidewire::testing::population
