// Who may write what (api/write_rules) and If-Match (the store's optimistic locking), against
// the SQLite store: write types, forged Provenance agents, NHS numbers duplicated, removed,
// changed or taken from another patient; a stale version refused with 412, alone or in a
// transaction, and nothing written.
#include <doctest/doctest.h>

#include <unistd.h>

#include <filesystem>

#include "api/write_rules.hpp"
#include "plugins/stores/sqlite/fhir_store.hpp"

using namespace hidewire;

namespace {

struct Store {
  std::filesystem::path path = std::filesystem::temp_directory_path() / ("hw-write-rules-" + std::to_string(::getpid()) + "-" + std::to_string(std::rand()) + ".db");
  std::unique_ptr<plugins::SqliteFhirStore> s = std::make_unique<plugins::SqliteFhirStore>(path.string());
  ~Store() {
    s.reset();
    for (const char* ext : {"", "-wal", "-shm"}) std::filesystem::remove(path.string() + ext);
  }
};

std::string patient(const std::string& nhs, const std::string& family, const std::string& id = {}) {
  std::string ids = nhs.empty() ? "" : R"("identifier":[{"system":"https://fhir.nhs.uk/Id/nhs-number","value":")" + nhs + R"("}],)";
  return R"({"resourceType":"Patient",)" + (id.empty() ? "" : R"("id":")" + id + R"(",)") + ids + R"("name":[{"family":")" + family + R"("}]})";
}

node::Caller caller(std::vector<std::string> types, std::vector<std::string> roles = {}) {
  node::Caller c;
  c.kind = node::Caller::Kind::System;
  c.id = "epr";
  c.ods_code = "RXX";
  c.write_types = std::move(types);
  c.roles = std::move(roles);
  return c;
}

std::string provenance(const std::string& who) {
  return R"({"resourceType":"Provenance","target":[{"reference":"Patient/p1"}],"recorded":"2026-12-02T10:15:00Z","agent":[{"who":)" + who + "}]}";
}

}  // namespace

TEST_CASE("write rules: the caller writes only the types it is granted (403)") {
  Store st;
  auto r = api::check_write(caller({"Observation"}), patient("9434765919", "SMITH"), *st.s, "");
  REQUIRE(r);
  CHECK(r->status == 403);
  CHECK(r->code == "forbidden");
  CHECK(r->message.find("Patient") != std::string::npos);
  CHECK_FALSE(api::check_write(caller({"Patient"}), patient("9434765919", "SMITH"), *st.s, ""));
  CHECK_FALSE(api::check_write(caller({"*"}), patient("9434765919", "SMITH"), *st.s, ""));
  CHECK(api::check_write(caller({}), patient("9434765919", "SMITH"), *st.s, ""));
}

TEST_CASE("write rules: a Provenance naming another organisation is 403, by identifier or by a stored Organization") {
  Store st;
  node::StoredResource ambulance = st.s->create(
      R"({"resourceType":"Organization","identifier":[{"system":"https://fhir.nhs.uk/Id/ods-organization-code","value":"RX9"}],"name":"Ambulance Service"})");
  node::StoredResource trust = st.s->create(
      R"({"resourceType":"Organization","identifier":[{"system":"https://fhir.nhs.uk/Id/ods-organization-code","value":"RXX"}],"name":"Teaching Hospitals"})");
  node::Caller epr = caller({"Provenance"});
  auto forged = api::check_write(epr, provenance(R"({"identifier":{"system":"https://fhir.nhs.uk/Id/ods-organization-code","value":"A81001"}})"), *st.s, "");
  REQUIRE(forged);
  CHECK(forged->status == 403);
  CHECK(forged->message.find("Provenance.agent[0].who") != std::string::npos);
  CHECK(forged->message.find("A81001") != std::string::npos);
  auto by_ref = api::check_write(epr, provenance(R"({"reference":"Organization/)" + ambulance.id + R"("})"), *st.s, "");
  REQUIRE(by_ref);
  CHECK(by_ref->message.find("RX9") != std::string::npos);
  CHECK_FALSE(api::check_write(epr, provenance(R"({"reference":"Organization/)" + trust.id + R"("})"), *st.s, ""));
  CHECK_FALSE(api::check_write(epr, provenance(R"({"display":"ward clerk"})"), *st.s, ""));
}

TEST_CASE("write rules: a Patient created with an NHS number another Patient has is 409; a new number is fine") {
  Store st;
  st.s->create(patient("9434765919", "SMITH"));
  node::Caller epr = caller({"Patient"});
  auto r = api::check_write(epr, patient("9434765919", "IMPOSTOR"), *st.s, "");
  REQUIRE(r);
  CHECK(r->status == 409);
  CHECK(r->message.find("conditional") != std::string::npos);
  CHECK(r->message.find("9434765919") == std::string::npos);  // never the NHS number itself
  CHECK_FALSE(api::check_write(epr, patient("9449306613", "JONES"), *st.s, ""));
  CHECK_FALSE(api::check_write(epr, patient("", "UNKNOWN"), *st.s, ""));
  // Caught also for an admin: two Patients with one NHS number is never right.
  CHECK(api::check_write(caller({"*"}, {"admin"}), patient("9434765919", "IMPOSTOR"), *st.s, ""));
}

TEST_CASE("write rules: an update that removes or changes a Patient's NHS number is 409 unless admin; another's number is 409 always") {
  Store st;
  node::StoredResource smith = st.s->create(patient("9434765919", "SMITH"));
  st.s->create(patient("9449306613", "JONES"));
  node::Caller epr = caller({"Patient"});
  // The defect: rename and renumber, so a search on the real number finds nothing.
  auto changed = api::check_write(epr, patient("9000000009", "OTHER", smith.id), *st.s, smith.id);
  REQUIRE(changed);
  CHECK(changed->status == 409);
  CHECK(changed->message.find("admin") != std::string::npos);
  auto removed = api::check_write(epr, patient("", "SMITH", smith.id), *st.s, smith.id);
  REQUIRE(removed);
  CHECK(removed->status == 409);
  CHECK_FALSE(api::check_write(epr, patient("9434765919", "SMITH-JONES", smith.id), *st.s, smith.id));  // a new name is fine
  node::Caller admin = caller({"*"}, {"admin"});
  CHECK_FALSE(api::check_write(admin, patient("9000000009", "SMITH", smith.id), *st.s, smith.id));  // a merge
  auto taken = api::check_write(admin, patient("9449306613", "SMITH", smith.id), *st.s, smith.id);
  REQUIRE(taken);
  CHECK(taken->status == 409);
  CHECK(taken->code == "duplicate");
  // An update to an id not yet stored is a create: the number must still be free.
  CHECK(api::check_write(epr, patient("9449306613", "NEW", "newid"), *st.s, "newid"));
}

TEST_CASE("write rules: a body's types, one resource or every Bundle entry, JSON or XML") {
  node::Caller epr = caller({"Patient", "Encounter"});
  CHECK_FALSE(api::check_types(epr, patient("9434765919", "SMITH")));
  CHECK_FALSE(api::check_types(epr, R"(<Patient xmlns="http://hl7.org/fhir"><active value="true"/></Patient>)"));
  auto obs = api::check_types(epr, R"(<Observation xmlns="http://hl7.org/fhir"><status value="final"/></Observation>)");
  REQUIRE(obs);
  CHECK(obs->status == 403);
  std::string bundle = R"({"resourceType":"Bundle","type":"transaction","entry":[{"resource":)" + patient("9434765919", "SMITH") +
                       R"(,"request":{"method":"POST","url":"Patient"}},{"resource":{"resourceType":"Condition","subject":{"reference":"Patient/x"}},)"
                       R"("request":{"method":"POST","url":"Condition"}}]})";
  auto entry = api::check_types(epr, bundle);
  REQUIRE(entry);
  CHECK(entry->message.find("Bundle.entry[1].resource") != std::string::npos);
  CHECK_FALSE(api::check_types(caller({"*"}), bundle));
  CHECK_FALSE(api::check_types(epr, "not FHIR at all"));  // the intake says why it is unreadable
}

TEST_CASE("If-Match: the current version writes, a stale one is 412 and writes nothing, none writes as before") {
  Store st;
  node::StoredResource v1 = st.s->create(patient("9434765919", "SMITH"));
  node::StoredResource v2 = st.s->update("Patient", v1.id, patient("9434765919", "SMITH-JONES", v1.id), 1);
  CHECK(v2.version == 2);
  try {
    st.s->update("Patient", v1.id, patient("9434765919", "STALE", v1.id), 1);
    FAIL("a stale If-Match was written");
  } catch (const node::StoreError& e) {
    CHECK(e.http_status == 412);
    CHECK(std::string(e.what()).find("version 2") != std::string::npos);
  }
  CHECK(st.s->read("Patient", v1.id)->version == 2);
  CHECK(st.s->history("Patient", v1.id).size() == 2);
  CHECK(st.s->update("Patient", v1.id, patient("9434765919", "SMITH", v1.id)).version == 3);  // absent: no check
  CHECK_THROWS_AS(st.s->update("Patient", "never-stored", patient("9000000009", "NEW", "never-stored"), 1), node::StoreError);
  CHECK(node::version_of_etag("W/\"3\"") == 3);
  CHECK(node::version_of_etag("\"12\"") == 12);
  CHECK(node::version_of_etag("7") == 7);
  CHECK(node::version_of_etag("W/\"abc\"") == 0);
  CHECK(node::version_of_etag("") == 0);
}

TEST_CASE("If-Match in a transaction Bundle: request.ifMatch stale is 412 for the whole Bundle; current applies") {
  Store st;
  node::StoredResource v1 = st.s->create(patient("9434765919", "SMITH"));
  st.s->update("Patient", v1.id, patient("9434765919", "SMITH", v1.id));  // now version 2
  auto bundle = [&](const std::string& if_match) {
    return R"({"resourceType":"Bundle","type":"transaction","entry":[)"
           R"({"fullUrl":"urn:uuid:5f607182-93a4-4e1f-8a2b-3c4d5e6f7081","resource":{"resourceType":"Observation","status":"final",)"
           R"("code":{"text":"pulse"},"subject":{"reference":"Patient/)" + v1.id + R"("}},"request":{"method":"POST","url":"Observation"}},)"
           R"({"resource":)" + patient("9434765919", "SMITH-JONES", v1.id) + R"(,"request":{"method":"PUT","url":"Patient/)" + v1.id +
           R"(","ifMatch":")" + if_match + R"("}}]})";
  };
  try {
    st.s->transaction(bundle("W/\\\"1\\\""));
    FAIL("a stale request.ifMatch was applied");
  } catch (const node::StoreError& e) {
    CHECK(e.http_status == 412);
  }
  CHECK(st.s->count("Observation") == 0);  // all or nothing
  CHECK(st.s->read("Patient", v1.id)->version == 2);
  std::string response = st.s->transaction(bundle("W/\\\"2\\\""));
  CHECK(response.find("Patient/" + v1.id + "/_history/3") != std::string::npos);
  CHECK(st.s->count("Observation") == 1);
  CHECK_THROWS_AS(st.s->transaction(bundle("three")), node::StoreError);  // not a version: 400
}
