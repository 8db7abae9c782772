// Writes an audit log for the CLI tests: `audit_fill DIR COUNT PER_COMMIT` appends COUNT accesses
// (PER_COMMIT to a transaction; a signed checkpoint at every commit) through the sqlite audit log
// plugin, as a node would, to DIR/audit.db with its key pair beside it.
#include <iostream>
#include <string>

#include "audit/audit_event.hpp"
#include "plugins/audit/sqlite/audit_log.hpp"

using namespace hidewire;

int main(int argc, char** argv) {
  if (argc != 4) {
    std::cerr << "usage: audit_fill DIR COUNT PER_COMMIT\n";
    return 2;
  }
  std::string dir = argv[1];
  int count = std::stoi(argv[2]), per = std::stoi(argv[3]);
  plugins::SqliteAuditLog::Options o;
  o.path = dir + "/audit.db";
  o.key_path = dir + "/audit-signing.key";
  o.pub_path = dir + "/audit-signing.pub";
  o.origin = "a81001-gp";
  o.checkpoint_every_ms = 0;
  plugins::SqliteAuditLog log(o);
  const char* patients[] = {"9434765919", "9449306613", "9000000009"};
  std::vector<node::AuditRecord> batch;
  for (int i = 1; i <= count; ++i) {
    node::Caller c;
    c.kind = node::Caller::Kind::Peer;
    bool ambulance = i % 5 == 0;
    c.id = c.ods_code = ambulance ? "RX9" : "RXX";
    c.person_present = true;
    c.person = ambulance ? node::Person{"912345678901", "Paramedic Sam Jones", "R8003"} : node::Person{"555123456789", "Dr Amara Okafor", "R8000"};
    c.purpose = ambulance ? "emergency" : "direct-care";
    if (ambulance) c.break_glass_reason = "Patient unconscious at scene, medication history needed";
    c.address = "10.1.2." + std::to_string(i % 200) + ":44321";
    c.request_id = "req-" + std::to_string(i);
    audit::Access a{c};
    a.interaction = i % 3 == 0 ? "search-type" : "read";
    a.resource_type = "MedicationStatement";
    if (a.interaction == "read") a.resource_id = "med-" + std::to_string(i);
    else a.query = "patient=pat-" + std::to_string(i % 3);
    a.patient_nhs = patients[i % 3];
    a.patient_id = "pat-" + std::to_string(i % 3);
    a.node_ods = "A81001";
    a.node_name = "a81001-gp";
    batch.push_back(audit::make_record(a));
    if (static_cast<int>(batch.size()) == per || i == count) {
      log.append_sync(std::move(batch));
      batch.clear();
    }
  }
  log.stop();
  std::cout << "wrote " << count << " entries\n";
  return 0;
}
