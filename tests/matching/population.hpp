// A deterministic synthetic population for measuring the matcher (tests/matching/test_population,
// bench/bench_match): people as a node's patient index would hold them, with the collisions of a
// real English population (households sharing a surname and postcode, twins, common names, care
// homes where residents share a postcode and a date of birth, no-fixed-abode people), and queries:
// perturbed copies of them as senders write them (typos, transposed letters, diacritics dropped,
// nicknames, part of a double-barrelled surname, a married name, day and month transposed, a
// postcode written another way or moved, fields missing, an NHS number failing Modulus 11), each
// with its ground truth, and people the index does not hold (unrecorded twins, namesakes, new
// neighbours). The same seed gives the same population on every machine (its own generator, not
// std:: distributions, whose output is the library's).
#pragma once

#include <cstdint>
#include <string>
#include <vector>

namespace hidewire::testing {

struct Person {
  std::string nhs_number;          // Modulus-11-valid, unique; in a query: as sent (may fail, may be empty)
  std::string family;              // as recorded (diacritics, hyphens, apostrophes)
  std::vector<std::string> given;  // first the one used
  std::string birth_date;          // YYYY-MM-DD; empty: not given
  std::string postcode;            // as written; "ZZ99 3VZ": no fixed abode; empty: none
  std::string gender;              // male, female, unknown; empty: not given
};

struct Query {
  Person sent;
  std::string truth;  // the NHS number of the person meant; empty: somebody the index does not hold
  std::string how;    // what was done to it, e.g. "typo-family+nickname" or "outsider-twin"
};

struct Population {
  std::vector<Person> people;
  std::vector<Query> queries;
};

// `people` indexed people and one query for each, then `outsiders` queries for people not held.
Population generate_population(std::size_t people, std::size_t outsiders, std::uint64_t seed);

// The person as a FHIR R4 Patient (NHS number identifier when it has one, official name, address).
std::string patient_json(const Person& p);
// The people as transaction Bundles of `per_bundle` Patient creates each, to load a store.
std::vector<std::string> transaction_bundles(const std::vector<Person>& people, std::size_t per_bundle);

}  // namespace hidewire::testing
