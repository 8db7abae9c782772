// Official R4 examples that break a rule of the specification itself. Each listed file must
// give errors of exactly the listed kinds (and each at least once), so a real regression in the
// validator still fails the tests. Origins are explained in tests/data/NOTICE.
#pragma once

#include <string>
#include <string_view>

#include "fhir/diagnostics.hpp"

namespace hw_test {

struct Erratum {
  std::string_view file, message_fragment, reason;
  bool invariant;  // found by the FHIRPath invariants, not the structural validator
};

inline constexpr Erratum kErrata[] = {
    {"bundle-questionnaire.json", "(from Questionnaire.item.linkId)",
     "the generated questionnaire leaves Questionnaire.item.linkId (1..1) out of 50 nested items", false},
    {"capabilitystatement-example.json", "canonical URLs must be absolute",
     "supportedMessage.definition is the relative 'MessageDefinition/example'; canonical references are absolute or #id", false},
    {"codesystem-example.json", "Constraint failed: csd-1:",
     "the code system lists the code chol-mass twice (the first was meant to be chol-mmol)", true},
    {"devicemetric-example.json", "DeviceMetric.parent may only point at Device",
     "DeviceMetric.parent is Reference(Device) in R4; the example points it at a DeviceDefinition", false},
    {"deviceusestatement-example.json", "DeviceUseStatement.reasonReference may only point at",
     "DeviceUseStatement.reasonReference does not allow Procedure in R4; the example gives one", false},
    {"operationdefinition-example.json", "canonical URLs must be absolute",
     "OperationDefinition.base is the relative 'OperationDefinition/Questionnaire-populate'; canonical references are absolute", false},
    {"medicationrequest0301.json", "MedicationRequest.dispenseRequest.performer may only point at Organization",
     "MedicationRequest.dispenseRequest.performer is Reference(Organization) in R4; the example names a Practitioner", false},
};

// Errors other than the file's known errata; `invariants` says which checks produced `d`.
inline hidewire::fhir::Diagnostics unexpected_errors(const std::string& path, const hidewire::fhir::Diagnostics& d,
                                                     bool invariants = false) {
  using namespace hidewire::fhir;
  Diagnostics out;
  bool listed = false;
  for (const Erratum& e : kErrata) {
    if (!path.ends_with("/" + std::string(e.file)) || e.invariant != invariants) continue;
    listed = true;
    bool seen = false;
    for (const Issue& i : d.issues()) seen = seen || i.message.find(e.message_fragment) != std::string::npos;
    if (!seen) out.error("processing", "", "erratum no longer seen: " + std::string(e.reason));
  }
  for (const Issue& i : d.issues()) {
    if (i.severity != Severity::Error && i.severity != Severity::Fatal) continue;
    bool known = false;
    for (const Erratum& e : kErrata)
      known = known || (listed && e.invariant == invariants && path.ends_with("/" + std::string(e.file)) &&
                        i.message.find(e.message_fragment) != std::string::npos);
    if (!known) out.error(i.code, i.location, i.message, i.key);
  }
  return out;
}

}  // namespace hw_test
