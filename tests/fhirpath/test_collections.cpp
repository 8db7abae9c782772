// distinct(), isDistinct(), union, `|`, intersect, exclude, subsetOf, supersetOf and repeat():
// what `=` calls equal is one item (numbers within their precision, quantities across units,
// moments across zones), and the time grows linearly with the collection (bdl-7 runs
// isDistinct() over every entry of a Bundle).
#include <doctest/doctest.h>

#include <algorithm>
#include <chrono>
#include <cstdio>
#include <ctime>
#include <string>

#include "fhir/codec.hpp"
#include "fhirpath/fhirpath.hpp"

using namespace hidewire;
using namespace hidewire::fhirpath;

namespace {

// A Bundle of n entries, each with its own fullUrl and a decimal score.
fhir::Node bundle(int n) {
  std::string json = R"({"resourceType":"Bundle","type":"searchset","entry":[)";
  char buf[160];
  for (int i = 0; i < n; ++i) {
    std::snprintf(buf, sizeof buf, R"(%s{"fullUrl":"urn:uuid:7d3c1a52-0b8e-4f4e-9a6b-%012d","search":{"score":%d.%03d}})",
                  i ? "," : "", i, i / 1000, i % 1000);
    json += buf;
  }
  json += "]}";
  fhir::Node root;
  fhir::Diagnostics d;
  REQUIRE(fhir::parse_json(json, fhir::Schema::r4(), root, d));
  return root;
}

std::string eval(const std::string& expr, const fhir::Node* root = nullptr) {
  EvalContext ctx;
  ctx.resource = root;
  std::string out;
  for (const Value& v : Expression::compile(expr).evaluate(ctx)) {
    auto s = to_system(v);
    out += (out.empty() ? "" : ",") + (s ? to_display(*s) : "<" + type_name(v) + ">");
  }
  return out;
}

// CPU time of this thread: a busy machine's other work does not count.
double cpu_seconds() {
  timespec ts;
  clock_gettime(CLOCK_THREAD_CPUTIME_ID, &ts);
  return static_cast<double>(ts.tv_sec) + static_cast<double>(ts.tv_nsec) * 1e-9;
}

double seconds(const Expression& e, const fhir::Node& root) {
  EvalContext ctx;
  ctx.resource = &root;
  double t0 = cpu_seconds();
  e.evaluate(ctx);
  return cpu_seconds() - t0;
}

// The best of several runs of each size, taken in turn so both meet the same conditions.
double ratio(const Expression& e, const fhir::Node& small, const fhir::Node& large, std::string& figures) {
  double a = 1e9, b = 1e9;
  for (int r = 0; r < 5; ++r) {
    a = std::min(a, seconds(e, small));
    b = std::min(b, seconds(e, large));
  }
  figures = "n " + std::to_string(a) + " s, 8n " + std::to_string(b) + " s";
  return b / a;
}

}  // namespace

TEST_CASE("equal values are one item, as `=` decides") {
  CHECK(eval("(1 | 1.0 | 1.0000000000001 | 2).count()") == "2");
  CHECK(eval("(1 'mg' | 0.001 'g' | 1 'g').count()") == "2");
  CHECK(eval("(@2020-01-01T10:00:00+01:00 | @2020-01-01T09:00:00Z | @2020-01-01T09:00:00+00:00).count()") == "1");
  CHECK(eval("(@2020-01-01T10:00:00 | @2020-01-01T10:00:00Z).count()") == "2");  // a zone on one side: not equal
  CHECK(eval("(@2020 | @2020-01 | @2020-01-01 | @2020).count()") == "3");       // precisions differ: not equal
  CHECK(eval("(@T10:00 | @T10:00:00 | @T10:00).count()") == "2");
  CHECK(eval("('a' | 'A' | 'a' | true | true | false).count()") == "4");
  CHECK(eval("(1 | '1' | 1.5 | 1.50).count()") == "3");
  CHECK(eval("(1 | 2 | 3).intersect(2 | 3.0 | 4)") == "2,3");
  CHECK(eval("(1 | 2 | 3 | 2).exclude(2.0)") == "1,3");
  CHECK(eval("(1 | 2).subsetOf(1.0 | 2 | 3)") == "true");
  CHECK(eval("(1 | 2 | 5).supersetOf(2 | 5.0)") == "true");
  CHECK(eval("(1 | 2 | 5).supersetOf(2 | 6)") == "false");
  CHECK(eval("(1 | 2 | 1.0).isDistinct()") == "true");  // `|` already merged them
  CHECK(eval("(1).combine(1.0).isDistinct()") == "false");
  CHECK(eval("(1).combine(2).combine('1').isDistinct()") == "true");
  fhir::Node b = bundle(3);
  CHECK(eval("Bundle.entry.isDistinct()", &b) == "true");
  CHECK(eval("Bundle.entry.combine(Bundle.entry.first()).isDistinct()", &b) == "false");
  CHECK(eval("Bundle.entry.search.combine(Bundle.entry.search).distinct().count()", &b) == "3");
  CHECK(eval("Bundle.entry.search.score.union(Bundle.entry.search.score).count()", &b) == "3");
}

TEST_CASE("collection functions take linear time: 8 times the items, about 8 times as long") {
  const char* exprs[] = {
      "Bundle.entry.fullUrl.isDistinct()",
      "Bundle.entry.search.score.isDistinct()",
      "Bundle.entry.isDistinct()",
      "Bundle.entry.fullUrl.distinct().count()",
      "Bundle.entry.fullUrl.union(Bundle.entry.fullUrl).count()",
      "(Bundle.entry.fullUrl | Bundle.entry.fullUrl).count()",
      "Bundle.entry.fullUrl.intersect(Bundle.entry.fullUrl).count()",
      "Bundle.entry.fullUrl.exclude(Bundle.entry.fullUrl).count()",
      "Bundle.entry.fullUrl.subsetOf(Bundle.entry.fullUrl)",
      "Bundle.entry.search.score.supersetOf(Bundle.entry.search.score)",
      "Bundle.entry.repeat(fullUrl).count()",
  };
  const fhir::Node small = bundle(2000), large = bundle(16000);
  for (const char* text : exprs) {
    CAPTURE(text);
    Expression e = Expression::compile(text);
    std::string figures;
    double r = ratio(e, small, large, figures);
    MESSAGE(std::string(text) << ": " << figures << ", ratio " << r);
    CHECK(r < 24);
  }
}
