// Whether a peer's answer is about the patient asked for and no one else, from what the scan
// found (federation/answer_scan.hpp): no second parse of the answer.
#include <algorithm>
#include <set>

#include "federation/answer_scan.hpp"

namespace hidewire::federation {
namespace {

// The type a literal reference names ("Patient/1", "https://x/fhir/Patient/1/_history/2"); empty
// for a urn: or a contained "#id".
std::string_view type_of(std::string_view ref) {
  if (ref.empty() || ref[0] == '#' || ref.rfind("urn:", 0) == 0) return {};
  if (auto h = ref.find("/_history/"); h != std::string_view::npos) ref = ref.substr(0, h);
  auto slash = ref.rfind('/');
  if (slash == std::string_view::npos) return {};
  std::string_view head = ref.substr(0, slash);
  auto prev = head.rfind('/');
  return prev == std::string_view::npos ? head : head.substr(prev + 1);
}

}  // namespace

std::string wrong_patient(const ScannedAnswer& a, const std::string& nhs) {
  std::set<std::string> full_urls, patients;  // every entry's fullUrl; the Patients' fullUrls and "Patient/id"
  std::set<std::string> numbers;              // every NHS number the answer names
  std::size_t count = 0;
  for (const ScannedEntry& e : a.entries) {
    if (!e.full_url.empty()) full_urls.insert(e.full_url);
    if (e.type != "Patient") continue;
    ++count;
    if (std::find(e.nhs_numbers.begin(), e.nhs_numbers.end(), nhs) == e.nhs_numbers.end())
      return "a Patient in its answer does not carry the NHS number asked for";
    numbers.insert(e.nhs_numbers.begin(), e.nhs_numbers.end());
    if (!e.full_url.empty()) patients.insert(e.full_url);
    if (!e.id.empty()) patients.insert("Patient/" + e.id);
  }
  if (!count) return "its answer holds no Patient";
  for (const ScannedEntry& e : a.entries)
    for (const PatientRef& r : e.patient_refs) {
      if (!r.nhs_number.empty()) numbers.insert(r.nhs_number);
      if (r.reference.empty() || patients.count(r.reference)) continue;
      std::string where = "a " + e.type + (e.id.empty() ? "" : " (" + e.id + ")") + " in its answer";
      if (r.reference[0] == '#') return where + " is about a contained resource, not the answer's Patient";
      if (r.reference.rfind("urn:", 0) == 0) {
        if (!full_urls.count(r.reference)) return where + " refers to " + r.reference + ", which is not in the answer";
        continue;  // an entry of the answer: a Patient is checked above, anything else is no patient
      }
      if (type_of(r.reference) == "Patient") return where + " is about a Patient that is not the answer's (" + r.reference + ")";
    }
  if (numbers.size() > 1) return "its answer names " + std::to_string(numbers.size()) + " different NHS numbers";
  return {};
}

}  // namespace hidewire::federation
