#include "gpconnect/structured_record.hpp"

#include <map>
#include <random>
#include <set>

#include "fhir/json_escape.hpp"
#include "gpconnect/areas.hpp"
#include "gpconnect/record.hpp"

namespace hidewire::gpconnect {
namespace {

using fhir::json_escape;

std::string uuid() {
  thread_local std::mt19937_64 rng{std::random_device{}()};
  std::uint64_t a = rng(), b = rng();
  a = (a & 0xffffffffffff0fffULL) | 0x0000000000004000ULL;  // version 4
  b = (b & 0x3fffffffffffffffULL) | 0x8000000000000000ULL;  // variant 1
  char buf[40];
  std::snprintf(buf, sizeof buf, "%08x-%04x-%04x-%04x-%012llx", static_cast<unsigned>(a >> 32), static_cast<unsigned>((a >> 16) & 0xffff),
                static_cast<unsigned>(a & 0xffff), static_cast<unsigned>(b >> 48), static_cast<unsigned long long>(b & 0xffffffffffffULL));
  return buf;
}

// Types about no patient that the record's resources point at, read from the store once each;
// and patient-linked ones that only make sense with what names them.
const std::set<std::string, std::less<>> kSupporting{"Organization", "Practitioner", "PractitionerRole", "Location",
                                                     "Medication",   "Device",       "Specimen",         "RelatedPerson"};
// Of those, the ones about no patient, which may be read from the store by reference. A Specimen
// or RelatedPerson (or a patient's Device) comes only from the patient's own record: a reference
// to another patient's must not carry it out inside hers.
const std::set<std::string, std::less<>> kSharedTypes{"Organization", "Practitioner", "PractitionerRole", "Location", "Medication",
                                                      "Device"};

// The id notes_outcome gave an OperationOutcome, for its fullUrl.
std::string outcome_id(const std::string& outcome) {
  std::size_t at = outcome.find(R"("id":")");
  return at == std::string::npos ? uuid() : outcome.substr(at + 6, 36);
}

class Writer {
 public:
  Writer(node::FhirStore& store, const Record& record, const Assembly& a) : store_(store), record_(record), a_(a) {
    body_ = R"({"resourceType":"Bundle","id":")" + uuid() + R"(","meta":{"lastUpdated":")" + json_escape(a.now) +
            R"("},"type":"collection","timestamp":")" + json_escape(a.now) + R"(","entry":[)";
  }

  // Whether the caller may have it (asked once per resource).
  bool shareable(const node::StoredResource& r) {
    std::string key = r.type + "/" + r.id;
    auto it = verdicts_.find(key);
    if (it != verdicts_.end()) return it->second;
    return verdicts_[key] = a_.may_share(r);
  }
  bool emit(const node::StoredResource& r) {
    std::string key = r.type + "/" + r.id;
    if (emitted_.count(key)) return true;
    if (!shareable(r)) return false;
    emitted_.insert(key);
    raw(a_.base_url + "/" + key, r.json);
    if (const Item* i = record_.find(key)) each_reference(i->doc, pending_);
    else {
      rapidjson::Document d;
      d.Parse(r.json.c_str(), r.json.size());
      each_reference(d, pending_);
    }
    return true;
  }
  void raw(const std::string& full_url, const std::string& json) {
    if (!first_) body_ += ',';
    first_ = false;
    body_ += R"({"fullUrl":")" + json_escape(full_url) + R"(","resource":)" + json + "}";
  }
  // What the emitted resources reference among the supporting types, two levels deep
  // (a PractitionerRole's Practitioner and Organization too).
  void supporting() {
    for (int round = 0; round < 2 && !pending_.empty(); ++round) {
      std::vector<std::string> refs;
      refs.swap(pending_);
      for (const std::string& key : refs) {
        std::string type = key.substr(0, key.find('/'));
        if (!kSupporting.count(type) || emitted_.count(key) || !looked_.insert(key).second) continue;
        if (const Item* i = record_.find(key)) {
          emit(*i->stored);
          continue;
        }
        if (!kSharedTypes.count(type)) continue;
        auto r = store_.read(type, key.substr(key.find('/') + 1));
        if (r && !r->deleted && !(type == "Device" && r->json.find("\"patient\"") != std::string::npos)) emit(*r);
      }
    }
  }
  std::string finish(const std::string& outcome) {
    if (!outcome.empty()) raw("urn:uuid:" + outcome_id(outcome), outcome);
    return body_ + "]}";
  }

 private:
  node::FhirStore& store_;
  const Record& record_;
  const Assembly& a_;
  std::string body_;
  bool first_ = true;
  std::set<std::string> emitted_, looked_;
  std::map<std::string, bool> verdicts_;
  std::vector<std::string> pending_;
};

std::string list_json(const std::string& id, const Section& s, const std::vector<const Item*>& shown, const std::string& patient_id,
                      const std::string& now) {
  std::string j = R"({"resourceType":"List","id":")" + id + R"(","status":"current","mode":"snapshot","title":")" + json_escape(s.title) +
                  R"(","code":{"coding":[{"system":"http://snomed.info/sct","code":")" + s.code + R"(","display":")" + json_escape(s.display) +
                  R"("}]},"subject":{"reference":"Patient/)" + json_escape(patient_id) + R"("},)";
  if (s.encounter) j += R"("encounter":{"reference":")" + json_escape(s.encounter->key) + R"("},)";
  j += R"("date":")" + json_escape(now) + "\"";
  if (shown.empty()) {
    // "unavailable", not "nilknown": an empty list here is nothing recorded (or shown), never a
    // clinician's statement that there is none.
    j += R"(,"emptyReason":{"coding":[{"system":"http://terminology.hl7.org/CodeSystem/list-empty-reason","code":"unavailable","display":"Unavailable"}],"text":"No content recorded"},"note":[{"text":"Information not available."}]})";
    return j;
  }
  j += R"(,"entry":[)";
  for (std::size_t i = 0; i < shown.size(); ++i)
    j += std::string(i ? "," : "") + R"({"item":{"reference":")" + json_escape(shown[i]->key) + R"("}})";
  return j + "]}";
}

}  // namespace

std::string notes_outcome(const std::vector<std::string>& unsupported, bool withheld) {
  std::string issues;
  for (const std::string& name : unsupported) {
    if (!issues.empty()) issues += ',';
    issues += R"({"severity":"warning","code":"not-supported","details":{"coding":[{"system":")" + std::string(kSpineSystem) +
              R"(","code":"NOT_IMPLEMENTED","display":"Not implemented"}],"text":")" + json_escape(name) +
              R"( is an unrecognised parameter"},"diagnostics":")" + json_escape(name) + "\"}";
  }
  if (withheld) {
    if (!issues.empty()) issues += ',';
    issues += R"({"severity":"information","code":"suppressed","diagnostics":"some information is not shown, at the patient's request or by policy"})";
  }
  if (issues.empty()) return {};
  return R"({"resourceType":"OperationOutcome","id":")" + uuid() + R"(","issue":[)" + issues + "]}";
}

std::string structured_record(const StructuredQuery& q, const node::StoredResource& patient, const Registration& reg,
                              const std::vector<node::StoredResource>& everything, node::FhirStore& store, const Assembly& a) {
  Record record(everything);
  Writer w(store, record, a);
  w.emit(patient);
  for (const auto* r : {&reg.organization, &reg.practitioner, &reg.role})
    if (*r) w.emit(**r);
  std::vector<Section> sections = select_sections(record, q);
  // Lists first decide what they name (a resource the caller may not have is left out of its
  // List as of the Bundle), then the resources follow the Lists, as GP Connect's examples order them.
  std::vector<std::vector<const Item*>> shown(sections.size());
  for (std::size_t s = 0; s < sections.size(); ++s)
    for (const Item* i : sections[s].listed)
      if (w.shareable(*i->stored)) shown[s].push_back(i);
  for (std::size_t s = 0; s < sections.size(); ++s) {
    std::string id = uuid();  // the fullUrl names it by the same UUID
    w.raw("urn:uuid:" + id, list_json(id, sections[s], shown[s], patient.id, a.now));
    for (const Item* i : shown[s]) w.emit(*i->stored);
    for (const Item* i : sections[s].also) w.emit(*i->stored);
  }
  w.supporting();
  return w.finish(notes_outcome(q.unsupported, a.withheld && a.withheld()));
}

std::string patient_record(const node::StoredResource& patient, const std::vector<node::StoredResource>& everything,
                           node::FhirStore& store, const Assembly& a) {
  Record record(everything);
  Writer w(store, record, a);
  w.emit(patient);
  for (const auto& i : record.items()) w.emit(*i->stored);
  w.supporting();
  return w.finish(notes_outcome({}, a.withheld && a.withheld()));
}

}  // namespace hidewire::gpconnect
