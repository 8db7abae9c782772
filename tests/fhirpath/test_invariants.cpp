// The R4 invariants (constraint.expression) evaluated by the FHIRPath engine over resources.
#include <doctest/doctest.h>


#include "fhir/codec.hpp"
#include "fhirpath/invariants.hpp"
#include "tests/fhir/errata.hpp"
#include "tests/fhir/test_support.hpp"

using namespace hidewire;

namespace {

fhir::Diagnostics invariants_of(const std::string& text) {
  fhir::Node root;
  fhir::Diagnostics d;
  REQUIRE(fhir::parse_any(text, fhir::Schema::r4(), root, d));
  fhir::Diagnostics out;
  fhirpath::check_invariants(root, fhir::Schema::r4(), out);
  return out;
}

std::string dump(const fhir::Diagnostics& d) {
  std::string out;
  for (const fhir::Issue& i : d.issues())
    out += std::string(fhir::severity_name(i.severity)) + " " + i.location + ": " + i.message + "\n";
  return out;
}

bool has(const fhir::Diagnostics& d, std::string_view key, std::string_view location) {
  for (const fhir::Issue& i : d.issues())
    if (i.key == key && i.location == location && i.severity == fhir::Severity::Error && i.code == "invariant") return true;
  return false;
}

std::string mutate(const std::string& example, std::initializer_list<std::pair<const char*, const char*>> edits) {
  return hw_test::mutated_example(example, edits);
}

}  // namespace

TEST_CASE("every official example satisfies the R4 invariants") {
  for (const std::string ext : {".json", ".xml"}) {
    for (const std::string& f : hw_test::files_in("fhir-r4-examples", ext)) {
      CAPTURE(f);
      fhir::Diagnostics d = invariants_of(hw_test::read_file(f));
      fhir::Diagnostics unexpected = hw_test::unexpected_errors(f, d, true);
      CHECK_MESSAGE(unexpected.error_count() == 0, dump(unexpected));
    }
  }
}

TEST_CASE("violated invariants are reported with their key and location") {
  // pat-1: a contact needs a name, telecom, address or organization.
  auto pat1 = invariants_of(mutate("patient-example.json", {{"/contact/0", R"({"gender":"female"})"}}));
  CHECK_MESSAGE(has(pat1, "pat-1", "Patient.contact[0]"), dump(pat1));
  // obs-6: dataAbsentReason only when there is no value.
  auto obs6 = invariants_of(mutate("observation-example.json",
                                   {{"/dataAbsentReason", R"({"text":"not measured"})"}}));
  CHECK_MESSAGE(has(obs6, "obs-6", "Observation"), dump(obs6));
  // per-1: a period's start is not after its end.
  auto per1 = invariants_of(mutate("patient-example.json",
                                   {{"/name/0/period", R"({"start":"2020-01-02","end":"2020-01-01"})"}}));
  CHECK_MESSAGE(has(per1, "per-1", "Patient.name[0].period"), dump(per1));
  // ext-1: an extension has a value or extensions, not both.
  auto ext1 = invariants_of(mutate("patient-example.json",
      {{"/extension", R"([{"url":"http://example.org/x","valueString":"a","extension":[{"url":"y","valueString":"b"}]}])"}}));
  CHECK_MESSAGE(has(ext1, "ext-1", "Patient.extension[0]"), dump(ext1));
  // dom-3: a contained resource must be referenced.
  auto dom3 = invariants_of(mutate("patient-example.json",
      {{"/contained", R"([{"resourceType":"Organization","id":"org1","name":"Unreferenced"}])"}}));
  CHECK_MESSAGE(has(dom3, "dom-3", "Patient"), dump(dom3));
}

TEST_CASE("dom-3: a contained resource referred to only from the narrative is referred to") {
  // a discharge letter with its scanned signature contained as a Binary, shown by the narrative
  auto letter = [](const std::string& img) {
    return R"j({"resourceType":"DocumentReference","text":{"status":"generated","div":"<div xmlns=\"http://www.w3.org/1999/xhtml\">)j" + img +
           R"j(</div>"},"contained":[{"resourceType":"Binary","id":"sig","contentType":"image/png","data":"iVBORw0KGgo="}],
           "status":"current","subject":{"identifier":{"system":"https://fhir.nhs.uk/Id/nhs-number","value":"9434765919"}},
           "content":[{"attachment":{"contentType":"application/pdf","url":"https://docs.example.nhs.uk/letters/1.pdf"}}]})j";
  };
  auto seen = invariants_of(letter(R"j(<img src=\"#sig\" alt=\"signature\"/>)j"));
  CHECK_MESSAGE(!has(seen, "dom-3", "DocumentReference"), dump(seen));
  auto unseen = invariants_of(letter("Discharge letter"));
  CHECK_MESSAGE(has(unseen, "dom-3", "DocumentReference"), dump(unseen));
}
