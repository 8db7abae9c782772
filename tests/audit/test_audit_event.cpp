// The BALP AuditEvent for each kind of access: valid FHIR R4 (structure, bindings, invariants,
// NHS numbers), with the agents, entities and purposes BALP and the NHS identifiers call for.
#include <doctest/doctest.h>
#include <rapidjson/document.h>

#include <string>

#include "audit/audit_event.hpp"
#include "audit/merkle.hpp"
#include "audit/submit_record.hpp"
#include "audit/verify.hpp"
#include "conformance/gate.hpp"
#include "fhir/codec.hpp"
#include "fhir/validator.hpp"
#include "node/caller_json.hpp"

using namespace hidewire;

namespace {

node::Caller gp_clinician() {
  node::Caller c;
  c.kind = node::Caller::Kind::Peer;
  c.id = "A81001";
  c.ods_code = "A81001";
  c.org_kind = "gp-practice";
  c.person_present = true;
  c.person = {"555123456789", "Dr Amara Okafor", "R8000"};
  c.purpose = "direct-care";
  c.token_id = "5a0c1f0e-9d1b-4c1e-a7a2-0c3f6b1d2e11";
  c.address = "10.20.30.40:50412";
  c.request_id = "7f3c2b1a-4d5e-4f60-8a9b-0c1d2e3f4a5b";
  return c;
}

std::string check(const std::string& json) {
  std::string out;
  fhir::Node root;
  fhir::Diagnostics d;
  if (!fhir::parse_json(json, fhir::Schema::r4(), root, d)) return "unreadable";
  fhir::validate(root, fhir::Schema::r4(), d);
  conformance::check(root, d);
  for (const fhir::Issue& i : d.issues())
    if (i.severity == fhir::Severity::Error || i.severity == fhir::Severity::Fatal) out += i.location + ": " + i.message + "\n";
  return out;
}

rapidjson::Document doc(const std::string& json) {
  rapidjson::Document d;
  d.Parse(json.c_str());
  REQUIRE_FALSE(d.HasParseError());
  return d;
}

}  // namespace

TEST_CASE("a clinician's read of a patient's record through a peer organisation") {
  node::Caller c = gp_clinician();
  audit::Access a{c};
  a.interaction = "read";
  a.resource_type = "Observation";
  a.resource_id = "obs-1";
  a.patient_id = "pat-1";
  a.patient_nhs = "9434765919";
  a.node_ods = "RXX";
  a.node_name = "rxx-acute";
  node::AuditRecord r = audit::make_record(a);
  CHECK_MESSAGE(check(r.event_json).empty(), check(r.event_json) << r.event_json);
  CHECK(r.patient_nhs == "9434765919");
  CHECK(r.patient_id == "pat-1");
  CHECK(r.request_id == c.request_id);
  CHECK(r.agent_ods == "A81001");
  CHECK(r.action == "read");
  CHECK(r.outcome == "0");
  CHECK(r.token_id == c.token_id);
  CHECK_FALSE(r.recorded.empty());

  auto d = doc(r.event_json);
  CHECK(std::string(d["type"]["code"].GetString()) == "rest");
  CHECK(std::string(d["subtype"][0]["system"].GetString()) == "http://hl7.org/fhir/restful-interaction");
  CHECK(std::string(d["subtype"][0]["code"].GetString()) == "read");
  CHECK(std::string(d["action"].GetString()) == "R");
  CHECK(std::string(d["recorded"].GetString()) == r.recorded);
  CHECK(std::string(d["meta"]["profile"][0].GetString()).find("IHE.BasicAudit.PatientRead") != std::string::npos);
  CHECK(std::string(d["purposeOfEvent"][0]["coding"][0]["code"].GetString()) == "TREAT");
  const auto& agents = d["agent"];
  REQUIRE(agents.Size() == 3);
  // The client (data flows to it on a read: Destination Role ID), by ODS code and address.
  CHECK(std::string(agents[0]["type"]["coding"][0]["code"].GetString()) == "110152");
  CHECK(std::string(agents[0]["who"]["identifier"]["system"].GetString()) == "https://fhir.nhs.uk/Id/ods-organization-code");
  CHECK(std::string(agents[0]["who"]["identifier"]["value"].GetString()) == "A81001");
  CHECK(std::string(agents[0]["network"]["address"].GetString()) == "10.20.30.40");
  CHECK(std::string(agents[0]["network"]["type"].GetString()) == "2");
  CHECK_FALSE(agents[0]["requestor"].GetBool());
  // The person: SDS user id, name, job role, requestor.
  CHECK(std::string(agents[1]["who"]["identifier"]["system"].GetString()) == "https://fhir.nhs.uk/Id/sds-user-id");
  CHECK(std::string(agents[1]["who"]["identifier"]["value"].GetString()) == "555123456789");
  CHECK(std::string(agents[1]["name"].GetString()) == "Dr Amara Okafor");
  CHECK(std::string(agents[1]["role"][0]["coding"][0]["code"].GetString()) == "R8000");
  CHECK(agents[1]["requestor"].GetBool());
  // This node.
  CHECK(std::string(agents[2]["who"]["identifier"]["value"].GetString()) == "RXX");
  CHECK(std::string(d["source"]["observer"]["identifier"]["value"].GetString()) == "RXX");
  // Entities: the patient by NHS number, the resource read, the X-Request-ID.
  const auto& e = d["entity"];
  REQUIRE(e.Size() == 3);
  CHECK(std::string(e[0]["what"]["reference"].GetString()) == "Patient/pat-1");
  CHECK(std::string(e[0]["what"]["identifier"]["system"].GetString()) == "https://fhir.nhs.uk/Id/nhs-number");
  CHECK(std::string(e[0]["what"]["identifier"]["value"].GetString()) == "9434765919");
  CHECK(std::string(e[0]["type"]["code"].GetString()) == "1");
  CHECK(std::string(e[0]["role"]["code"].GetString()) == "1");
  CHECK(std::string(e[1]["what"]["reference"].GetString()) == "Observation/obs-1");
  CHECK(std::string(e[2]["type"]["code"].GetString()) == "XrequestId");
  CHECK(std::string(e[2]["what"]["identifier"]["value"].GetString()) == c.request_id);
}

TEST_CASE("a search carries its query base64, as BALP's query entity") {
  node::Caller c = gp_clinician();
  c.person_present = false;
  audit::Access a{c};
  a.interaction = "search-type";
  a.resource_type = "Observation";
  a.query = "patient=Patient/pat-2&category=laboratory";
  a.patient_id = "pat-2";
  a.patient_nhs = "9449306613";
  a.node_ods = "RXX";
  a.node_name = "rxx-acute";
  node::AuditRecord r = audit::make_record(a);
  CHECK_MESSAGE(check(r.event_json).empty(), check(r.event_json) << r.event_json);
  auto d = doc(r.event_json);
  CHECK(std::string(d["action"].GetString()) == "E");
  CHECK(std::string(d["subtype"][0]["code"].GetString()) == "search-type");
  bool found = false;
  for (const auto& e : d["entity"].GetArray())
    if (e.HasMember("query")) {
      found = true;
      CHECK(std::string(e["role"]["code"].GetString()) == "24");
      CHECK(audit::from_base64(e["query"].GetString()) == a.query);
    }
  CHECK(found);
  // No person: the organisation's system is the requestor, with the purpose.
  CHECK(d["agent"].Size() == 2);
  CHECK(d["agent"][0]["requestor"].GetBool());
  CHECK(std::string(d["agent"][0]["type"]["coding"][0]["code"].GetString()) == "110153");
}

TEST_CASE("break-glass: ETREAT and BTG, the reason kept in the patient entity") {
  node::Caller c = gp_clinician();
  c.id = "RX9";
  c.ods_code = "RX9";
  c.org_kind = "ambulance-service";
  c.purpose = "emergency";
  c.break_glass_reason = "Unconscious patient at roadside, allergy history needed";
  audit::Access a{c};
  a.interaction = "read";
  a.resource_type = "AllergyIntolerance";
  a.resource_id = "al-9";
  a.patient_id = "pat-3";
  a.patient_nhs = "9000000009";
  a.node_ods = "A81001";
  a.node_name = "a81001-gp";
  a.withheld = true;
  node::AuditRecord r = audit::make_record(a);
  CHECK_MESSAGE(check(r.event_json).empty(), check(r.event_json) << r.event_json);
  auto d = doc(r.event_json);
  CHECK(std::string(d["purposeOfEvent"][0]["coding"][0]["code"].GetString()) == "ETREAT");
  CHECK(std::string(d["purposeOfEvent"][1]["coding"][0]["code"].GetString()) == "BTG");
  CHECK(std::string(d["agent"][1]["purposeOfUse"][1]["coding"][0]["code"].GetString()) == "BTG");
  const auto& detail = d["entity"][0]["detail"];
  CHECK(std::string(detail[0]["type"].GetString()) == "break-glass-reason");
  CHECK(std::string(detail[0]["valueString"].GetString()) == c.break_glass_reason);
  CHECK(std::string(detail[1]["type"].GetString()) == "withheld");
}

TEST_CASE("refused and failed accesses, writes, a patient reading their own log, anonymous callers") {
  struct Case {
    node::Caller caller;
    std::string interaction;
    int outcome;
    const char* action;
  };
  node::Caller patient;
  patient.kind = node::Caller::Kind::Patient;
  patient.id = "https://login.nhs-app.example";
  patient.nhs_number = "9434765919";
  patient.address = "[2001:db8::7]:443";
  node::Caller system;
  system.kind = node::Caller::Kind::System;
  system.id = "rxx-pas";
  system.ods_code = "RXX";
  system.address = "127.0.0.1:40000";
  node::Caller anonymous;
  for (const Case& k : {Case{system, "create", 0, "C"}, Case{system, "update", 4, "U"}, Case{system, "transaction", 8, "E"},
                        Case{system, "submit", 0, "C"}, Case{patient, "audit-read", 0, "R"}, Case{patient, "consent-write", 0, "C"},
                        Case{anonymous, "read", 4, "R"}, Case{gp_clinician(), "export", 12, "R"}, Case{system, "delete", 0, "D"}}) {
    CAPTURE(k.interaction);
    audit::Access a{k.caller};
    a.interaction = k.interaction;
    a.resource_type = "Patient";
    a.resource_id = "pat-1";
    a.patient_id = "pat-1";
    a.patient_nhs = "9434765919";
    a.outcome = k.outcome;
    a.outcome_text = k.outcome ? "refused by rule dissent-no-consent" : "";
    a.node_ods = "RXX";
    a.node_name = "rxx-acute";
    a.journal_id = k.interaction == "submit" ? 42 : 0;
    node::AuditRecord r = audit::make_record(a);
    CHECK_MESSAGE(check(r.event_json).empty(), check(r.event_json) << r.event_json);
    auto d = doc(r.event_json);
    CHECK(std::string(d["action"].GetString()) == k.action);
    CHECK(std::string(d["outcome"].GetString()) == std::to_string(k.outcome));
    CHECK(d.HasMember("outcomeDesc") == (k.outcome != 0));
    CHECK(r.journal_id == a.journal_id);
  }
}

TEST_CASE("the log's position goes in as the AuditEvent's id, and is read back") {
  node::Caller c = gp_clinician();
  audit::Access a{c};
  a.interaction = "read";
  a.node_ods = "RXX";
  std::string json = audit::with_seq(audit::make_record(a).event_json, 1234);
  CHECK(audit::recorded_seq(json) == 1234);
  CHECK(audit::with_seq(json, 99) == json);  // an id already there is kept
  CHECK(check(json).empty());
  CHECK(audit::recorded_seq("{\"resourceType\":\"AuditEvent\"}") == 0);
}

TEST_CASE("the check used above does find an invalid AuditEvent") {
  node::Caller c = gp_clinician();
  audit::Access a{c};
  a.interaction = "read";
  a.node_ods = "RXX";
  std::string json = audit::make_record(a).event_json;
  std::string bad = json;
  bad.replace(bad.find("\"action\":\"R\""), 12, "\"action\":\"X\"");
  CHECK_FALSE(check(bad).empty());
  bad = json;
  bad.replace(bad.find("\"requestor\":false"), 17, "\"requestor\":\"no\"");
  CHECK_FALSE(check(bad).empty());
}

TEST_CASE("a journal commit's messages: one compact entry, each member expanded to the AuditEvent make_record builds") {
  node::Caller lab;
  lab.kind = node::Caller::Kind::System;
  lab.id = "lab-feed";
  lab.ods_code = "RR8";
  lab.address = "10.1.2.3:40001";
  lab.request_id = "2b7c1d9e-1f00-4a55-9d2e-77aa10c4e5f1";
  node::Caller pas = lab;
  pas.id = "pas";
  pas.address = "10.1.2.9:40100";
  pas.request_id = "0d6f3a51-5c1e-4b8e-9f3a-1a2b3c4d5e6f";
  pas.token_id = "jti-77";
  std::string lab_json = node::caller_json(lab), pas_json = node::caller_json(pas);
  const char* refusal = "MSH-4 names RXX, not the sender's organisation RR8";
  std::vector<audit::Submit> msgs = {
      {4711, "LAB20261202.0042", "accepted", "", "9434765919", lab_json},
      {4712, "LAB20261202.0043", "rejected", refusal, "9449306613", lab_json},
      {4713, "ADT20261202.0001", "accepted", "", "9434765919", pas_json},
  };
  node::AuditRecord r = audit::make_submit_batch(msgs, "RR8", "leeds-acute");
  CHECK(audit::is_submit_batch(r.event_json));
  CHECK(r.event_json.size() < 900);  // three messages, two senders
  CHECK(r.action == "submit");
  CHECK(r.journal_id == 4713);
  CHECK(r.outcome == "4");  // the worst of its members
  CHECK(r.batch_patients == std::vector<std::string>{"9434765919", "9449306613"});
  CHECK(r.batch_request_ids == std::vector<std::string>{lab.request_id, pas.request_id});
  CHECK(r.batch_token_ids == std::vector<std::string>{"jti-77"});

  // As the log stores it (its seq as id) and gives it back.
  std::string stored = audit::with_seq(r.event_json, 812);
  CHECK(audit::recorded_seq(stored) == 812);
  std::vector<std::string> all = audit::expand_events(stored, 812);
  REQUIRE(all.size() == 3);
  for (std::size_t i = 0; i < all.size(); ++i) {
    CHECK(check(all[i]) == "");
    const audit::Submit& m = msgs[i];
    const node::Caller& who = i < 2 ? lab : pas;
    audit::Access a{who};
    a.interaction = "submit";
    a.resource_type = "Bundle";
    a.resource_id = std::string(m.message_id);
    a.patient_nhs = m.nhs_number;
    a.outcome = m.status == "accepted" ? 0 : 4;
    a.outcome_text = m.status == "accepted" ? "" : refusal;
    a.node_ods = "RR8";
    a.node_name = "leeds-acute";
    a.journal_id = m.journal_id;
    std::string alone = audit::make_record(a, r.recorded).event_json;
    std::string id = "\"id\":\"812." + std::to_string(i + 1) + "\",";
    CHECK(all[i] == alone.insert(std::string("{\"resourceType\":\"AuditEvent\",").size(), id));
  }
  CHECK(audit::event_id(all[2]) == "812.3");
  CHECK(audit::event_id(stored) == "812");
  CHECK(audit::expand_events(stored, 812, {"9434765919", ""}).size() == 2);
  CHECK(audit::expand_events(stored, 812, {"", pas.request_id}).size() == 1);
  CHECK(audit::expand_events(stored, 812, {"9000000009", ""}).empty());
  // Anything else is given back as stored.
  CHECK(audit::expand_events("{\"resourceType\":\"AuditEvent\",\"id\":\"3\"}", 3) ==
        std::vector<std::string>{"{\"resourceType\":\"AuditEvent\",\"id\":\"3\"}"});
}
