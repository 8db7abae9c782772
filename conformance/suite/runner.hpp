// Runs a pack's tests against a product and writes the reports (JUnit XML, one HTML page, a FHIR
// R4 TestReport). Used by `hidewire conformance`.
#pragma once

#include <string>
#include <vector>

#include "conformance/suite/requirements.hpp"
#include "conformance/suite/suite.hpp"

namespace hidewire::conformance::suite {

struct RunOptions {
  Target target;
  std::string pack;
  std::string milestone;       // empty: the last (every requirement)
  std::string listen;          // HOST:PORT the suite listens on for the product's HL7 v2; empty: not
  std::string listen_http;     // HOST:PORT the suite takes the product's FHIR POSTs on; empty: not
  bool listen_tls = false;       // mllps://: MLLP over TLS with --listen-cert/--listen-key (mutual with --listen-ca)
  bool listen_http_tls = false;  // https://: likewise
  std::string folder;          // where the product writes FHIR files; empty: not read
  std::string gpc_listen;      // HOST:PORT of the suite's GP Connect provider (HTTPS); empty: none
  std::string listen_cert, listen_key, listen_ca;  // the suite's server certificate (GP Connect, mllps, https); the CA the product's client certificate chains to
  double window_seconds = 10;  // how long the suite listens (from the start of the run)
  std::vector<std::string> igs, profiles;  // UK Core and other IGs for SND-FHIR-PROFILES; required profile URLs
};

struct Outcome {
  const TestCase* test = nullptr;
  Result result;
  bool required = false;  // traces to a requirement of level "shall" in the pack
};

struct Run {
  std::string pack, milestone, run_id, started, finished;  // times as FHIR instants (UTC)
  std::vector<const Requirement*> requirements;             // those of the pack up to the milestone
  std::vector<Outcome> outcomes;
  Metrics metrics;  // what the product sent, counted (summary.json, for the locality report)
  std::size_t count(Status s) const;
  // Every required test passed.
  bool passed() const;
};

// The tests of `pack` up to `milestone` (empty: all milestones), with whether each is required.
std::vector<std::pair<const TestCase*, bool>> select_tests(const std::string& pack, const std::string& milestone);
// Runs them; throws std::runtime_error for options that cannot work (an unknown pack, a listen
// address in use, IGs that do not load).
Run run_pack(const RunOptions& options);

// Text for XML and HTML: markup escaped, control characters XML 1.0 forbids (MLLP's VT, FS) as '?'.
std::string xml_escape(std::string_view s);
// Reports, written by report.cpp; each returns the document.
std::string junit_xml(const Run& run);
std::string html_report(const Run& run);
std::string test_report_json(const Run& run);  // FHIR R4 TestReport
std::string summary_json(const Run& run);      // each test's result and the counts, for `conformance locality`
// Writes them into `dir` (made if needed): junit.xml, report.html, TestReport.json, summary.json. Throws
// std::runtime_error when one cannot be written.
void write_reports(const Run& run, const std::string& dir);

}  // namespace hidewire::conformance::suite
