// The index the audit log stores beside each entry is exactly what the entry's hashed event
// gives back (audit/entry_index.hpp): for every kind of caller and access make_record writes, and
// for batches of journalled messages. An edit of any one column is named.
#include <doctest/doctest.h>

#include <string>
#include <vector>

#include "audit/audit_event.hpp"
#include "audit/entry_index.hpp"
#include "audit/submit_record.hpp"
#include "audit/verify.hpp"
#include "node/caller_json.hpp"

using namespace hidewire;

namespace {

node::Caller caller(node::Caller::Kind kind) {
  node::Caller c;
  c.kind = kind;
  c.address = "10.4.5.6:40001";
  if (kind == node::Caller::Kind::Peer || kind == node::Caller::Kind::System) {
    c.id = kind == node::Caller::Kind::Peer ? "RX9" : "pas";
    c.ods_code = "RX9";
    c.person_present = true;
    c.person = {"912345678901", "Paramedic Sam \"Jo\" Jones", "R8003"};
    c.purpose = "emergency";
    c.break_glass_reason = "unconscious at scene";
    c.token_id = "3f1e0c1a-77aa-4c2b-9e5f-1b2c3d4e5f60";
    c.request_id = "req-amb-1";
  } else if (kind == node::Caller::Kind::Patient) {
    c.id = "https://login.example.nhs.uk";
    c.nhs_number = "9434765919";
    c.purpose = "patient-access";
    c.token_id = "idp-jti-9";
    c.request_id = "req-pat-1";
  }
  return c;
}

void same(const node::AuditRecord& r) {
  auto derived = audit::derive_index(audit::with_seq(r.event_json, 7));
  REQUIRE(derived);
  CHECK_MESSAGE(audit::index_mismatch(audit::index_of(r), *derived).empty(), r.event_json);
}

}  // namespace

TEST_CASE("every record make_record writes gives back its own index") {
  using K = node::Caller::Kind;
  for (K kind : {K::Anonymous, K::Peer, K::System, K::Patient})
    for (const char* interaction : {"read", "vread", "search-type", "create", "update", "delete", "transaction", "operation", "export",
                                    "submit", "replay", "consent-write", "audit-read", "something-new"})
      for (int shape = 0; shape < 4; ++shape) {
        node::Caller c = caller(kind);
        audit::Access a{c};
        a.interaction = interaction;
        a.resource_type = "MedicationStatement";
        a.resource_id = shape % 2 ? "med-1" : "";
        a.query = shape == 2 ? "patient=pat-1" : "";
        a.patient_id = shape == 1 || shape == 3 ? "pat-1" : "";
        a.patient_nhs = shape >= 2 ? "9449306613" : "";
        a.outcome = shape == 3 ? 4 : 0;
        a.outcome_text = shape == 3 ? "refused: \"R16\"" : "";
        a.journal_id = shape == 2 ? 4411 : 0;
        a.node_ods = "RXX";
        a.node_name = "rxx-acute";
        a.withheld = shape == 1;
        CAPTURE(interaction);
        CAPTURE(shape);
        same(audit::make_record(a));
      }
}

TEST_CASE("a batch of journalled messages gives back its index and entry_keys") {
  node::Caller pas = caller(node::Caller::Kind::System), lab = caller(node::Caller::Kind::System);
  lab.id = "lab";
  lab.request_id = "req-lab";
  lab.token_id.clear();
  std::string p = node::caller_json(pas), l = node::caller_json(lab);
  std::vector<audit::Submit> one = {{10, "M1", "accepted", "", "9434765919", p}};
  std::vector<audit::Submit> many = {{11, "M2", "accepted", "", "9434765919", p},
                                     {13, "M3", "failed", "disk full", "", l},
                                     {12, "M4", "rejected", "bad segment", "9449306613", l}};
  for (const auto& msgs : {one, many}) {
    node::AuditRecord r = audit::make_submit_batch(msgs, "RXX", "rxx-acute");
    same(r);
    auto ix = audit::index_of(r);
    CHECK(ix.keys.size() == r.batch_patients.size() + r.batch_request_ids.size() + r.batch_token_ids.size());
  }
  node::AuditRecord r = audit::make_submit_batch(many, "RXX", "rxx-acute");
  auto ix = *audit::derive_index(r.event_json);
  CHECK(ix.journal_id == 13);
  CHECK(ix.outcome == "8");
  CHECK(ix.patient_nhs.empty());  // two patients: found through entry_keys only
  CHECK(ix.keys == std::vector<std::string>{"n:9434765919", "n:9449306613", "r:req-amb-1", "r:req-lab", "t:" + pas.token_id});
}

TEST_CASE("each column edited is named; an event hidewire did not write has no index") {
  node::Caller c = caller(node::Caller::Kind::Peer);
  audit::Access a{c};
  a.interaction = "read";
  a.resource_type = "Patient";
  a.resource_id = a.patient_id = "pat-1";
  a.patient_nhs = "9434765919";
  node::AuditRecord r = audit::make_record(a);
  auto derived = *audit::derive_index(r.event_json);
  auto edited = audit::index_of(r);
  edited.patient_nhs = "9000000009";
  CHECK(audit::index_mismatch(edited, derived) == "patient_nhs");
  edited.keys.push_back("n:9434765919");
  edited.token_id.clear();
  CHECK(audit::index_mismatch(edited, derived) == "patient_nhs, token_id, entry_keys");
  CHECK(audit::index_mismatch(edited, derived, false) == "patient_nhs, token_id");
  CHECK_FALSE(audit::derive_index("{\"resourceType\":\"Patient\"}"));
  CHECK_FALSE(audit::derive_index("not json"));
  node::AuditQuery q;
  q.patient_nhs = "9434765919";
  CHECK(audit::index_matches(derived, q));
  q.patient_nhs = "9000000009";
  CHECK_FALSE(audit::index_matches(derived, q));
}
