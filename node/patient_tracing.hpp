// The intake's patient-matching stage (docs/MATCHING.md): a converted Bundle whose Patient has no
// NHS number, or one failing Modulus 11, is traced against the configured patient indexes (the
// node's own store, then a PDS-style service). One confident match: the Bundle is keyed to that
// NHS number with its UK Core verification status (01 from PDS, 02 otherwise). Ambiguous or no
// match: the conversion is marked held, so the message is journalled but neither stored nor
// routed until an operator resolves it; it is never keyed to a person it may not be.
#pragma once

#include <memory>
#include <string>
#include <vector>

#include "matching/patient_index.hpp"
#include "matching/tracer.hpp"
#include "node/converter.hpp"

namespace hidewire::node {

class PatientTracing {
 public:
  // `local_system`: the identifier system of people recorded with no identifier at all.
  PatientTracing(std::vector<std::unique_ptr<matching::PatientIndex>> indexes, matching::Thresholds thresholds, std::string local_system);

  // Traces the converted Bundle's patient when it needs it, or applies the operator's resolution.
  // Never throws: an index that fails leaves the message held.
  void apply(Conversion& conversion, const MessageInfo& info) const;
  // The trace of a held message's Bundle as it would be now, for the operator.
  matching::Trace explain(const std::string& bundle_json, matching::Demographics& patient) const;
  const std::string& local_system() const { return local_system_; }

 private:
  // The one patient the indexes hold under one of this Patient's own identifiers (a hospital
  // number), when their demographics agree: their NHS number, possibly empty. Null: none, or several.
  std::unique_ptr<std::string> same_identifier(const rapidjson::Value& patient, const matching::Demographics& who) const;

  std::vector<std::unique_ptr<matching::PatientIndex>> indexes_;
  std::vector<const matching::PatientIndex*> order_;
  matching::Thresholds thresholds_;
  std::string local_system_;
};

}  // namespace hidewire::node
