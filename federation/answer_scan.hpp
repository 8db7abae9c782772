// One pass over a peer's answer (a Bundle of about 1 MB for a GP record) without building a DOM:
// the byte span of each entry's resource, with its resourceType, id and the entry's fullUrl, so
// the merged Bundle is made by splicing those spans. The pass checks the JSON (and its UTF-8),
// so what is spliced is well formed.
#pragma once

#include <string>
#include <string_view>
#include <vector>

namespace hidewire::federation {

struct ScannedEntry {
  std::string full_url, type, id;
  std::size_t begin = 0, end = 0;  // the resource object: body.substr(begin, end - begin)
};

struct ScannedAnswer {
  bool ok = false;
  std::string error;          // why not (not JSON, not a Bundle)
  std::string resource_type;  // of the whole answer
  std::vector<ScannedEntry> entries;
};

// Scans `body`: a Bundle's entries; another resource (an OperationOutcome) gives its type alone.
ScannedAnswer scan_answer(const std::string& body);

// Why a scanned record is not this patient's: no Patient in it, or a Patient whose NHS number is
// another (a peer's mix-up must not put someone else's record in front of the clinician); empty
// when every Patient carries `nhs_number`. Reads the Patient entries alone.
std::string wrong_patient(const std::string& body, const ScannedAnswer& a, const std::string& nhs_number);

}  // namespace hidewire::federation
