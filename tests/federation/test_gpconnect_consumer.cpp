// This node as a GP Connect consumer, against a provider stub over mutual TLS
// (tests/federation/gpc_provider.hpp): the federated record asks the patient's practice's
// provider with the Spine headers and GP Connect's JWT and merges its STU3 record converted to
// R4; Spine errors and refused headers become clear issues; followed patients are fetched on
// schedule and handed to the intake, each fetch audited.
#include <doctest/doctest.h>

#include <unistd.h>

#include <algorithm>
#include <filesystem>
#include <fstream>
#include <mutex>
#include <thread>

#include "federation/gpconnect_follow.hpp"
#include "plugins/registry.hpp"
#include "tests/federation/gp_record.hpp"
#include "tests/federation/gpc_provider.hpp"
#include "tests/federation/requester.hpp"

using namespace hidewire;
using namespace hidewire::federation;
using hw_fed_test::GpcProvider;
using hw_fed_test::Holder;
using hw_fed_test::pki;
using Ms = std::chrono::milliseconds;

namespace {

constexpr const char* kOurAsid = "200000001115";
constexpr const char* kGpAsid = "918999198993";

const node::Converter& stu3() {
  static auto c = plugins::make_converter("fhir-stu3");
  return *c;
}

Peer provider_peer(GpcProvider& p, bool unsigned_token = false) {
  Peer peer = hw_fed_test::peer_of(p.server);
  peer.gpc_asid = p.asid;
  peer.gpc_unsigned = unsigned_token;
  return peer;
}

struct Consumer : hw_fed_test::Requester {
  Consumer(std::vector<Peer> peers, const std::string& asid = kOurAsid)
      : Requester(std::move(peers), 5000, [asid](Settings& s) {
          s.asid = asid;
          s.stu3 = &stu3();
        }) {}
  void registered_at(const std::string& nhs, const std::string& ods) {
    store->create(R"({"resourceType":"Patient",)" + hw_fed_test::patient_body(nhs, ods) + "}");
  }
};

std::map<std::string, std::size_t> types_from(const rapidjson::Document& d, const std::string& base) {
  std::map<std::string, std::size_t> n;
  for (const auto& e : d["entry"].GetArray())
    if (e.HasMember("fullUrl") && std::string(e["fullUrl"].GetString()).rfind(base, 0) == 0) ++n[e["resource"]["resourceType"].GetString()];
  return n;
}

}  // namespace

TEST_CASE("GP Connect consumer: the federated record asks the registered practice's provider and merges its record as R4") {
  GpcProvider gp("B82099", kGpAsid, kOurAsid);
  Holder acute("RXX", "acute-trust");
  acute.answer = [&](const std::string& op, const http::Request&, hw_fed_test::Reply reply) { reply(Holder::holds(false, false, "RXX")); };
  Consumer c({provider_peer(gp), hw_fed_test::peer_of(acute)});
  c.registered_at(hw_fed_test::kTenYears, "B82099");
  Answer a = c.ask(hw_fed_test::body(hw_fed_test::kTenYears), hw_fed_test::paramedic());
  REQUIRE(a.status == 200);
  CHECK(gp.refused.empty());
  CHECK(gp.trace_ids.size() == 1);
  CHECK(acute.calls("$hidewire-holds-record") == 1);
  hw_fed_test::Merged m(a.body);
  CHECK(m.provenance_targets.count("B82099") == 1);
  CHECK(m.issues.empty());
  auto types = types_from(m.d, "");
  // R4 types only: STU3's ProcedureRequest and ReferralRequest became ServiceRequest
  CHECK(types["Patient"] >= 1);
  CHECK(types["MedicationRequest"] > 0);
  CHECK(types["Immunization"] > 0);
  CHECK(types["ServiceRequest"] > 0);
  CHECK(types.count("ReferralRequest") == 0);
  CHECK(types.count("ProcedureRequest") == 0);
  // The provider is never asked whether it holds a record: it is a GP system, not a node.
  CHECK(gp.server.calls("$hidewire-holds-record") == 0);
}

TEST_CASE("GP Connect consumer: the unsigned audit JWT where the provider is configured so, the signed one otherwise") {
  for (bool unsigned_token : {true, false}) {
    GpcProvider gp("B82099", kGpAsid, kOurAsid);
    gp.expect_unsigned = unsigned_token;
    Consumer c({provider_peer(gp, unsigned_token)});
    c.registered_at(hw_fed_test::kAllergies, "B82099");
    Answer a = c.ask(hw_fed_test::body(hw_fed_test::kAllergies), hw_fed_test::paramedic());
    CHECK(a.status == 200);
    CHECK(gp.refused.empty());
    hw_fed_test::Merged m(a.body);
    CHECK(types_from(m.d, "")["AllergyIntolerance"] > 0);
  }
}

TEST_CASE("GP Connect consumer: Spine errors and a refused header are reported per provider, with the Spine code") {
  struct Case {
    const char* nhs;
    const char* asid;
    const char* code;
    const char* spine;
    const char* says;
  };
  for (const Case& k : {Case{hw_fed_test::kDissent, kOurAsid, "forbidden", "NO_PATIENT_CONSENT", "dissented"},
                        Case{hw_fed_test::kUnknown, kOurAsid, "not-found", "PATIENT_NOT_FOUND", "no such patient"},
                        Case{hw_fed_test::kTenYears, "200000009999", "processing", "BAD_REQUEST", "Ssp-From"}}) {
    CAPTURE(k.spine);
    GpcProvider gp("B82099", kGpAsid, kOurAsid);
    Holder acute("RXX", "acute-trust");
    acute.answer = [&](const std::string& op, const http::Request&, hw_fed_test::Reply reply) {
      if (op == "$hidewire-holds-record") return reply(Holder::holds(true, false, "RXX"));
      reply(Holder::json(200, hw_fed_test::hospital_record(acute.url(), k.nhs, "B82099")));
    };
    Consumer c({provider_peer(gp), hw_fed_test::peer_of(acute)}, k.asid);
    c.registered_at(k.nhs, "B82099");
    Answer a = c.ask(hw_fed_test::body(k.nhs), hw_fed_test::paramedic());
    REQUIRE(a.status == 200);  // partial: the hospital's record, and why the GP's is missing
    hw_fed_test::Merged m(a.body);
    CHECK(m.provenance_targets.count("RXX") == 1);
    const rapidjson::Value* i = m.issue_about("B82099");
    REQUIRE(i != nullptr);
    CHECK(std::string((*i)["code"].GetString()) == k.code);
    CHECK(std::string((*i)["details"]["coding"][0]["code"].GetString()) == k.spine);
    CHECK(std::string((*i)["diagnostics"].GetString()).find(k.says) != std::string::npos);
  }
}

TEST_CASE("GP Connect follow: followed patients fetched on the schedule and handed to the intake; failures audited") {
  GpcProvider gp("B82099", kGpAsid, kOurAsid);
  Consumer c({provider_peer(gp)});
  std::mutex mu;
  std::vector<std::pair<std::string, std::string>> submitted;  // provider, STU3
  Follower::Submit submit = [&](const Peer& p, std::string stu3_body, std::function<void(bool, const std::string&)> done) {
    {
      std::lock_guard lock(mu);
      submitted.emplace_back(p.ods_code, stu3_body);
    }
    done(true, "intake: accepted");
  };
  Follower f(*c.fed, c.store.get(), c.audit.get(), {hw_fed_test::kTenYears}, 1, submit);
  CHECK_FALSE(f.follow("1234567890"));  // fails the Modulus 11 check
  CHECK(f.follow(hw_fed_test::kUnknown));
  auto deadline = std::chrono::steady_clock::now() + std::chrono::seconds(10);
  while (f.counts().fetched < 2 && std::chrono::steady_clock::now() < deadline) std::this_thread::sleep_for(Ms(50));
  CHECK(f.counts().fetched >= 2);  // the ten-year record, twice: once at start, again after the interval
  CHECK(f.counts().failed >= 1);   // the unknown patient: PATIENT_NOT_FOUND
  {
    std::lock_guard lock(mu);
    REQUIRE(!submitted.empty());
    CHECK(submitted[0].first == "B82099");
    CHECK(submitted[0].second == gp.records[hw_fed_test::kTenYears]);  // as the provider sent it: the intake converts
  }
  CHECK(f.unfollow(hw_fed_test::kUnknown));
  CHECK_FALSE(f.unfollow(hw_fed_test::kUnknown));
  f.stop();
  node::AuditQuery q;
  q.patient_nhs = hw_fed_test::kUnknown;
  std::vector<node::AuditRecord> rec;
  for (int i = 0; i < 100 && rec.empty(); ++i, std::this_thread::sleep_for(Ms(20))) rec = c.audit->query(q);
  REQUIRE(!rec.empty());
  CHECK(rec[0].outcome == "4");
  CHECK(rec[0].event_json.find("PATIENT_NOT_FOUND") != std::string::npos);
}

TEST_CASE("GP Connect follow: patients followed and stopped through the API are kept across a restart, in a private file") {
  GpcProvider gp("B82099", kGpAsid, kOurAsid);
  Consumer c({provider_peer(gp)});
  Follower::Submit submit = [](const Peer&, std::string, std::function<void(bool, const std::string&)> done) { done(true, "accepted"); };
  std::filesystem::path dir = std::filesystem::temp_directory_path() / ("hw-follow-" + std::to_string(::getpid()));
  std::filesystem::create_directories(dir);
  std::string path = (dir / "follow.json").string();
  const std::vector<std::string> configured{hw_fed_test::kTenYears};
  using List = std::vector<std::string>;
  {
    Follower f(*c.fed, c.store.get(), c.audit.get(), configured, 3600, submit, path);
    CHECK(f.followed() == List{hw_fed_test::kTenYears});
    CHECK(f.follow(hw_fed_test::kUnknown));
    CHECK(f.unfollow(hw_fed_test::kTenYears));  // a configured patient, stopped through the API
  }
  CHECK((std::filesystem::status(path).permissions() & std::filesystem::perms::all) ==
        (std::filesystem::perms::owner_read | std::filesystem::perms::owner_write));
  {
    Follower f(*c.fed, c.store.get(), c.audit.get(), configured, 3600, submit, path);
    CHECK(f.followed() == List{hw_fed_test::kUnknown});  // the configured one stays stopped
    CHECK(f.follow(hw_fed_test::kTenYears));
  }
  {
    Follower f(*c.fed, c.store.get(), c.audit.get(), configured, 3600, submit, path);
    List both{hw_fed_test::kTenYears, hw_fed_test::kUnknown};
    std::sort(both.begin(), both.end());
    CHECK(f.followed() == both);
  }
  {
    std::ofstream(path) << R"({"followed":["1234567890"]})";  // not an NHS number: refused at start, named
    CHECK_THROWS_WITH_AS(Follower(*c.fed, c.store.get(), c.audit.get(), configured, 3600, submit, path),
                         doctest::Contains("follow.json"), std::runtime_error);
  }
  {
    // A state file that cannot be written (its folder is gone): the change is refused, not half made.
    Follower f(*c.fed, c.store.get(), c.audit.get(), configured, 3600, submit, (dir / "gone" / "follow.json").string());
    CHECK_THROWS_AS(f.follow(hw_fed_test::kUnknown), std::runtime_error);
    CHECK(f.followed() == List{hw_fed_test::kTenYears});
  }
  std::filesystem::remove_all(dir);
}

TEST_CASE("GP Connect consumer: an answer over federation.max_answer_bytes is dropped and listed, not merged") {
  GpcProvider gp("B82099", kGpAsid, kOurAsid);
  hw_fed_test::Requester c({provider_peer(gp)}, 5000, [](Settings& s) {
    s.asid = kOurAsid;
    s.stu3 = &stu3();
    s.limits.max_answer_bytes = 4096;  // the ten-year record is far larger
  });
  c.store->create(R"({"resourceType":"Patient",)" + hw_fed_test::patient_body(hw_fed_test::kTenYears, "B82099") + "}");
  Answer a = c.ask(hw_fed_test::body(hw_fed_test::kTenYears), hw_fed_test::paramedic());
  REQUIRE(a.status == 200);
  hw_fed_test::Merged m(a.body);
  CHECK(m.provenance_targets.empty());
  const rapidjson::Value* i = m.issue_about("B82099");
  REQUIRE(i != nullptr);
  CHECK(std::string((*i)["code"].GetString()) == "too-costly");
}
