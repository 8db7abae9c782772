// The conformance suite's own parts without a product: the requirements data and its checks, the
// tests' traceability and pack selection, the reports (JUnit escaping, a valid FHIR TestReport,
// the pass rule), the NHS numbers the suite makes, the locality report's reading of summaries.
#include <doctest/doctest.h>

#include <unistd.h>

#include <filesystem>
#include <fstream>
#include <set>
#include <stdexcept>

#include "conformance/gate.hpp"
#include "conformance/suite/locality.hpp"
#include "conformance/suite/probes.hpp"
#include "conformance/suite/runner.hpp"
#include "fhir/nhs_number.hpp"

namespace cs = hidewire::conformance::suite;

TEST_CASE("every test traces to requirements that exist, and every pack has tests") {
  const cs::Requirements& reqs = cs::requirements();
  REQUIRE(reqs.packs.size() == 6);
  REQUIRE_NOTHROW(cs::tests());
  std::set<std::string> ids;
  for (const cs::TestCase& t : cs::tests()) {
    CHECK_FALSE(t.requirements.empty());
    CHECK(ids.insert(t.id).second);  // test ids unique
    for (const std::string& r : t.requirements) CHECK(reqs.find(r) != nullptr);
  }
  for (const cs::Pack& p : reqs.packs) CHECK_FALSE(cs::select_tests(p.id, "").empty());
  for (const cs::Requirement& r : reqs.requirements) {
    CHECK_FALSE(r.source.empty());
    CHECK(r.as_at.size() == 10);
  }
}

TEST_CASE("packs and milestones select the tests") {
  auto has = [](const std::vector<std::pair<const cs::TestCase*, bool>>& v, const std::string& id) {
    for (const auto& [t, required] : v)
      if (t->id == id) return true;
    return false;
  };
  auto gp = cs::select_tests("gp-system", "");
  CHECK(has(gp, "GPC-RECORD"));
  CHECK(has(gp, "V2R-ACK-MSA2"));
  CHECK_FALSE(has(cs::select_tests("gp-system", "baseline"), "GPC-RECORD"));  // GP Connect is due at M2015
  auto ambulance = cs::select_tests("ambulance-epr", "");
  CHECK_FALSE(has(ambulance, "V2R-ACK-MSA2"));  // an ambulance ePR is not an HL7 v2 receiver
  CHECK(has(ambulance, "SND-V2-NHS"));
  CHECK_THROWS_AS(cs::select_tests("no-such-pack", ""), std::runtime_error);
  CHECK_THROWS_AS(cs::select_tests("gp-system", "M1999"), std::runtime_error);
}

TEST_CASE("malformed requirements data is refused, naming what is wrong") {
  auto doc = [](const std::string& requirement) {
    return R"({"suite":"s","version":"1","packs":[{"id":"p","title":"P"}],"milestones":[{"id":"m","title":"M","due":"2016-12-31"}],"requirements":[)" +
           requirement + "]}";
  };
  std::string ok = R"({"id":"R-1","level":"shall","milestone":"m","as_at":"2026-12-04","text":"t","source":"s","packs":["p"]})";
  CHECK(cs::parse_requirements(doc(ok)).requirements.size() == 1);
  auto refused = [&](const std::string& json, const std::string& says) {
    try {
      cs::parse_requirements(json);
      FAIL("accepted: " << json);
    } catch (const std::runtime_error& e) {
      CHECK_MESSAGE(std::string(e.what()).find(says) != std::string::npos, e.what());
    }
  };
  refused(doc(ok + "," + ok), "defined twice");
  refused(doc(R"({"id":"R-2","level":"must","milestone":"m","as_at":"2026-12-04","text":"t","source":"s","packs":["p"]})"), "level");
  refused(doc(R"({"id":"R-2","level":"shall","milestone":"x","as_at":"2026-12-04","text":"t","source":"s","packs":["p"]})"), "unknown milestone");
  refused(doc(R"({"id":"R-2","level":"shall","milestone":"m","as_at":"2026-12-04","text":"t","source":"s","packs":["q"]})"), "unknown pack");
  refused(doc(R"({"id":"R-2","level":"shall","milestone":"m","as_at":"2026-12-04","text":"t","packs":["p"]})"), "'source'");
  refused("[]", "not a JSON object");
}

namespace {
cs::Run sample_run(cs::Status second, bool second_required) {
  cs::Run run;
  run.pack = "integration-engine";
  run.milestone = "M2016";
  run.run_id = "123";
  run.started = run.finished = "2026-12-04T10:00:00Z";
  for (const cs::Requirement& r : cs::requirements().requirements) run.requirements.push_back(&r);
  const auto& tests = cs::tests();
  cs::Outcome a{&tests[0], {}, true};
  a.result.evidence.push_back({"frame <1>", "\x0bMSH|^~\\&|A & B\x1c\r", "MSA|AA|X"});
  cs::Outcome b{&tests[1], {}, second_required};
  b.result.set(second, "why \"it\" <failed>");
  run.outcomes = {a, b};
  return run;
}
}  // namespace

TEST_CASE("the pass rule: every required test passed, nothing else counts as passing") {
  CHECK(sample_run(cs::Status::Pass, true).passed());
  CHECK_FALSE(sample_run(cs::Status::Fail, true).passed());
  CHECK_FALSE(sample_run(cs::Status::Error, true).passed());
  CHECK_FALSE(sample_run(cs::Status::Skip, true).passed());  // a required test not run is not a pass
  CHECK(sample_run(cs::Status::Skip, false).passed());
  CHECK_FALSE(cs::Run{}.passed());  // nothing run
}

TEST_CASE("reports: JUnit without control characters and escaped, a valid TestReport, a self-contained page") {
  cs::Run run = sample_run(cs::Status::Fail, true);
  std::string junit = cs::junit_xml(run);
  CHECK(junit.find('\x0b') == std::string::npos);
  CHECK(junit.find('\x1c') == std::string::npos);
  CHECK(junit.find("A &amp; B") != std::string::npos);
  CHECK(junit.find(R"(<failure message="why &quot;it&quot; &lt;failed&gt;"/>)") != std::string::npos);
  std::string report = cs::test_report_json(run);
  hidewire::fhir::Diagnostics d = hidewire::conformance::check(report);
  CHECK_MESSAGE(!d.has_errors(), (d.issues().empty() ? "" : d.issues().front().message));
  CHECK(report.find(R"("result":"fail")") != std::string::npos);
  CHECK(report.find(R"("operation":{"result":"fail","message":"why \"it\" <failed>"})") != std::string::npos);
  CHECK_FALSE(cs::Run{}.passed());
  cs::Run none = run;
  none.outcomes.clear();
  CHECK_FALSE(hidewire::conformance::check(cs::test_report_json(none)).has_errors());  // no tests: no empty array
  std::string html = cs::html_report(run);
  CHECK(html.find("src=") == std::string::npos);
  CHECK(html.find("<link") == std::string::npos);
  CHECK(html.find("NOT PASSED") != std::string::npos);
  CHECK(html.find("no test yet") != std::string::npos);  // requirements without tests are said to be untested
}

TEST_CASE("the NHS numbers the suite makes: valid, distinct, and their wrong-check-digit twins invalid") {
  std::set<std::string> seen;
  for (std::uint64_t seed = 0; seed < 500; ++seed) {
    std::string n = cs::nhs_number_from(seed * 7919);
    CHECK(hidewire::fhir::is_valid_nhs_number(n));
    CHECK_FALSE(hidewire::fhir::is_valid_nhs_number(cs::with_wrong_check_digit(n)));
    seen.insert(n);
  }
  CHECK(seen.size() > 450);
}

TEST_CASE("header_value finds a header by name, whatever its case") {
  std::string h = "HTTP/1.1 404 Not Found\ncontent-type: application/fhir+json\nCache-Control:  no-store \n";
  CHECK(cs::header_value(h, "Cache-Control") == "no-store");
  CHECK(cs::header_value(h, "Content-Type") == "application/fhir+json");
  CHECK(cs::header_value(h, "ETag").empty());
}

TEST_CASE("summary.json carries each test's result and the counts; the locality reads it back") {
  cs::Run run = sample_run(cs::Status::Pass, true);
  run.metrics = {4, 3, 2, 2, 1};
  std::string dir = std::filesystem::temp_directory_path() / ("hw-conformance-test-" + std::to_string(::getpid()));
  std::filesystem::create_directories(dir + "/a");
  std::ofstream(dir + "/a/summary.json") << cs::summary_json(run);
  std::ofstream(dir + "/locality.json") << R"({"locality":"L","nodes":[{"name":"a","ods_code":"RX8","kind":"ambulance-service","report":"a"},)"
                                        << R"({"name":"b","ods_code":"NLO","kind":"nhs-111","report":"b"}]})";
  cs::Locality l = cs::read_locality(dir + "/locality.json");
  REQUIRE(l.nodes.size() == 2);
  CHECK(l.nodes[0].problem.empty());
  CHECK(l.nodes[0].passed);
  CHECK_FALSE(l.nodes[0].reads_gp_records);  // the sample run has no GPC-CONSUMER-REQUEST
  CHECK(l.nodes[0].v2_patient_level == 4);
  CHECK(l.nodes[0].v2_valid == 3);
  CHECK(l.nodes[0].fhir_verified == 1);
  CHECK(l.nodes[1].problem.find("no readable summary.json") != std::string::npos);
  CHECK(l.urgent_care() == 2);
  CHECK(l.urgent_care_reading() == 0);
  CHECK(cs::locality_json(l).find(R"("patient_level_messages":6,"with_valid_nhs_number":5)") != std::string::npos);
  std::ofstream(dir + "/bad.json") << R"({"nodes":[]})";
  CHECK_THROWS_AS(cs::read_locality(dir + "/bad.json"), std::runtime_error);
  CHECK_THROWS_AS(cs::read_locality(dir + "/missing.json"), std::runtime_error);
  std::filesystem::remove_all(dir);
}
