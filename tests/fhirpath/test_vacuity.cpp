// Invariants skipped when the element lacks every child they could fail on (fhirpath/vacuity):
// the analysis on R4's own expressions, and the checker's verdicts with and without the skip over
// every example and validator test case at hand, valid and invalid.
#include <doctest/doctest.h>

#include <algorithm>
#include <set>
#include <string>
#include <tuple>

#include "fhir/codec.hpp"
#include "fhirpath/fhirpath.hpp"
#include "fhirpath/invariants.hpp"
#include "fhirpath/vacuity.hpp"
#include "tests/fhir/test_support.hpp"

using namespace hidewire;

namespace {

std::optional<std::set<std::string>> needs(const char* text) {
  auto r = fhirpath::passes_without(fhirpath::Expression::compile(text).ast());
  if (!r) return std::nullopt;
  return std::set<std::string>(r->begin(), r->end());
}

using Set = std::set<std::string>;

// (key, location, severity) of each invariant issue: what the checker decided.
std::set<std::tuple<std::string, std::string, int>> verdicts(const fhir::Node& root, bool evaluate_all) {
  fhir::Diagnostics d;
  fhirpath::check_invariants(root, fhir::Schema::r4(), d, {evaluate_all});
  std::set<std::tuple<std::string, std::string, int>> out;
  for (const fhir::Issue& i : d.issues())
    if (i.code == "invariant") out.emplace(i.key, i.location, static_cast<int>(i.severity));
  return out;
}

}  // namespace

TEST_CASE("an invariant that guards an absent element needs that element to fail") {
  CHECK(needs("contained.contained.empty()") == Set{"contained"});  // dom-2
  CHECK(needs("reference.startsWith('#').not() or (reference.substring(1).trace('url') in "
              "%rootResource.contained.id.trace('ids'))") == Set{"reference"});  // ref-1
  CHECK(needs("dataAbsentReason.empty() or value.empty()") == Set{"dataAbsentReason"});  // obs-6
  CHECK(needs("code.exists() implies code.coding.exists()") == Set{"code"});
  CHECK(needs("(low.empty() or high.empty()) or (low <= high)") == Set{"low"});  // rng-2
  CHECK(needs("a.where(b = 'x').exists().not() and c.empty()") == Set{"a", "c"});
  CHECK(needs("(a | b).all(c.exists())") == Set{"a", "b"});
  auto per1 = needs("start.hasValue().not() or end.hasValue().not() or (start <= end)");
  REQUIRE(per1);
  CHECK((*per1 == Set{"start"} || *per1 == Set{"end"}));
}

TEST_CASE("an invariant that can fail with its inputs absent is always evaluated") {
  // pat-1: a contact with none of these is exactly what it refuses.
  CHECK_FALSE(needs("name.exists() or telecom.exists() or address.exists() or organization.exists()"));
  CHECK_FALSE(needs("extension.exists() != value.exists()"));  // ext-1: exists() is never empty
  CHECK_FALSE(needs("a.exists() and b.exists()"));
  CHECK_FALSE(needs("a.count() = 1"));
  CHECK(needs("a.empty() or b.exists()") == Set{"a"});          // without a, a.empty() is true
  CHECK_FALSE(needs("a.empty().not() or b.exists()"));
  CHECK_FALSE(needs("%resource.contained.empty()"));            // not the focus's children
  CHECK_FALSE(needs("$this.a.empty()"));
  CHECK_FALSE(needs("Patient.name.empty()"));                   // a type name, not a child
  CHECK_FALSE(needs("empty()"));
  CHECK_FALSE(needs("a.contains('x').not()"));                  // contains on empty is false
  CHECK_FALSE(needs("(a ~ b).not()"));                          // {} ~ {} is true
  CHECK_FALSE(needs("iif(a.exists(), a = 1, true).not()"));
}

TEST_CASE("skipping vacuous invariants changes no verdict on the examples and validator cases") {
  int files = 0, failing = 0;
  for (const std::string dir : {"fhir-r4-examples", "fhir-validator-r4"}) {
    for (const std::string ext : {".json", ".xml"}) {
      for (const std::string& f : hw_test::files_in(dir, ext)) {
        fhir::Node root;
        fhir::Diagnostics parsed;
        if (!fhir::parse_any(hw_test::read_file(f), fhir::Schema::r4(), root, parsed)) continue;
        CAPTURE(f);
        auto all = verdicts(root, true);
        CHECK(verdicts(root, false) == all);
        ++files;
        failing += !all.empty();
      }
    }
  }
  // The comparison means something only if many inputs break invariants.
  CHECK(files > 550);
  CHECK(failing > 20);
  MESSAGE(files << " resources compared, " << failing << " with a failed invariant");
}
