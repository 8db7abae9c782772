// The synthetic population in the node's own store, and queries as the intake traces them
// (tests/matching/test_population, bench/bench_match).
#pragma once

#include <filesystem>
#include <memory>

#include "matching/patient_index.hpp"
#include "tests/matching/population.hpp"

namespace hidewire::testing {

// The people into DIR/fhir.db (the node's SQLite FHIR store), 50 Bundles of 1,000 a transaction,
// the patient index's blocking indexes made first (maintained by the load, as on a running node).
void load_population(const std::filesystem::path& dir, const std::vector<Person>& people);
// The `sqlite-store` patient index over DIR/fhir.db with its default settings, as a node makes it.
std::unique_ptr<matching::PatientIndex> open_store_index(const std::filesystem::path& dir);
// The query as the intake traces it: read from its Patient, an NHS number failing Modulus 11 dropped.
matching::Demographics query_demographics(const Person& sent);

}  // namespace hidewire::testing
