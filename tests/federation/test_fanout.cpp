// The fan-out against real HTTPS holders started here: who is asked with what, the merged
// answer, and every way a peer can fail to give one (slow, down, refused, an unknown CA), each
// listed, none waited for past the deadline. Audited per peer asked.
#include <doctest/doctest.h>
#include <rapidjson/document.h>

#include <chrono>
#include <future>
#include <set>

#include "federation/federated_record.hpp"
#include "plugins/audit/sqlite/audit_log.hpp"
#include "plugins/stores/sqlite/fhir_store.hpp"
#include "tests/federation/gp_record.hpp"
#include "tests/federation/holders.hpp"

using namespace hidewire;
using namespace hidewire::federation;
using hw_fed_test::Holder;
using hw_fed_test::pki;
namespace fs = std::filesystem;

#include "tests/federation/requester.hpp"

using hw_fed_test::Merged;
using hw_fed_test::Requester;
using hw_fed_test::body;
using hw_fed_test::kNhs;
using hw_fed_test::paramedic;
using hw_fed_test::peer_of;
using Ms = std::chrono::milliseconds;

TEST_CASE("fan-out: discovery, then the GP by $gpc.getstructuredrecord and the others by $hidewire-patient-record, merged") {
  Holder gp("A81001", "gp-practice"), acute("RXX", "acute-trust"), community("X99", "community");
  gp.answer = [&](const std::string& op, const http::Request&, hw_fed_test::Reply reply) {
    if (op == "$hidewire-holds-record") return reply(Holder::holds(true, true, "A81001"));
    reply(Holder::json(200, hw_fed_test::gp_record(gp.url(), kNhs, "A81001", {5, 2, 4, 10, 3})));
  };
  acute.answer = [&](const std::string& op, const http::Request&, hw_fed_test::Reply reply) {
    if (op == "$hidewire-holds-record") return reply(Holder::holds(true, false, "RXX"));
    reply(Holder::json(200, hw_fed_test::hospital_record(acute.url(), kNhs, "A81001")));
  };
  community.answer = [&](const std::string& op, const http::Request&, hw_fed_test::Reply reply) { reply(Holder::holds(false, false, "X99")); };
  Requester req({peer_of(gp), peer_of(acute), peer_of(community)});
  node::Caller caller = paramedic();
  Answer a = req.ask(body(), caller);
  REQUIRE(a.status == 200);
  CHECK(a.nhs_number == kNhs);
  Merged m(a.body);
  CHECK(m.provenance_targets.size() == 2);
  CHECK(m.provenance_targets["A81001"] == hw_fed_test::resources_in({5, 2, 4, 10, 3}));
  CHECK(m.provenance_targets["RXX"] == 4);
  REQUIRE(m.issues.size() == 1);  // the hospital's own note; X99 holds nothing, which is no issue
  CHECK(std::string((*m.issues[0])["code"].GetString()) == "suppressed");

  CHECK(gp.calls("$hidewire-holds-record") == 1);
  CHECK(gp.calls("$gpc.getstructuredrecord") == 1);
  CHECK(acute.calls("$hidewire-patient-record") == 1);
  CHECK(community.calls("$hidewire-holds-record") == 1);
  CHECK(community.calls("$hidewire-patient-record") == 0);
  // Each holder authenticated this node by its certificate and the person by the JWT signed for it.
  for (Holder* h : {&gp, &acute, &community}) {
    std::lock_guard lock(h->mu);
    for (const auto& [op, c] : h->seen) {
      CHECK(c.kind == node::Caller::Kind::Peer);
      CHECK(c.ods_code == "RX9");
      CHECK(c.person.id == "G1234567");
      CHECK(c.person.sds_role == "R8000");
      CHECK(c.purpose == "emergency");
      CHECK(c.request_id == caller.request_id);  // both ends' audits correlate
    }
  }
  // The GP was asked for every clinical area.
  {
    std::lock_guard lock(gp.mu);
    const std::string& gpc = gp.bodies.back();
    for (const char* area : {"includeAllergies", "includeMedication", "includeConsultations", "includeProblems", "includeImmunisations",
                             "includeUncategorisedData", "includeInvestigations", "includeReferrals", "includeDiaryEntries"})
      CHECK_MESSAGE(gpc.find(area) != std::string::npos, area);
    CHECK(gpc.find(kNhs) != std::string::npos);
  }
  // One AuditEvent per peer asked, with the patient, the request id and the peer.
  auto audited = req.audited(caller.request_id);
  REQUIRE(audited.size() == 3);
  for (const auto& r : audited) {
    CHECK(r.patient_nhs == kNhs);
    CHECK(r.outcome == "0");
    CHECK(r.agent_ods == "RX9");
  }
  std::string all;
  for (const auto& r : audited) all += r.event_json;
  for (const char* ods : {"A81001", "RXX", "X99"}) CHECK_MESSAGE(all.find("federated query to peer " + std::string(ods)) != std::string::npos, ods);
  // Nothing was kept.
  CHECK(req.store->count("Patient") == 0);
  CHECK(req.store->count("Observation") == 0);
}

TEST_CASE("fan-out: a GP known from the store is asked straight away; the caller's include parameters go to it") {
  Holder gp("A81001", "gp-practice"), acute("RXX", "acute-trust");
  gp.answer = [&](const std::string& op, const http::Request&, hw_fed_test::Reply reply) {
    reply(Holder::json(200, hw_fed_test::gp_record(gp.url(), kNhs, "A81001", {2, 1, 1, 2, 1})));
  };
  acute.answer = [&](const std::string& op, const http::Request&, hw_fed_test::Reply reply) { reply(Holder::holds(false, false, "RXX")); };
  Requester req({peer_of(gp), peer_of(acute)});
  req.store->create(R"({"resourceType":"Patient",)" + hw_fed_test::patient_body(kNhs, "A81001") + "}");  // from an earlier ADT (PD1-3)
  Answer a = req.ask(body(kNhs, R"(,{"name":"includeMedication","part":[{"name":"includePrescriptionIssues","valueBoolean":false}]})"), paramedic());
  REQUIRE(a.status == 200);
  CHECK(gp.calls("$hidewire-holds-record") == 0);
  CHECK(gp.calls("$gpc.getstructuredrecord") == 1);
  std::lock_guard lock(gp.mu);
  CHECK(gp.bodies.back().find(R"("includePrescriptionIssues","valueBoolean":false)") != std::string::npos);
  CHECK(gp.bodies.back().find("includeProblems") == std::string::npos);
  CHECK(Merged(a.body).provenance_targets["A81001"] == hw_fed_test::resources_in({2, 1, 1, 2, 1}));
}

TEST_CASE("fan-out: a slow peer gives a partial answer within the deadline, listed as timed out") {
  Holder gp("A81001", "gp-practice"), acute("RXX", "acute-trust");
  gp.answer = [&](const std::string& op, const http::Request&, hw_fed_test::Reply reply) {
    if (op == "$hidewire-holds-record") return reply(Holder::holds(true, true, "A81001"));
    reply(Holder::json(200, hw_fed_test::gp_record(gp.url(), kNhs, "A81001", {2, 1, 1, 2, 1})));
  };
  acute.answer = [&](const std::string& op, const http::Request&, hw_fed_test::Reply reply) {
    if (op == "$hidewire-holds-record") return reply(Holder::holds(true, false, "RXX"));
    acute.later(4000, Holder::json(200, hw_fed_test::hospital_record(acute.url(), kNhs, "A81001")), std::move(reply));
  };
  Requester req({peer_of(gp), peer_of(acute)}, 800);
  double seconds = 0;
  Answer a = req.ask(body(), paramedic(), &seconds);
  CHECK(seconds < 0.8 + 0.3);
  CHECK(seconds >= 0.7);
  REQUIRE(a.status == 200);
  Merged m(a.body);
  CHECK(m.provenance_targets.count("A81001"));
  CHECK_FALSE(m.provenance_targets.count("RXX"));
  const auto* i = m.issue_about("RXX");
  REQUIRE(i);
  CHECK(std::string((*i)["code"].GetString()) == "timeout");
  CHECK(std::string((*i)["diagnostics"].GetString()).find("800 ms") != std::string::npos);
}

TEST_CASE("fan-out: a down peer, a refusal with its Spine code, and a peer whose certificate the pinned CA did not sign are listed") {
  Holder gp("A81001", "gp-practice"), dissent("RY8", "community"), rogue("RR8", "acute-trust", "rogue");
  gp.answer = [&](const std::string& op, const http::Request&, hw_fed_test::Reply reply) {
    if (op == "$hidewire-holds-record") return reply(Holder::holds(true, true, "A81001"));
    reply(Holder::json(200, hw_fed_test::gp_record(gp.url(), kNhs, "A81001", {1, 1, 1, 1, 1})));
  };
  dissent.answer = [&](const std::string&, const http::Request&, hw_fed_test::Reply reply) {
    reply(Holder::spine(403, "NO_PATIENT_CONSENT", "the patient has dissented from sharing their record (R16)"));
  };
  rogue.answer = [&](const std::string& op, const http::Request&, hw_fed_test::Reply reply) { reply(Holder::holds(true, false, "RR8")); };
  Peer down{"RXX", "acute-trust", "https://127.0.0.1:" + std::to_string(hw_fed_test::closed_port()), {pki().file("rx9.crt"), pki().file("rx9.key"), pki().file("ca.crt"), false}};
  Requester req({peer_of(gp), peer_of(dissent), peer_of(rogue), down});
  node::Caller caller = paramedic();
  double seconds = 0;
  Answer a = req.ask(body(), caller, &seconds);
  CHECK(seconds < 3.0);
  REQUIRE(a.status == 200);
  Merged m(a.body);
  CHECK(m.provenance_targets.size() == 1);
  const auto* refused = m.issue_about("RY8");
  REQUIRE(refused);
  CHECK(std::string((*refused)["code"].GetString()) == "forbidden");
  CHECK(std::string((*refused)["details"]["coding"][0]["code"].GetString()) == "NO_PATIENT_CONSENT");
  CHECK(std::string((*refused)["details"]["text"].GetString()).find("403") != std::string::npos);
  const auto* unreachable = m.issue_about("RXX");
  REQUIRE(unreachable);
  CHECK(std::string((*unreachable)["code"].GetString()) == "transient");
  const auto* tls = m.issue_about("RR8");
  REQUIRE(tls);
  CHECK(std::string((*tls)["code"].GetString()) == "security");
  CHECK(rogue.calls("$hidewire-holds-record") == 0);  // nothing was sent to it
  auto audited = req.audited(caller.request_id);
  REQUIRE(audited.size() == 4);
  std::map<std::string, std::string> outcome_of;
  for (const auto& r : audited)
    for (const char* ods : {"A81001", "RY8", "RR8", "RXX"})
      if (r.event_json.find("federated query to peer " + std::string(ods)) != std::string::npos) outcome_of[ods] = r.outcome;
  CHECK(outcome_of["A81001"] == "0");
  CHECK(outcome_of["RY8"] == "4");
  CHECK(outcome_of["RR8"] == "8");
  CHECK(outcome_of["RXX"] == "8");
}

TEST_CASE("fan-out: refused before anything is sent: nobody named, a purpose other than care, a bad request") {
  Holder gp("A81001", "gp-practice");
  gp.answer = [&](const std::string&, const http::Request&, hw_fed_test::Reply reply) { reply(Holder::holds(true, true, "A81001")); };
  Requester req({peer_of(gp)});
  node::Caller system = paramedic();
  system.person_present = false;
  system.person = {};
  Answer a = req.ask(body(), system);
  CHECK(a.status == 403);
  CHECK(a.body.find("ACCESS DENIED") != std::string::npos);
  node::Caller peer = paramedic();
  peer.kind = node::Caller::Kind::Peer;  // a peer cannot relay its query through this node
  CHECK(req.ask(body(), peer).status == 403);
  node::Caller research = paramedic();
  research.purpose = "secondary-use";
  CHECK(req.ask(body(), research).status == 403);
  Answer bad_nhs = req.ask(body("9449306614"), paramedic());
  CHECK(bad_nhs.status == 400);
  CHECK(bad_nhs.body.find("INVALID_NHS_NUMBER") != std::string::npos);
  Answer missing = req.ask(R"({"resourceType":"Parameters","parameter":[]})", paramedic());
  CHECK(missing.status == 422);
  CHECK(missing.body.find("INVALID_PARAMETER") != std::string::npos);
  CHECK(req.ask(R"({"resourceType":"Patient"})", paramedic()).body.find("INVALID_RESOURCE") != std::string::npos);
  CHECK(req.ask("not json", paramedic()).status == 400);
  CHECK(req.ask(body(kNhs, R"(,{"name":"purposeOfUse","valueCode":"directcare"})"), paramedic()).status == 422);  // not the token's
  CHECK(gp.calls("$hidewire-holds-record") == 0);
}

TEST_CASE("fan-out: 8 concurrent queries for 1 MB GP records reuse the TLS connections") {
  Holder gp("A81001", "gp-practice");
  std::string record;
  gp.answer = [&](const std::string& op, const http::Request&, hw_fed_test::Reply reply) {
    if (op == "$hidewire-holds-record") return reply(Holder::holds(true, true, "A81001"));
    reply(Holder::json(200, record));
  };
  record = hw_fed_test::gp_record(gp.url(), kNhs, "A81001");
  Requester req({peer_of(gp)});
  std::vector<double> latencies;
  for (int round = 0; round < 3; ++round) {
    std::vector<std::promise<Answer>> ps(8);
    std::vector<std::chrono::steady_clock::time_point> t0(8);
    std::vector<double> took(8);
    for (int i = 0; i < 8; ++i) {
      t0[i] = std::chrono::steady_clock::now();
      req.fed->record(body(), paramedic(), [&, i](Answer a) {
        took[i] = std::chrono::duration<double>(std::chrono::steady_clock::now() - t0[i]).count();
        ps[i].set_value(std::move(a));
      });
    }
    for (auto& p : ps) {
      auto f = p.get_future();
      REQUIRE(f.wait_for(std::chrono::seconds(20)) == std::future_status::ready);
      Answer a = f.get();
      CHECK(a.status == 200);
      CHECK(a.body.size() > record.size());
    }
    latencies.insert(latencies.end(), took.begin(), took.end());
  }
  std::sort(latencies.begin(), latencies.end());
  MESSAGE("8 concurrent federated queries of " << record.size() << " bytes: median " << latencies[latencies.size() / 2] * 1000 << " ms, max "
                                               << latencies.back() * 1000 << " ms");
  CHECK(latencies.back() < 3.0);
  // 48 requests (a discovery and a record each) over the connections of the first round: no new
  // handshake per request.
  std::lock_guard lock(gp.mu);
  std::set<std::string> connections(gp.addresses.begin(), gp.addresses.end());
  CHECK(gp.addresses.size() == 48);
  CHECK(connections.size() <= 16);
}

TEST_CASE("fan-out: an answer about another patient is not merged, and is listed") {
  Holder gp("A81001", "gp-practice"), acute("RXX", "acute-trust");
  gp.answer = [&](const std::string& op, const http::Request&, hw_fed_test::Reply reply) {
    if (op == "$hidewire-holds-record") return reply(Holder::holds(true, true, "A81001"));
    reply(Holder::json(200, hw_fed_test::gp_record(gp.url(), kNhs, "A81001", {1, 1, 1, 1, 1})));
  };
  acute.answer = [&](const std::string& op, const http::Request&, hw_fed_test::Reply reply) {
    if (op == "$hidewire-holds-record") return reply(Holder::holds(true, false, "RXX"));
    reply(Holder::json(200, hw_fed_test::hospital_record(acute.url(), "9434765919", "A81001")));  // someone else's
  };
  Requester req({peer_of(gp), peer_of(acute)});
  Answer a = req.ask(body(), paramedic());
  REQUIRE(a.status == 200);
  Merged m(a.body);
  CHECK(m.provenance_targets.count("A81001"));
  CHECK_FALSE(m.provenance_targets.count("RXX"));
  CHECK(a.body.find("9434765919") == std::string::npos);
  const auto* i = m.issue_about("RXX");
  REQUIRE(i);
  CHECK(std::string((*i)["code"].GetString()) == "invalid");
  CHECK(std::string((*i)["diagnostics"].GetString()).find("does not carry the NHS number") != std::string::npos);
}

TEST_CASE("fan-out: the answer leaves once each peer's AuditEvent is durable, and not at all if they cannot be written") {
  Holder gp("A81001", "gp-practice");
  gp.answer = [&](const std::string& op, const http::Request&, hw_fed_test::Reply reply) {
    reply(Holder::json(200, hw_fed_test::gp_record(gp.url(), kNhs, "A81001", {1, 1, 1, 1, 1})));
  };
  Requester req({peer_of(gp)});
  req.store->create(R"({"resourceType":"Patient",)" + hw_fed_test::patient_body(kNhs, "A81001") + "}");
  node::Caller caller = paramedic();
  Answer a = req.ask(body(kNhs), caller);
  REQUIRE(a.status == 200);
  node::AuditQuery q;
  q.request_id = caller.request_id;
  CHECK(req.audit->query(q).size() == 1);  // already there: no waiting for it
  req.audit->stop();                      // the log can no longer write
  caller.request_id = "ae-unaudited-1";
  Answer refused = req.ask(body(kNhs), caller);
  CHECK(refused.status == 503);
  CHECK(refused.body.find("could not be audited") != std::string::npos);
  CHECK(refused.body.find("MedicationStatement") == std::string::npos);
}
