// The FHIR store applying the HL7 v2 converter's transaction Bundles: NHS-number keyed
// conditional create/update, references rewritten, history, searches, all-or-nothing.
#include <doctest/doctest.h>

#include <algorithm>
#include <filesystem>
#include <map>

#include "hl7v2/message.hpp"
#include "mapping/engine/converter.hpp"
#include "plugins/stores/sqlite/fhir_store.hpp"
#include "tests/fhir/test_support.hpp"

using namespace hidewire;

namespace {

std::string bundle_of(const std::string& file) {
  hl7v2::ParseError err;
  auto m = hl7v2::parse(hw_test::read_file(hw_test::data_path("hl7v2/" + file)), err);
  REQUIRE(m);
  mapping::Conversion c = mapping::convert(*m);
  REQUIRE(c.ok);
  return c.bundle_json;
}

struct TempStore {
  std::filesystem::path path = std::filesystem::temp_directory_path() / ("hw-store-" + std::to_string(::getpid()) + ".db");
  std::unique_ptr<node::FhirStore> store;
  TempStore() {
    std::filesystem::remove(path);
    store = std::make_unique<hidewire::plugins::SqliteFhirStore>(path.string());
  }
  ~TempStore() {
    store.reset();
    for (const char* ext : {"", "-wal", "-shm"}) std::filesystem::remove(path.string() + ext);
  }
};

const std::string kNhs = "https://fhir.nhs.uk/Id/nhs-number";

}  // namespace

TEST_CASE("admission, update and results land on one patient, keyed by the NHS number") {
  TempStore t;
  node::FhirStore& s = *t.store;
  std::string resp = s.transaction(bundle_of("adt_a01_v251.hl7"));
  CHECK(resp.find("\"type\":\"transaction-response\"") != std::string::npos);
  CHECK(resp.find("201 Created") != std::string::npos);
  REQUIRE(s.count("Patient") == 1);
  node::SearchParams by_nhs;
  by_nhs.identifier_system = kNhs;
  by_nhs.identifier_value = "9434765919";
  auto found = s.search("Patient", by_nhs).resources;
  REQUIRE(found.size() == 1);
  std::string pid = found[0].id;
  CHECK(found[0].version == 1);

  s.transaction(bundle_of("adt_a08_crlf.hl7"));  // an update: same patient, version 2
  CHECK(s.count("Patient") == 1);
  auto updated = s.read("Patient", pid);
  REQUIRE(updated);
  CHECK(updated->version == 2);
  CHECK(updated->json.find("0113 496 0001") != std::string::npos);
  CHECK(s.history("Patient", pid).size() == 2);
  CHECK(s.vread("Patient", pid, 1)->json.find("07700 900123") != std::string::npos);

  s.transaction(bundle_of("oru_r01_v251.hl7"));  // results: the patient is not overwritten
  CHECK(s.read("Patient", pid)->version == 2);
  node::SearchParams mine;
  mine.patient = pid;
  auto obs = s.search("Observation", mine).resources;
  CHECK(obs.size() == 5);  // one from the ADT OBX, four lab results
  for (const auto& o : obs) CHECK(o.json.find("\"reference\":\"Patient/" + pid + "\"") != std::string::npos);
  auto reports = s.search("DiagnosticReport", mine).resources;
  REQUIRE(reports.size() == 2);
  CHECK(reports[0].json.find("urn:uuid") == std::string::npos);  // result references rewritten too

  s.transaction(bundle_of("adt_a01_v251.hl7"));  // the same admission again: still one patient
  CHECK(s.count("Patient") == 1);
}

TEST_CASE("paging, _lastUpdated and the all-or-nothing rule") {
  TempStore t;
  node::FhirStore& s = *t.store;
  s.transaction(bundle_of("oru_r01_v251.hl7"));
  node::SearchParams page;
  page.count = 3;
  node::SearchPage first = s.search("Observation", page);
  CHECK(first.resources.size() == 3);
  REQUIRE(!first.next.empty());
  page.page_after = first.next;
  node::SearchPage second = s.search("Observation", page);
  CHECK(second.resources.size() == 1);
  CHECK(second.next.empty());
  node::SearchParams later;
  later.last_updated = {{"2999-01-01T00:00:00.000Z", "", false}};
  CHECK(s.search("Observation", later).resources.empty());
  later.last_updated = {{"2999-01-01T00:00:00.000Z", "", true}};
  later.count = 0;
  CHECK(s.search("Observation", later).total == 4);

  // Two patients claiming one NHS number: a conditional update cannot choose, so the whole
  // transaction is refused and nothing of it is written.
  s.create(R"({"resourceType":"Patient","identifier":[{"system":")" + kNhs + R"(","value":"9434765919"}]})");
  std::size_t before = s.count("Encounter");
  try {
    s.transaction(bundle_of("adt_a01_v251.hl7"));
    FAIL("expected a conflict");
  } catch (const node::StoreError& e) {
    CHECK(e.http_status == 412);
    CHECK(std::string(e.what()).find("matches 2 resources") != std::string::npos);
  }
  CHECK(s.count("Encounter") == before);
  CHECK(s.count("Patient") == 2);
}

TEST_CASE("numbers stay JSON numbers, with the digits they were written with") {
  TempStore t;
  node::FhirStore& s = *t.store;
  // 1.50 keeps its trailing zero; the integer is beyond a double's 53 bits.
  auto made = s.create(R"({"resourceType":"Observation","status":"final","code":{"text":"x"},)"
                       R"("valueQuantity":{"value":1.50},"component":[{"code":{"text":"y"},"valueInteger":2147483647},)"
                       R"({"code":{"text":"z"},"valueQuantity":{"value":123456789012345678901234567890.000}}]})");
  auto read = s.read("Observation", made.id);
  REQUIRE(read);
  for (const std::string& json : {made.json, read->json}) {
    CHECK(json.find(R"("valueQuantity":{"value":1.50})") != std::string::npos);
    CHECK(json.find(R"("valueInteger":2147483647)") != std::string::npos);
    CHECK(json.find(R"("value":123456789012345678901234567890.000)") != std::string::npos);
  }
  auto put = s.update("Patient", "twin", R"({"resourceType":"Patient","multipleBirthInteger":2})");
  CHECK(put.json.find(R"("multipleBirthInteger":2)") != std::string::npos);

  // Through a transaction too: the converter's OBX-5 numbers and strings that look like numbers.
  s.transaction(bundle_of("oru_r01_v251.hl7"));
  node::SearchParams all;
  std::string bodies;
  for (const auto& o : s.search("Observation", all).resources) bodies += o.json;
  CHECK(bodies.find(R"("value":5.9,)") != std::string::npos);
  CHECK(bodies.find(R"("value":"5.9")") == std::string::npos);
  s.update("Patient", "str", R"({"resourceType":"Patient","name":[{"text":"42"}]})");
  CHECK(s.read("Patient", "str")->json.find(R"("text":"42")") != std::string::npos);
}

TEST_CASE("paging by key reaches each of 3,000 resources once, also while more are written") {
  TempStore t;
  node::FhirStore& s = *t.store;
  auto bundle = [](int n, const char* recorded) {
    std::string b = R"({"resourceType":"Bundle","type":"transaction","entry":[)";
    for (int i = 0; i < n; ++i)
      b += std::string(i ? "," : "") + R"({"resource":{"resourceType":"Provenance","target":[{"reference":"Patient/p"}],"recorded":")" +
           recorded + R"(","agent":[{"who":{"display":"lab"}}]},"request":{"method":"POST","url":"Provenance"}})";
    return b + "]}";
  };
  for (int i = 0; i < 6; ++i) s.transaction(bundle(500, "2026-11-24T10:00:00Z"));
  node::SearchParams p;
  p.count = 0;
  CHECK(s.search("Provenance", p).total == 3000);
  p.count = 70;  // pages that do not divide the total
  std::map<std::string, int> seen;
  int pages = 0, originals = 0;
  do {
    node::SearchPage page = s.search("Provenance", p);
    for (const auto& r : page.resources) {
      ++seen[r.id];
      originals += r.json.find("2026-11-24T10:00:00Z") != std::string::npos;
    }
    if (++pages == 10) s.transaction(bundle(40, "2026-11-25T10:00:00Z"));  // written during the walk
    p.page_after = page.next;
  } while (!p.page_after.empty() && pages < 1000);
  CHECK(originals == 3000);
  CHECK(seen.size() == 3040);  // the later ones sort after the cursor: reached too
  CHECK(std::all_of(seen.begin(), seen.end(), [](const auto& kv) { return kv.second == 1; }));
  p.page_after = "not-a-cursor";
  CHECK_THROWS_AS(s.search("Provenance", p), node::StoreError);
}

TEST_CASE("a batch: a Bundle refused for its content carries its 4xx status, the others are applied") {
  TempStore t;
  std::string good = bundle_of("adt_a01_v251.hl7"), bad = R"({"resourceType":"Bundle","type":"transaction"})";
  auto results = t.store->transaction_batch({{&good, "journal:1"}, {&bad, "journal:2"}});
  REQUIRE(results.size() == 2);
  CHECK(results[0].ok);
  CHECK_FALSE(results[1].ok);
  CHECK(results[1].status == 400);  // the sink dead-letters only these; a full disk throws instead
  CHECK(t.store->count("Patient") == 1);
}

TEST_CASE("conditional requests percent-encode the identifier, and the store matches it decoded") {
  // A lab number from an authority with a space (its system is itself percent-encoded) and a
  // value holding '&' and '|' (v2 escapes \T\ and \F\): the request URL must stay one query
  // component, and the same message applied twice must still be one patient.
  std::string text =
      "MSH|^~\\&|LAB|RCB|HIDEWIRE|RCB|20260314093000||ADT^A01^ADT_A01|U9|P|2.5.1\r"
      "PID|1||RCB 12\\T\\34\\F\\5^^^GHH LAB^MR||SMITH^JANE\rPV1|1|I\r";
  hl7v2::ParseError err;
  auto m = hl7v2::parse(text, err);
  REQUIRE(m);
  mapping::Conversion c = mapping::convert(*m);
  REQUIRE(c.ok);
  CHECK(c.bundle_json.find("\"url\":\"Patient?identifier=urn:hidewire:identifier:GHH%2520LAB|RCB%2012%2634%7C5\"") !=
        std::string::npos);
  TempStore t;
  node::FhirStore& s = *t.store;
  s.transaction(c.bundle_json);
  s.transaction(c.bundle_json);
  CHECK(s.count("Patient") == 1);
  node::SearchParams by_id;
  by_id.identifier_system = "urn:hidewire:identifier:GHH%20LAB";
  by_id.identifier_value = "RCB 12&34|5";
  CHECK(s.search("Patient", by_id).resources.size() == 1);
}
