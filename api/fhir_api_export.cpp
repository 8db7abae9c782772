// The secondary-use export: GET [base]/Patient/$hidewire-export, the node's patients for a
// national data collection (research, planning). Only for purpose secondary-use; each patient
// is put to the access policy with action `export`, so the national data opt-out leaves them
// out (docs/ACCESS.md R8) and every patient exported is audited.
#include "api/fhir_api.hpp"
#include "api/fhir_api_parts.hpp"
#include "api/record_gate.hpp"

namespace hidewire::http {

Response FhirApi::export_patients(const Request& req, const node::Caller& caller, AccessTrail& trail) {
  if (caller.purpose != "secondary-use")
    return refused(trail, operation_outcome(403, "forbidden", "the export is for secondary use: the caller's purpose of use must be secondary-use"),
                   "export without purpose secondary-use");
  RecordGate gate(store_, policy_, caller, "export", guard_.node_ods, trail);
  std::vector<node::StoredResource> shown;
  node::SearchParams p;
  p.count = 500;
  for (;;) {
    node::SearchPage page = store_.search("Patient", p);
    for (auto& r : page.resources)
      if (gate.check(r.json) == RecordGate::Verdict::Pass) shown.push_back(std::move(r));
    if (page.next.empty()) break;
    p.page_after = page.next;
  }
  return bundle_of("collection", shown, req.base_url, "");
}

}  // namespace hidewire::http
