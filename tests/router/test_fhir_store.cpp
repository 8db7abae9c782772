// The FHIR store applying the HL7 v2 converter's transaction Bundles: NHS-number keyed
// conditional create/update, references rewritten, history, searches, all-or-nothing.
#include <doctest/doctest.h>

#include <filesystem>

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
  auto found = s.search("Patient", by_nhs);
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
  auto obs = s.search("Observation", mine);
  CHECK(obs.size() == 5);  // one from the ADT OBX, four lab results
  for (const auto& o : obs) CHECK(o.json.find("\"reference\":\"Patient/" + pid + "\"") != std::string::npos);
  auto reports = s.search("DiagnosticReport", mine);
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
  CHECK(s.search("Observation", page).size() == 3);
  page.offset = 3;
  CHECK(s.search("Observation", page).size() == 1);
  node::SearchParams later;
  later.last_updated_after = "2999-01-01T00:00:00Z";
  CHECK(s.search("Observation", later).empty());

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
