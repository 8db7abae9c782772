// PatientIndex: the people a node can match a record against, found by demographics. The node's
// own store (plugins/patient_index/store) and a PDS-style demographics service
// (plugins/patient_index/pds) implement it; the tracer asks them in order (matching/tracer.hpp).
// An implementation returns the people worth scoring (blocked by date of birth, name, postcode as
// it can); the scoring is the matcher's, the same for every index. Thread-safe; may block on I/O.
#pragma once

#include <stdexcept>
#include <string>
#include <vector>

#include "matching/score.hpp"

namespace hidewire::matching {

// The index could not answer (a PDS-style service down, a timeout): the record is held, not keyed.
struct IndexUnavailable : std::runtime_error {
  using std::runtime_error::runtime_error;
};

class PatientIndex {
 public:
  virtual ~PatientIndex() = default;
  virtual std::vector<Candidate> candidates(const Demographics& query) const = 0;
  // The people holding this exact identifier (a hospital number, a council's person id): an index
  // that keeps them answers, others find nobody.
  virtual std::vector<Candidate> by_identifier(const std::string& system, const std::string& value) const {
    (void)system, (void)value;
    return {};
  }
  virtual std::string name() const = 0;  // "store", "pds": Candidate::source
};

}  // namespace hidewire::matching
