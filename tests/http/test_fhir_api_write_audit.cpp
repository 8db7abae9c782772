// A write through the FHIR API is audited before it takes effect: the record of the write as
// authorised is durable before the store is written (and the store is written on neither the
// audit log's thread nor the caller's); a write whose audit cannot be written is not made; a
// write the store refuses or fails (412, 409, a full disk) leaves a second record of the same
// request saying so; a normal write leaves one record, whose outcome is the final one. Create,
// update, transaction, batch and a patient's own Consent alike.
#include <doctest/doctest.h>

#include <condition_variable>
#include <deque>
#include <filesystem>
#include <mutex>
#include <thread>

#include <unistd.h>

#include "api/fhir_api.hpp"
#include "plugins/access/allow_all/allow_all.hpp"
#include "plugins/stores/sqlite/fhir_store.hpp"

using namespace hidewire;

namespace {

// An audit log with a writer thread of its own, as the real one: `done` runs there once the
// records are "durable" (kept), or with an error while `fail` is set.
struct ThreadedAudit final : node::AuditLog {
  std::mutex mu;
  std::condition_variable cv;
  std::deque<std::pair<std::vector<node::AuditRecord>, Done>> queue;
  std::vector<node::AuditRecord> kept;
  bool fail = false, stopping = false;
  std::thread::id writer_id;
  std::thread writer{[this] { run(); }};

  ~ThreadedAudit() override { stop(); }
  void run() {
    writer_id = std::this_thread::get_id();
    std::unique_lock lock(mu);
    for (;;) {
      cv.wait(lock, [&] { return stopping || !queue.empty(); });
      if (queue.empty()) return;
      auto [records, done] = std::move(queue.front());
      queue.pop_front();
      bool ok = !fail;
      if (ok)
        for (auto& r : records) kept.push_back(std::move(r));
      lock.unlock();
      done(ok, ok ? "" : "disk full");
      lock.lock();
    }
  }
  void append(std::vector<node::AuditRecord> records, Done done) override {
    std::lock_guard lock(mu);
    queue.emplace_back(std::move(records), std::move(done));
    cv.notify_one();
  }
  void append_sync(std::vector<node::AuditRecord>) override {}
  std::vector<node::AuditRecord> query(const node::AuditQuery&) override { return records(); }
  std::int64_t journal_high_water() override { return 0; }
  std::vector<std::string> token_ids_since(const std::string&) override { return {}; }
  void stop() override {
    {
      std::lock_guard lock(mu);
      if (stopping) return;
      stopping = true;
      cv.notify_one();
    }
    writer.join();
  }
  std::vector<node::AuditRecord> records() {
    std::lock_guard lock(mu);
    return kept;
  }
  std::size_t size() {
    std::lock_guard lock(mu);
    return kept.size();
  }
};

// The real store, noting for each write how many audit records were durable when it began and
// on which thread it ran; `full` makes every write fail as on a full disk.
struct WatchedStore final : node::FhirStore {
  WatchedStore(node::FhirStore& real, ThreadedAudit& audit) : real(real), audit(audit) {}
  void wrote() {
    std::lock_guard lock(mu);
    audited_before.push_back(audit.size());
    threads.push_back(std::this_thread::get_id());
    if (full) throw node::StorageUnavailable("sqlite: database or disk is full");
  }
  node::StoredResource create(const std::string& j) override { return wrote(), real.create(j); }
  node::StoredResource update(const std::string& t, const std::string& id, const std::string& j, int v) override {
    return wrote(), real.update(t, id, j, v);
  }
  std::string transaction(const std::string& b, const std::string& k) override { return wrote(), real.transaction(b, k); }
  std::vector<BatchResult> transaction_batch(const std::vector<BatchItem>& items) override { return wrote(), real.transaction_batch(items); }
  std::optional<node::StoredResource> read(const std::string& t, const std::string& id) override { return real.read(t, id); }
  std::optional<node::StoredResource> vread(const std::string& t, const std::string& id, int v) override { return real.vread(t, id, v); }
  std::vector<node::StoredResource> history(const std::string& t, const std::string& id) override { return real.history(t, id); }
  node::SearchPage search(const std::string& t, const node::SearchParams& p) override { return real.search(t, p); }
  std::size_t count(const std::string& t) override { return real.count(t); }
  std::vector<node::StoredResource> everything(const std::string& id) override { return real.everything(id); }
  node::FhirStore& real;
  ThreadedAudit& audit;
  std::mutex mu;
  std::vector<std::size_t> audited_before;
  std::vector<std::thread::id> threads;
  bool full = false;
};

// A patient signed in through the NHS login (their token's NHS number), or the trust's EPR.
struct FakeAuth final : node::Authentication {
  node::AuthOutcome authenticate(const node::Credentials& c) override {
    node::AuthOutcome o;
    o.ok = true;
    if (c.authorization == "Bearer patient") {
      o.caller.kind = node::Caller::Kind::Patient;
      o.caller.id = "https://login.northshire.example";
      o.caller.nhs_number = "9434765919";
      o.caller.purpose = "patient-access";
    } else {
      o.caller.kind = node::Caller::Kind::System;
      o.caller.id = "epr";
      o.caller.ods_code = "RXX";
      o.caller.write_types = {"*"};
    }
    o.caller.address = c.address;
    o.caller.request_id = c.request_id.empty() ? "made-up" : c.request_id;
    return o;
  }
  node::AuthOutcome system(const std::string&, const std::string&) override { return {}; }
};

http::Request request(const std::string& method, const std::string& path, const std::string& body, const std::string& request_id) {
  http::Request r;
  r.method = method;
  r.path = path;
  r.body = body;
  r.content_type = "application/fhir+json";
  r.base_url = "https://fhir.northshire.example";
  r.peer_address = "10.20.30.40:51234";
  r.headers["x-request-id"] = request_id;
  return r;
}

std::string patient(const char* nhs, const char* family) {
  return std::string(R"({"resourceType":"Patient","identifier":[{"system":"https://fhir.nhs.uk/Id/nhs-number","value":")") + nhs +
         R"("}],"name":[{"family":")" + family + R"("}],"birthDate":"1941-03-02"})";
}

std::string consent(const std::string& patient_id) {
  return R"({"resourceType":"Consent","status":"active","scope":{"coding":[{"system":"http://terminology.hl7.org/CodeSystem/consentscope","code":"patient-privacy"}]},)"
         R"("category":[{"coding":[{"system":"http://loinc.org","code":"59284-0"}]}],"patient":{"reference":"Patient/)" + patient_id +
         R"("},"policyRule":{"coding":[{"system":"http://terminology.hl7.org/CodeSystem/v3-ActCode","code":"OPTOUT"}]},"provision":{"type":"deny"}})";
}

std::string observation(const std::string& patient_id, const char* value) {
  return R"({"resourceType":"Observation","status":"final","code":{"coding":[{"system":"http://loinc.org","code":"2823-3"}],"text":"Potassium"},)"
         R"("subject":{"reference":"Patient/)" + patient_id + R"("},"valueQuantity":{"value":)" + value + R"(,"unit":"mmol/L"}})";
}

std::vector<node::AuditRecord> of_request(ThreadedAudit& audit, const std::string& request_id) {
  std::vector<node::AuditRecord> out;
  for (auto& r : audit.records())
    if (r.request_id == request_id) out.push_back(r);
  return out;
}

struct Fixture {
  std::filesystem::path db = std::filesystem::temp_directory_path() / ("hw-api-write-audit-" + std::to_string(::getpid()) + ".db");
  std::unique_ptr<plugins::SqliteFhirStore> real;
  ThreadedAudit audit;
  std::unique_ptr<WatchedStore> store;
  std::unique_ptr<node::AccessPolicy> policy = plugins::allow_all::make();
  FakeAuth auth;
  std::unique_ptr<http::FhirApi> api;
  node::StoredResource margaret, potassium;
  Fixture() {
    std::filesystem::remove(db);
    real = std::make_unique<plugins::SqliteFhirStore>(db.string());
    margaret = real->create(patient("9434765919", "Smith"));
    potassium = real->create(observation(margaret.id, "5.9"));
    store = std::make_unique<WatchedStore>(*real, audit);
    http::ApiGuard guard;
    guard.auth = &auth;
    guard.audit = &audit;
    guard.node_ods = "RXX";
    guard.node_name = "Northshire General";
    api = std::make_unique<http::FhirApi>(*store, *policy, guard);
  }
  ~Fixture() {
    api.reset();
    audit.stop();
    store.reset();
    real.reset();
    for (const char* suffix : {"", "-wal", "-shm"}) std::filesystem::remove(db.string() + suffix);
  }
  http::Response handle(http::Request r) {
    if (!r.headers.count("authorization")) r.headers["authorization"] = "Bearer epr";
    return api->handle(r);
  }
};

}  // namespace

TEST_CASE("a write whose audit cannot be written is not made: 503, nothing stored") {
  Fixture f;
  f.audit.fail = true;
  std::size_t patients = f.real->count("Patient");
  http::Response r = f.handle(request("POST", "/Patient", patient("9449306613", "Jones"), "w-1"));
  CHECK(r.status == 503);
  CHECK(r.body.find("not made") != std::string::npos);
  r = f.handle(request("PUT", "/Patient/" + f.margaret.id, patient("9434765919", "Smith-Jones"), "w-2"));
  CHECK(r.status == 503);
  r = f.handle(request("POST", "",
                       R"({"resourceType":"Bundle","type":"transaction","entry":[{"resource":)" + patient("9449306613", "Jones") +
                           R"(,"request":{"method":"POST","url":"Patient"}}]})",
                       "w-3"));
  CHECK(r.status == 503);
  r = f.handle(request("POST", "",
                       R"({"resourceType":"Bundle","type":"batch","entry":[{"resource":)" + patient("9449306613", "Jones") +
                           R"(,"request":{"method":"POST","url":"Patient"}}]})",
                       "w-4"));
  CHECK(r.status == 503);
  http::Request own = request("POST", "/Consent", consent(f.margaret.id), "w-5");
  own.headers["authorization"] = "Bearer patient";
  CHECK(f.handle(own).status == 503);
  CHECK(f.store->threads.empty());  // the store was never asked to write
  CHECK(f.real->count("Patient") == patients);
  CHECK(f.real->count("Consent") == 0);
  CHECK(f.real->read("Patient", f.margaret.id)->version == 1);
}

TEST_CASE("a normal write leaves one record, durable before the store is written, whose outcome is the final one") {
  Fixture f;
  http::Response r = f.handle(request("POST", "/Patient", patient("9449306613", "Jones"), "w-10"));
  CHECK(r.status == 201);
  CHECK(r.headers["X-Request-ID"] == "w-10");
  CHECK(r.body.find("Jones") != std::string::npos);
  auto records = of_request(f.audit, "w-10");
  REQUIRE(records.size() == 1);
  CHECK(records[0].outcome == "0");
  CHECK(records[0].action == "create");
  CHECK(records[0].event_json.find("write authorised") != std::string::npos);
  REQUIRE(f.store->audited_before.size() == 1);
  CHECK(f.store->audited_before[0] == 1);                    // the record was durable first
  CHECK(f.store->threads[0] != f.audit.writer_id);           // not on the audit log's thread
  CHECK(f.store->threads[0] != std::this_thread::get_id());  // nor the caller's

  r = f.handle(request("PUT", "/Observation/" + f.potassium.id, observation(f.margaret.id, "5.8"), "w-11"));
  CHECK(r.status == 200);
  CHECK(r.headers["ETag"] == "W/\"2\"");
  records = of_request(f.audit, "w-11");
  REQUIRE(records.size() == 1);
  CHECK(records[0].outcome == "0");
  CHECK(records[0].action == "update");
  CHECK(records[0].patient_id == f.margaret.id);

  http::Request own = request("POST", "/Consent", consent(f.margaret.id), "w-12");
  own.headers["authorization"] = "Bearer patient";
  CHECK(f.handle(own).status == 201);
  records = of_request(f.audit, "w-12");
  REQUIRE(records.size() == 1);
  CHECK(records[0].action == "consent-write");
  CHECK(f.real->count("Consent") == 1);
  CHECK(f.store->audited_before.back() == f.audit.size());  // its record was the last one, kept before
}

TEST_CASE("a 412 in the write's own transaction leaves both records: authorised, then not applied") {
  Fixture f;
  http::Request stale = request("PUT", "/Observation/" + f.potassium.id, observation(f.margaret.id, "5.8"), "w-20");
  stale.headers["if-match"] = "W/\"7\"";
  http::Response r = f.handle(stale);
  CHECK(r.status == 412);
  CHECK(r.headers["X-Request-ID"] == "w-20");
  auto records = of_request(f.audit, "w-20");
  REQUIRE(records.size() == 2);
  CHECK(records[0].outcome == "0");
  CHECK(records[0].event_json.find("write authorised") != std::string::npos);
  CHECK(records[1].outcome == "4");
  CHECK(records[1].action == "update");
  CHECK(records[0].patient_id == f.margaret.id);
  CHECK(records[1].patient_id == f.margaret.id);  // the same patient can read that it was not done
  CHECK(records[1].event_json.find("not applied") != std::string::npos);
  CHECK(f.real->read("Observation", f.potassium.id)->version == 1);

  // The same in a transaction entry's ifMatch.
  std::string tx = R"({"resourceType":"Bundle","type":"transaction","entry":[{"resource":)" + patient("9434765919", "Smith") +
                   R"(,"request":{"method":"PUT","url":"Patient/)" + f.margaret.id + R"(","ifMatch":"W/\"7\""}}]})";
  r = f.handle(request("POST", "", tx, "w-21"));
  CHECK(r.status == 412);
  records = of_request(f.audit, "w-21");
  REQUIRE(records.size() == 2);
  CHECK(records[0].action == "transaction");
  CHECK(records[1].outcome == "4");
  CHECK(f.real->read("Patient", f.margaret.id)->version == 1);
}

TEST_CASE("a full disk: 503 after the write was audited, and a second record says it failed") {
  Fixture f;
  f.store->full = true;
  http::Response r = f.handle(request("POST", "/Patient", patient("9449306613", "Jones"), "w-30"));
  CHECK(r.status == 503);
  CHECK(r.body.find("cannot write now") != std::string::npos);
  auto records = of_request(f.audit, "w-30");
  REQUIRE(records.size() == 2);
  CHECK(records[0].outcome == "0");
  CHECK(records[1].outcome == "8");
  // And when that second record cannot be written either, the answer is the audit's 503.
  f.audit.fail = true;
  CHECK(f.handle(request("POST", "/Patient", patient("9449306613", "Jones"), "w-31")).status == 503);
}

TEST_CASE("a batch: entries refused at the store are answered each, and audited again with their patients") {
  Fixture f;
  std::string stale = R"({"resource":)" + patient("9434765919", "Smith") + R"(,"request":{"method":"PUT","url":"Patient/)" + f.margaret.id +
                      R"(","ifMatch":"W/\"7\""}})";
  std::string fresh = R"({"resource":)" + patient("9449306613", "Jones") + R"(,"request":{"method":"POST","url":"Patient"}})";
  // The same NHS number twice: the second is refused when it comes to be written (409).
  std::string twice = R"({"resource":)" + patient("9449306613", "Jones") + R"(,"request":{"method":"POST","url":"Patient"}})";
  http::Response r = f.handle(request("POST", "", R"({"resourceType":"Bundle","type":"batch","entry":[)" + stale + "," + fresh + "," + twice + "]}",
                                      "w-40"));
  CHECK(r.status == 200);
  CHECK(r.body.find(R"("status":"412")") != std::string::npos);
  CHECK(r.body.find(R"("status":"201)") != std::string::npos);
  CHECK(r.body.find(R"("status":"409")") != std::string::npos);
  CHECK(f.real->count("Patient") == 2);  // Margaret, and one Owen Jones
  auto records = of_request(f.audit, "w-40");
  REQUIRE(records.size() == 2);  // authorised (no stored patient yet named), then what was not applied
  CHECK(records[0].outcome == "0");
  CHECK(records[1].outcome == "4");
  CHECK(records[1].event_json.find("entry 0 (412), entry 2 (409)") != std::string::npos);
}
