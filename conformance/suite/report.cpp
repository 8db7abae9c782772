// The run's reports: JUnit XML (for CI), one self-contained HTML page (for people: a summary per
// requirement, the evidence per test, no external assets) and a FHIR R4 TestReport.
#include <map>
#include <sstream>

#include "conformance/suite/runner.hpp"
#include "fhir/json_escape.hpp"

namespace hidewire::conformance::suite {
namespace {


std::string seconds(std::chrono::milliseconds ms) {
  std::ostringstream s;
  s << ms.count() / 1000 << "." << (ms.count() % 1000) / 100 << (ms.count() % 100) / 10 << ms.count() % 10;
  return s.str();
}

std::string joined(const std::vector<std::string>& v) {
  std::string out;
  for (const std::string& s : v) out += (out.empty() ? "" : ", ") + s;
  return out;
}

// A requirement's verdict from its tests in this run.
std::string verdict(const Run& run, const Requirement& r) {
  std::size_t tests = 0, passed = 0, failed = 0;
  for (const Outcome& o : run.outcomes)
    for (const std::string& id : o.test->requirements)
      if (id == r.id) {
        ++tests;
        passed += o.result.status == Status::Pass;
        failed += o.result.status == Status::Fail || o.result.status == Status::Error;
      }
  if (tests == 0) return "no test yet";
  if (failed) return "not met";
  return passed == tests ? "met" : "not fully tested (skipped)";
}

}  // namespace

std::string xml_escape(std::string_view s) {
  std::string out;
  for (char c : s) {
    switch (c) {
      case '&': out += "&amp;"; break;
      case '<': out += "&lt;"; break;
      case '>': out += "&gt;"; break;
      case '"': out += "&quot;"; break;
      case '\'': out += "&#39;"; break;
      default:
        // XML 1.0 has no control characters but tab, LF and CR (MLLP's VT and FS would break it).
        if (static_cast<unsigned char>(c) < 0x20 && c != '\t' && c != '\n' && c != '\r') out += "?";
        else out += c;
    }
  }
  return out;
}

std::string junit_xml(const Run& run) {
  std::ostringstream s;
  s << "<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n<testsuites name=\"hidewire conformance\" tests=\"" << run.outcomes.size()
    << "\" failures=\"" << run.count(Status::Fail) << "\" errors=\"" << run.count(Status::Error) << "\" skipped=\"" << run.count(Status::Skip)
    << "\">\n  <testsuite name=\"" << xml_escape(run.pack) << "\" tests=\"" << run.outcomes.size() << "\" failures=\"" << run.count(Status::Fail)
    << "\" errors=\"" << run.count(Status::Error) << "\" skipped=\"" << run.count(Status::Skip) << "\" timestamp=\"" << run.started << "\">\n";
  for (const Outcome& o : run.outcomes) {
    s << "    <testcase classname=\"" << xml_escape(run.pack + "." + o.test->area) << "\" name=\"" << xml_escape(o.test->id) << "\" time=\""
      << seconds(o.result.took) << "\">\n      <properties><property name=\"requirements\" value=\"" << xml_escape(joined(o.test->requirements))
      << "\"/><property name=\"required\" value=\"" << (o.required ? "true" : "false") << "\"/></properties>\n";
    if (o.result.status == Status::Fail) s << "      <failure message=\"" << xml_escape(o.result.message) << "\"/>\n";
    if (o.result.status == Status::Error) s << "      <error message=\"" << xml_escape(o.result.message) << "\"/>\n";
    if (o.result.status == Status::Skip) s << "      <skipped message=\"" << xml_escape(o.result.message) << "\"/>\n";
    s << "      <system-out>";
    for (const Exchange& e : o.result.evidence) s << xml_escape("== " + e.label + "\n>> " + e.request + "\n<< " + e.response + "\n");
    s << "</system-out>\n    </testcase>\n";
  }
  s << "  </testsuite>\n</testsuites>\n";
  return s.str();
}

std::string html_report(const Run& run) {
  std::ostringstream s;
  s << "<!DOCTYPE html>\n<html lang=\"en-GB\"><head><meta charset=\"utf-8\"><title>Conformance: " << xml_escape(run.pack) << "</title>\n<style>"
    << "body{font-family:sans-serif;margin:2em;max-width:75em}table{border-collapse:collapse;width:100%}td,th{border:1px solid #999;"
       "padding:.3em;vertical-align:top;text-align:left}pre{white-space:pre-wrap;background:#f4f4f4;padding:.5em;font-size:85%}"
       ".pass,.met{background:#d4edda}.fail,.error,.not-met{background:#f8d7da}.skip{background:#fff3cd}</style></head><body>\n";
  s << "<h1>" << xml_escape(requirements().suite) << ": pack " << xml_escape(run.pack) << "</h1>\n<p>Milestone " << xml_escape(run.milestone) << "; run "
    << xml_escape(run.run_id) << " from " << run.started << " to " << run.finished << ". <strong>" << (run.passed() ? "PASSED" : "NOT PASSED")
    << "</strong>: " << run.count(Status::Pass) << " passed, " << run.count(Status::Fail) << " failed, " << run.count(Status::Error)
    << " erred, " << run.count(Status::Skip) << " skipped.</p>\n<h2>Requirements</h2>\n<table><tr><th>Requirement</th><th>What</th>"
    << "<th>Source (as at)</th><th>Milestone</th><th>Tests</th><th>Verdict</th></tr>\n";
  for (const Requirement* r : run.requirements) {
    std::string v = verdict(run, *r), tests;
    for (const Outcome& o : run.outcomes)
      for (const std::string& id : o.test->requirements)
        if (id == r->id)
          tests += "<a href=\"#" + xml_escape(o.test->id) + "\" class=\"" + std::string(status_name(o.result.status)) + "\">" + xml_escape(o.test->id) + " " +
                   std::string(status_name(o.result.status)) + "</a><br>";
    s << "<tr><td>" << xml_escape(r->id) << " (" << xml_escape(r->level) << ")</td><td>" << xml_escape(r->text) << "</td><td>" << xml_escape(r->source) << " ("
      << xml_escape(r->as_at) << ")</td><td>" << xml_escape(r->milestone) << "</td><td>" << tests << "</td><td class=\""
      << (v == "met" ? "met" : v == "not met" ? "not-met" : "skip") << "\">" << xml_escape(v) << "</td></tr>\n";
  }
  s << "</table>\n<h2>Tests</h2>\n";
  for (const Outcome& o : run.outcomes) {
    s << "<h3 id=\"" << xml_escape(o.test->id) << "\" class=\"" << status_name(o.result.status) << "\">" << xml_escape(o.test->id) << ": "
      << status_name(o.result.status) << "</h3>\n<p>" << xml_escape(o.test->title) << ". Traces to " << xml_escape(joined(o.test->requirements)) << "; "
      << (o.required ? "required" : "advisory") << "; " << seconds(o.result.took) << " s.</p>\n";
    if (!o.result.message.empty()) s << "<p><strong>" << xml_escape(o.result.message) << "</strong></p>\n";
    for (const Exchange& e : o.result.evidence)
      s << "<details><summary>" << xml_escape(e.label) << "</summary><p>Sent / received:</p><pre>" << xml_escape(e.request) << "</pre><p>Answer / finding:</p><pre>"
        << xml_escape(e.response) << "</pre></details>\n";
  }
  s << "</body></html>\n";
  return s.str();
}

std::string test_report_json(const Run& run) {
  using fhir::json_escape;
  // TestReport.test.action.operation.result: pass | skip | fail | warning | error (report-action-result-codes).
  std::ostringstream s;
  s << R"({"resourceType":"TestReport","id":"hidewire-conformance-)" << json_escape(run.run_id) << R"(","identifier":{"system":)"
    << R"("urn:hidewire:conformance-run","value":")" << json_escape(run.run_id) << R"("},"name":"hidewire conformance, pack )"
    << json_escape(run.pack) << R"(","status":"completed","testScript":{"display":")" << json_escape(requirements().suite) << " "
    << json_escape(requirements().version) << ", pack " << json_escape(run.pack) << ", milestone " << json_escape(run.milestone)
    << R"("},"result":")" << (run.passed() ? "pass" : "fail") << R"(","score":)";
  std::size_t n = run.outcomes.size(), passed = run.count(Status::Pass);
  s << (n ? (passed * 100 / n) : 0) << R"(,"tester":"hidewire conformance","issued":")" << run.finished << "\"";
  if (n) s << R"(,"test":[)";
  bool first = true;
  for (const Outcome& o : run.outcomes) {
    s << (first ? "" : ",") << R"({"name":")" << json_escape(o.test->id) << R"(","description":")"
      << json_escape(o.test->title + ". Requirements: " + joined(o.test->requirements) + (o.required ? " (required)" : " (advisory)"))
      << R"(","action":[{"operation":{"result":")" << status_name(o.result.status) << "\"";
    if (!o.result.message.empty()) s << R"(,"message":")" << json_escape(o.result.message) << "\"";
    s << "}}]}";
    first = false;
  }
  s << (n ? "]}" : "}");
  return s.str();
}

}  // namespace hidewire::conformance::suite

namespace hidewire::conformance::suite {

std::string summary_json(const Run& run) {
  using fhir::json_escape;
  const Metrics& m = run.metrics;
  std::ostringstream s;
  s << R"({"suite":")" << json_escape(requirements().suite) << R"(","version":")" << json_escape(requirements().version) << R"(","pack":")"
    << json_escape(run.pack) << R"(","milestone":")" << json_escape(run.milestone) << R"(","run_id":")" << json_escape(run.run_id)
    << R"(","finished":")" << run.finished << R"(","passed":)" << (run.passed() ? "true" : "false") << R"(,"tests":{)";
  for (std::size_t i = 0; i < run.outcomes.size(); ++i)
    s << (i ? "," : "") << '"' << json_escape(run.outcomes[i].test->id) << R"(":")" << status_name(run.outcomes[i].result.status) << '"';
  s << R"(},"messages":{"v2_patient_level":)" << m.v2_patient_level << R"(,"v2_valid_nhs_number":)" << m.v2_valid_nhs
    << R"(,"fhir_patients":)" << m.fhir_patients << R"(,"fhir_valid_nhs_number":)" << m.fhir_valid_nhs << R"(,"fhir_verified_nhs_number":)"
    << m.fhir_verified_nhs << "}}\n";
  return s.str();
}

}  // namespace hidewire::conformance::suite
