// One pass over a peer's answer (a Bundle of about 1 MB for a GP record) without building a DOM:
// the byte span of each entry's resource, with its resourceType, id and the entry's fullUrl, so
// the merged Bundle is made by splicing those spans. The pass checks the JSON (and its UTF-8),
// so what is spliced is well formed.
#pragma once

#include <string>
#include <string_view>
#include <vector>

namespace hidewire::federation {

// A reference from a field that names the patient a resource is about (subject, patient,
// beneficiary, for, individual): its `reference` and the NHS number of its `identifier`, if any.
struct PatientRef {
  std::string reference, nhs_number;
};

struct ScannedEntry {
  std::string full_url, type, id;
  std::size_t begin = 0, end = 0;  // the resource object: body.substr(begin, end - begin)
  std::vector<std::string> nhs_numbers;  // a Patient's NHS number identifiers, as they came
  std::vector<PatientRef> patient_refs;  // any other resource's references to its patient
};

struct ScannedAnswer {
  bool ok = false;
  std::string error;          // why not (not JSON, not a Bundle)
  std::string resource_type;  // of the whole answer
  std::vector<ScannedEntry> entries;
};

// Scans `body`: a Bundle's entries; another resource (an OperationOutcome) gives its type alone.
// JSON with a key twice in one object is refused: parsers disagree on which one counts (RapidJSON
// finds the first, most others keep the last), so a second "value" in an identifier could carry a
// second NHS number past a check that reads the other one.
ScannedAnswer scan_answer(const std::string& body);

// Why a scanned record is not this patient's, so that a peer's mix-up never puts someone else's
// record in front of the clinician (federation/answer_patient.cpp): no Patient in it; a Patient
// without `nhs_number` or with another NHS number too; a resource whose subject / patient /
// beneficiary / for / individual names another NHS number, or refers to a Patient that is not
// one of the answer's (or to a contained or unresolvable resource). Empty when none of these.
std::string wrong_patient(const ScannedAnswer& a, const std::string& nhs_number);

}  // namespace hidewire::federation
