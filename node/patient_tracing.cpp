#include "node/patient_tracing.hpp"

#include "fhir/json_numbers.hpp"
#include "fhir/nhs_number.hpp"
#include "matching/bundle_patient.hpp"

namespace hidewire::node {

PatientTracing::PatientTracing(std::vector<std::unique_ptr<matching::PatientIndex>> indexes, matching::Thresholds thresholds,
                               std::string local_system)
    : indexes_(std::move(indexes)), thresholds_(thresholds), local_system_(std::move(local_system)) {
  for (const auto& i : indexes_) order_.push_back(i.get());
}

void PatientTracing::apply(Conversion& conv, const MessageInfo& info) const {
  if (conv.status != Conversion::Status::Converted) return;
  rapidjson::Document bundle;
  if (!fhir::json::parse(conv.bundle_json, bundle)) return;  // the gate refuses it
  rapidjson::Value* entry = matching::patient_entry(bundle);
  if (!entry) return;  // no patient: nothing to key
  auto& a = bundle.GetAllocator();
  rapidjson::Value& patient = (*entry)["resource"];
  int dropped = matching::drop_invalid_nhs_numbers(*entry, a);
  matching::Demographics who = matching::demographics_of(patient);
  if (const PatientResolution* r = info.resolution) {
    if (!r->nhs_number.empty()) {
      matching::key_to_nhs_number(*entry, r->nhs_number, matching::kNotTraced, a);
      conv.nhs_number = r->nhs_number;
    } else {
      // A person with no identifier at all (no fixed abode, unconscious, ...) is kept under one of
      // this node's own, named by the held message, so a second resolution finds the same record.
      matching::add_local_identifier(*entry, local_system_, "journal-" + std::to_string(r->journal_id), a);
    }
    conv.bundle_json = fhir::json::write(bundle);
    return;
  }
  if (fhir::is_valid_nhs_number(who.nhs_number)) {
    if (dropped) conv.bundle_json = fhir::json::write(bundle);
    return;  // keyed by the NHS number it came with
  }
  if (auto same = same_identifier(patient, who)) {
    // Known here by its hospital number: that patient, keyed as they are (someone the node keeps
    // without an NHS number stays under the identifier, and is not held again).
    if (!same->empty()) {
      matching::key_to_nhs_number(*entry, *same, matching::kNotTraced, a);
      conv.nhs_number = *same;
      conv.diagnostics.warning("informational", "Patient", "the patient had no valid NHS number: keyed as the patient with the same identifier",
                               "nhs-number-traced");
    }
    conv.bundle_json = fhir::json::write(bundle);
    return;
  }
  matching::Trace t = matching::trace(who, order_, thresholds_);
  if (t.kind == matching::MatchResult::Kind::Confident) {
    matching::key_to_nhs_number(*entry, t.nhs_number, t.verified ? matching::kVerified : matching::kNotTraced, a);
    conv.nhs_number = t.nhs_number;
    // No NHS number in the diagnostics: they may reach logs and the sender's answer.
    conv.diagnostics.warning("informational", "Patient", "the patient had no valid NHS number and was traced: " + t.reason, "nhs-number-traced");
  } else {
    conv.held = std::string(kind_name(t.kind)) + ": " + t.reason;
  }
  conv.bundle_json = fhir::json::write(bundle);
}

std::unique_ptr<std::string> PatientTracing::same_identifier(const rapidjson::Value& patient, const matching::Demographics& who) const {
  if (!patient.HasMember("identifier") || !patient["identifier"].IsArray()) return nullptr;
  std::vector<matching::Candidate> found;
  for (const auto& id : patient["identifier"].GetArray()) {
    if (!id.IsObject() || !id.HasMember("system") || !id.HasMember("value") || !id["system"].IsString() || !id["value"].IsString()) continue;
    for (const matching::PatientIndex* index : order_) {
      try {
        for (matching::Candidate& c : index->by_identifier(id["system"].GetString(), id["value"].GetString())) found.push_back(std::move(c));
      } catch (const matching::IndexUnavailable&) {
        return nullptr;  // traced instead, and held if that cannot settle it
      }
    }
  }
  if (found.empty()) return nullptr;
  for (const matching::Candidate& c : found)
    if (c.reference != found.front().reference) return nullptr;  // two patients: an operator must look
  // A number reused or mistyped by the sender: the same identifier with other demographics is traced.
  if (matching::score(who, found.front().person).total < thresholds_.candidate) return nullptr;
  const std::string& nhs = found.front().person.nhs_number;
  return std::make_unique<std::string>(fhir::is_valid_nhs_number(nhs) ? nhs : "");
}

matching::Trace PatientTracing::explain(const std::string& bundle_json, matching::Demographics& who) const {
  rapidjson::Document bundle;
  if (!fhir::json::parse(bundle_json, bundle)) return {};
  rapidjson::Value* entry = matching::patient_entry(bundle);
  if (!entry) return {};
  who = matching::demographics_of((*entry)["resource"]);
  return matching::trace(who, order_, thresholds_);
}

}  // namespace hidewire::node
