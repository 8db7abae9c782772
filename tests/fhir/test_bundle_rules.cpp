// Bundle rules outside R4's invariants: fullUrl form and identity, references resolved inside
// documents and messages (fhir/bundle_rules.cpp).
#include <doctest/doctest.h>

#include <string>

#include "fhir/codec.hpp"
#include "fhir/validator.hpp"
#include "tests/fhir/base_check.hpp"

using namespace hidewire::fhir;

namespace {

// A document Bundle: a Composition about a patient (NHS number 9434765919), written by a GP.
std::string document(const std::string& composition_url, const std::string& patient_url, const std::string& subject_ref,
                     const std::string& patient_id = "pat1", const std::string& type = "document") {
  return R"j({"resourceType":"Bundle","type":")j" + type + R"j(","identifier":{"system":"https://tools.ietf.org/html/rfc4122","value":"urn:uuid:6b1a9d0e-4f57-4c1e-9a55-0c4c4d0d5b10"},
  "timestamp":"2026-12-03T09:30:00Z","entry":[
  {"fullUrl":")j" + composition_url + R"j(","resource":{"resourceType":"Composition","id":"comp1","status":"final",
    "type":{"coding":[{"system":"http://loinc.org","code":"11488-4"}]},"subject":{"reference":")j" + subject_ref + R"j("},
    "date":"2026-12-03","author":[{"display":"Dr A Shah, The Limes Surgery (Y01234)"}],"title":"Discharge summary"}},
  {"fullUrl":")j" + patient_url + R"j(","resource":{"resourceType":"Patient",)j" +
         (patient_id.empty() ? std::string() : "\"id\":\"" + patient_id + "\",") +
         R"j("identifier":[{"system":"https://fhir.nhs.uk/Id/nhs-number","value":"9434765919"}]}}]})j";
}

Diagnostics check(const std::string& text) { return hw_test::base_check(text); }

bool has(const Diagnostics& d, const std::string& location, const std::string& fragment) {
  return hw_test::has_error_at(d, location, fragment);
}

const std::string kBase = "https://fhir.limes-surgery.nhs.uk/fhir/";

}  // namespace

TEST_CASE("a document whose references resolve in the Bundle is valid") {
  CHECK(check(document(kBase + "Composition/comp1", kBase + "Patient/pat1", "Patient/pat1")).error_count() == 0);
  CHECK(check(document("urn:uuid:0f0c5a1e-1111-4a2b-8c3d-000000000001", "urn:uuid:0f0c5a1e-1111-4a2b-8c3d-000000000002",
                       "urn:uuid:0f0c5a1e-1111-4a2b-8c3d-000000000002"))
            .error_count() == 0);
}

TEST_CASE("fullUrl: absolute, and a RESTful one names the resource's own type and id") {
  auto relative = check(document("Composition/comp1", kBase + "Patient/pat1", "Patient/pat1"));
  CHECK(has(relative, "Bundle.entry[0].fullUrl", "must be an absolute URL (not 'Composition/comp1')"));
  auto other_id = check(document(kBase + "Composition/comp1", kBase + "Patient/pat2", kBase + "Patient/pat2"));
  CHECK(has(other_id, "Bundle.entry[1].fullUrl", "must end with the resource's type and id (/Patient/pat1)"));
  auto no_id = check(document(kBase + "Composition/comp1", kBase + "Patient/pat1", "Patient/pat1", ""));
  CHECK(has(no_id, "Bundle.entry[1].fullUrl", "looks like a RESTful server URL, but the resource has no id"));
}

TEST_CASE("every entry with a resource has a fullUrl, except in transactions, batches and search results") {
  auto without_patient_url = [](const std::string& type) {
    std::string text = document(kBase + "Composition/comp1", kBase + "Patient/pat1", kBase + "Patient/pat1", "pat1", type);
    std::string url = R"("fullUrl":")" + kBase + "Patient/pat1\",";
    return text.erase(text.find(url), url.size());
  };
  CHECK(has(check(without_patient_url("collection")), "Bundle.entry[1]", "must have a fullUrl"));
  std::string search = without_patient_url("searchset");
  auto id = search.find(R"("identifier":{"system")");
  search.erase(id, search.find("\"timestamp\"") - id);  // bdl-9: only documents carry an identifier
  auto d = check(search);
  CHECK_MESSAGE(d.error_count() == 0, to_operation_outcome_json(d));
}

TEST_CASE("in a document, a reference to a resource that is not in the Bundle is an error") {
  auto missing = check(document(kBase + "Composition/comp1", kBase + "Patient/pat1", "Patient/pat9"));
  CHECK(has(missing, "Bundle.entry[0].resource.subject", "can't find 'Patient/pat9' in the bundle"));
  auto uuid = check(document("urn:uuid:0f0c5a1e-1111-4a2b-8c3d-000000000001", "urn:uuid:0f0c5a1e-1111-4a2b-8c3d-000000000002",
                             "urn:uuid:0f0c5a1e-1111-4a2b-8c3d-000000000009"));
  CHECK(has(uuid, "Bundle.entry[0].resource.subject", "can't find"));
  // a relative reference from an entry whose fullUrl is a urn:uuid has no base to resolve against
  auto no_base = check(document("urn:uuid:0f0c5a1e-1111-4a2b-8c3d-000000000001", kBase + "Patient/pat1", "Patient/pat1"));
  CHECK(has(no_base, "Bundle.entry[0].resource.subject", "can't find 'Patient/pat1' in the bundle"));
  // an absolute reference outside the Bundle is to another server: not judged
  CHECK(check(document(kBase + "Composition/comp1", kBase + "Patient/pat1", "https://pds.example.nhs.uk/Patient/9434765919"))
            .error_count() == 0);
  // collections do not promise their references resolve inside
  CHECK(check(document(kBase + "Composition/comp1", kBase + "Patient/pat1", "Patient/pat9", "pat1", "collection"))
            .error_count() == 0);
}

TEST_CASE("a versioned reference matches meta.versionId, and two matches are an error") {
  std::string text = document(kBase + "Composition/comp1", kBase + "Patient/pat1", "Patient/pat1/_history/2");
  std::string v2 = text;
  v2.replace(v2.find(R"("id":"pat1",)"), 12, R"("id":"pat1","meta":{"versionId":"2"},)");
  CHECK(check(v2).error_count() == 0);
  CHECK(has(check(text), "Bundle.entry[0].resource.subject", "can't find 'Patient/pat1/_history/2'"));
  std::string twice = document(kBase + "Composition/comp1", kBase + "Patient/pat1", "Patient/pat1");
  auto patient = twice.substr(twice.find(R"({"fullUrl":")" + kBase + "Patient/pat1"));
  patient = patient.substr(0, patient.size() - 2);  // without the closing "]}"
  twice.insert(twice.size() - 2, "," + patient);
  CHECK(has(check(twice), "Bundle.entry[0].resource.subject", "found 2 matches for 'Patient/pat1'"));
}

TEST_CASE("search results: paging links once each, outcome entries are OperationOutcomes, matches have ids of the searched type") {
  auto searchset = [](const std::string& links, const std::string& entries) {
    return R"j({"resourceType":"Bundle","type":"searchset","link":[)j" + links + R"j(],"entry":[)j" + entries + "]}";
  };
  std::string self = R"j({"relation":"self","url":"https://fhir.limes-surgery.nhs.uk/fhir/Patient?identifier=9434765919"})j";
  std::string match = R"j({"fullUrl":"https://fhir.limes-surgery.nhs.uk/fhir/Patient/pat1","search":{"mode":"match"},
    "resource":{"resourceType":"Patient","id":"pat1","identifier":[{"system":"https://fhir.nhs.uk/Id/nhs-number","value":"9434765919"}]}})j";
  std::string outcome = R"j({"fullUrl":"urn:uuid:2e0f3c7a-5b1d-4e8f-9a6c-1d2b3c4d5e6f","search":{"mode":"outcome"},
    "resource":{"resourceType":"OperationOutcome","issue":[{"severity":"information","code":"informational"}]}})j";
  auto good = check(searchset(self, match + "," + outcome));
  CHECK_MESSAGE(good.error_count() == 0, to_operation_outcome_json(good));
  CHECK(has(check(searchset(self + "," + self, match)), "Bundle.link[1]", "the link relation 'self' can only occur once"));
  std::string swapped = searchset(self, outcome);
  swapped.replace(swapped.find("\"outcome\""), 9, "\"match\"");
  auto d = check(swapped);
  CHECK(has(d, "Bundle.entry[0].resource", "must have ids"));
  CHECK(has(d, "Bundle.entry[0].resource", "a OperationOutcome does not match the search, which asked for Patient"));
  std::string typed = R"j({"relation":"self","url":"https://fhir.limes-surgery.nhs.uk/fhir?_type=Observation,Condition&patient=pat1"})j";
  CHECK(has(check(searchset(typed, match)), "Bundle.entry[0].resource", "asked for Observation, Condition"));
  std::string not_outcome = searchset(self, match);
  not_outcome.replace(not_outcome.find("\"match\""), 7, "\"outcome\"");
  CHECK(has(check(not_outcome), "Bundle.entry[0].resource", "must be an OperationOutcome, not a Patient"));
}
