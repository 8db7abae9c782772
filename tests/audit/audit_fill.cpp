// Writes an audit log for the CLI tests: `audit_fill DIR COUNT PER_COMMIT` appends COUNT accesses
// (PER_COMMIT to a transaction; a signed checkpoint at every commit) through the sqlite audit log
// plugin, as a node would, to DIR/audit.db with its key pair beside it; --batch adds one batch of
// journalled messages (entry COUNT + 1).
#include <iostream>
#include <string>

#include "audit/audit_event.hpp"
#include "audit/submit_record.hpp"
#include "node/caller_json.hpp"
#include "plugins/audit/sqlite/audit_log.hpp"

using namespace hidewire;

int main(int argc, char** argv) {
  if (argc != 4 && !(argc == 5 && std::string(argv[4]) == "--batch")) {
    std::cerr << "usage: audit_fill DIR COUNT PER_COMMIT [--batch]\n";
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
  if (argc == 5) {  // and one journal commit of three messages from two senders, indexed in entry_keys
    node::Caller pas, lab;
    pas.kind = lab.kind = node::Caller::Kind::System;
    pas.id = "pas";
    pas.ods_code = lab.ods_code = "A81001";
    pas.request_id = "req-pas";
    pas.token_id = "jti-pas";
    lab.id = "lab";
    lab.request_id = "req-lab";
    std::string p = node::caller_json(pas), l = node::caller_json(lab);
    std::vector<audit::Submit> msgs = {{501, "PAS.1", "accepted", "", "9434765919", p},
                                       {502, "LAB.1", "rejected", "unknown test code", "9449306613", l},
                                       {503, "PAS.2", "accepted", "", "9434765919", p}};
    log.append_sync({audit::make_submit_batch(msgs, "A81001", "a81001-gp")});
  }
  log.stop();
  std::cout << "wrote " << count << " entries\n";
  return 0;
}
