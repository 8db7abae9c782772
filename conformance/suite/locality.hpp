// The federation report for a locality: across the nodes a locality config lists, each with the
// report folder of its own conformance run, the share of ambulance, NHS 111 and A&E (acute) nodes
// that read GP records (GPC-CONSUMER-REQUEST passed), and of the patient-level messages they sent
// that carried a valid NHS number, and of their FHIR Patients whose NHS number was verified. With
// a node's admin API (`admin`, `admin_token`, ...), its own counts too (GET /stats: the
// patient-level messages it took in and of them those keyed by a valid NHS number, its
// clinicians' GP-record reads), over all its traffic rather than one run's window.
#pragma once

#include <string>
#include <vector>

namespace hidewire::conformance::suite {

struct LocalityNode {
  std::string name, ods_code, kind, report;  // report: the folder of its `conformance run --report`
  std::string problem;                       // why its summary could not be read; empty when it was
  std::string pack;
  bool passed = false, urgent_care = false, reads_gp_records = false;
  std::size_t v2_patient_level = 0, v2_valid = 0, fhir_patients = 0, fhir_valid = 0, fhir_verified = 0;
  // From the node's admin API, when the config names it.
  std::string admin, admin_token, admin_ca, admin_cert, admin_key;
  std::string admin_problem;  // why its /stats could not be read; empty when it was (or none was named)
  bool admin_read = false;
  std::size_t node_patient_level = 0, node_valid = 0, gp_record_reads = 0, gp_records_to_urgent_care = 0;
};

struct Locality {
  std::string name, generated;
  std::vector<LocalityNode> nodes;
  std::size_t urgent_care() const;
  std::size_t urgent_care_reading() const;
};

// Reads the locality config, each node's summary.json (relative paths from the config's
// folder) and, for a node with `admin`, its GET /stats. Throws std::runtime_error when the config itself cannot be read; a node whose summary
// cannot be read is kept with its problem, and counts as not reading GP records.
Locality read_locality(const std::string& config_path);
std::string locality_json(const Locality& l);
std::string locality_html(const Locality& l);

}  // namespace hidewire::conformance::suite
