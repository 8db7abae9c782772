// The FHIR API audits before it answers: one AuditEvent per patient an answer touched (so each
// can see who saw their record), refusals audited too, and an access that cannot be audited is
// not served (503, none of the record in the answer).
#include <doctest/doctest.h>

#include <algorithm>
#include <filesystem>
#include <mutex>

#include <unistd.h>

#include "api/fhir_api.hpp"
#include "audit/submit_record.hpp"
#include "node/caller_json.hpp"
#include "plugins/audit/sqlite/audit_log.hpp"
#include "plugins/access/allow_all/allow_all.hpp"
#include "plugins/stores/sqlite/fhir_store.hpp"

using namespace hidewire;

namespace {

// Keeps what it is given, in memory; or fails every append as a full disk would.
struct MemoryAudit final : node::AuditLog {
  bool fail = false;
  std::mutex mu;
  std::vector<node::AuditRecord> kept;
  void append(std::vector<node::AuditRecord> records, Done done) override {
    if (fail) return done(false, "disk full");
    {
      std::lock_guard lock(mu);
      for (auto& r : records) kept.push_back(std::move(r));
    }
    done(true, "");
  }
  void append_sync(std::vector<node::AuditRecord> records) override {
    append(std::move(records), [](bool, const std::string&) {});
  }
  std::vector<node::AuditRecord> query(const node::AuditQuery&) override { return kept; }
  std::int64_t journal_high_water() override { return 0; }
  std::vector<std::string> token_ids_since(const std::string&) override { return {}; }
  void stop() override {}
};

http::Request request(const std::string& method, const std::string& path, const std::string& body = {}) {
  http::Request r;
  r.method = method;
  r.path = path;
  r.body = body;
  r.content_type = "application/fhir+json";
  r.base_url = "http://localhost";
  r.peer_address = "127.0.0.1:50000";
  r.headers["x-request-id"] = "req-42";
  return r;
}

std::string patient(const char* nhs, const char* family) {
  return std::string(R"({"resourceType":"Patient","identifier":[{"system":"https://fhir.nhs.uk/Id/nhs-number","value":")") + nhs +
         R"("}],"name":[{"family":")" + family + R"("}]})";
}

}  // namespace

TEST_CASE("every answer is audited first, one AuditEvent per patient it touched") {
  std::filesystem::path db = std::filesystem::temp_directory_path() / ("hw-api-audit-" + std::to_string(::getpid()) + ".db");
  std::filesystem::remove(db);
  {
    plugins::SqliteFhirStore store(db.string());
    node::StoredResource doris = store.create(patient("9434765919", "Atkinson"));
    node::StoredResource alex = store.create(patient("9449306613", "Okafor"));
    store.create(R"({"resourceType":"Observation","status":"final","code":{"text":"SpO2"},"subject":{"reference":"Patient/)" + doris.id + R"("}})");
    auto policy = plugins::allow_all::make();
    MemoryAudit audit;
    http::ApiGuard guard;
    guard.audit = &audit;
    guard.node_ods = "RXX";
    guard.node_name = "Northshire General";
    http::FhirApi api(store, *policy, guard);

    SUBCASE("a read: one event, about that patient, with the request id") {
      http::Response r = api.handle(request("GET", "/Patient/" + doris.id));
      CHECK(r.status == 200);
      CHECK(r.headers["X-Request-ID"] == "req-42");
      REQUIRE(audit.kept.size() == 1);
      CHECK(audit.kept[0].patient_nhs == "9434765919");
      CHECK(audit.kept[0].request_id == "req-42");
      CHECK(audit.kept[0].outcome == "0");
      CHECK(audit.kept[0].event_json.find("\"resourceType\":\"AuditEvent\"") != std::string::npos);
    }
    SUBCASE("a search over two patients: an event for each") {
      http::Response r = api.handle(request("GET", "/Patient"));
      CHECK(r.status == 200);
      REQUIRE(audit.kept.size() == 2);
      std::vector<std::string> who{audit.kept[0].patient_nhs, audit.kept[1].patient_nhs};
      std::sort(who.begin(), who.end());
      CHECK(who == std::vector<std::string>{"9434765919", "9449306613"});
    }
    SUBCASE("a refused request is audited as refused") {
      http::Request bad = request("GET", "/Patient");
      bad.query.emplace("_lastUpdated", "notadate");
      http::Response r = api.handle(bad);
      CHECK(r.status == 400);
      http::Response w = api.handle(request("POST", "/AuditEvent", R"({"resourceType":"AuditEvent"})"));
      CHECK(w.status == 405);
      REQUIRE(audit.kept.size() == 2);
      CHECK(audit.kept[0].outcome == "4");
      CHECK(audit.kept[1].outcome == "4");
    }
    SUBCASE("an access that cannot be audited is not served") {
      audit.fail = true;
      http::Response r = api.handle(request("GET", "/Patient/" + doris.id));
      CHECK(r.status == 503);
      CHECK(r.body.find("Atkinson") == std::string::npos);
      CHECK(r.body.find("could not be audited") != std::string::npos);
      http::Request search = request("GET", "/Observation");
      search.query.emplace("patient", doris.id);
      r = api.handle(search);
      CHECK(r.status == 503);
      CHECK(r.body.find("SpO2") == std::string::npos);
    }
  }
  std::filesystem::remove(db);
}

TEST_CASE("the access log over the API: a journal commit's messages are one AuditEvent each, with their own fullUrl") {
  std::filesystem::path dir = std::filesystem::temp_directory_path() / ("hw-api-auditlog-" + std::to_string(::getpid()));
  std::filesystem::remove_all(dir);
  std::filesystem::create_directories(dir);
  {
    plugins::SqliteFhirStore store((dir / "fhir.db").string());
    store.create(patient("9434765919", "Atkinson"));
    plugins::SqliteAuditLog::Options o;
    o.path = (dir / "audit.db").string();
    o.key_path = (dir / "audit.key").string();
    o.pub_path = (dir / "audit.pub").string();
    plugins::SqliteAuditLog log(o);
    node::Caller lab;
    lab.kind = node::Caller::Kind::System;
    lab.id = "lab-feed";
    lab.ods_code = "RXX";
    std::string caller = node::caller_json(lab);
    log.append_sync({audit::make_submit_batch({{7, "LAB.1", "accepted", "", "9434765919", caller},
                                               {8, "LAB.2", "accepted", "", "9449306613", caller},
                                               {9, "LAB.3", "rejected", "unknown test code", "9434765919", caller}},
                                              "RXX", "Northshire General")});
    auto policy = plugins::allow_all::make();
    http::ApiGuard guard;
    guard.audit = &log;
    guard.node_ods = "RXX";
    guard.node_name = "Northshire General";
    http::FhirApi api(store, *policy, guard);
    http::Request q = request("GET", "/AuditEvent");
    q.query.emplace("patient.identifier", "https://fhir.nhs.uk/Id/nhs-number|9434765919");
    http::Response r = api.handle(q);
    REQUIRE(r.status == 200);
    // Her two messages, not the other patient's, each with its own id and fullUrl.
    CHECK(r.body.find("\"fullUrl\":\"http://localhost/AuditEvent/1.1\"") != std::string::npos);
    CHECK(r.body.find("\"fullUrl\":\"http://localhost/AuditEvent/1.3\"") != std::string::npos);
    CHECK(r.body.find("AuditEvent/1.2") == std::string::npos);
    CHECK(r.body.find("LAB.2") == std::string::npos);
    CHECK(r.body.find("unknown test code") != std::string::npos);
    log.stop();
  }
  std::filesystem::remove_all(dir);
}
