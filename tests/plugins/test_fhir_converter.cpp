// The fhir converter wraps a single resource with the shared building blocks: keyed by its NHS
// number, with a Provenance; the same person sent twice is one Patient, updated.
#include <doctest/doctest.h>

#include <unistd.h>

#include <filesystem>

#include "conformance/gate.hpp"
#include "node/converter.hpp"
#include "plugins/registry.hpp"
#include "plugins/stores/sqlite/fhir_store.hpp"

using namespace hidewire;

namespace {

std::string patient(const std::string& family) {
  return R"({"resourceType":"Patient","identifier":[{"system":"https://fhir.nhs.uk/Id/nhs-number","value":"9434765919"}],)"
         R"("name":[{"family":")" + family + R"(","given":["Margaret"]}],"birthDate":"1941-03-07",)"
         R"("generalPractitioner":[{"identifier":{"system":"https://fhir.nhs.uk/Id/ods-organization-code","value":"B86010"}}]})";
}

}  // namespace

TEST_CASE("a single Patient is keyed by its NHS number, with a Provenance, and sent twice stays one Patient") {
  auto conv = plugins::make_converter("fhir");
  node::MessageInfo info{"gp-system", "fhir", "2026-12-02T09:00:00Z", ""};
  node::Conversion first = conv->convert(patient("SMITH"), info);
  REQUIRE(first.status == node::Conversion::Status::Converted);
  CHECK(first.bundle_json.find(R"("method":"PUT","url":"Patient?identifier=https://fhir.nhs.uk/Id/nhs-number|9434765919")") !=
        std::string::npos);
  CHECK(first.bundle_json.find(R"("resourceType":"Provenance")") != std::string::npos);
  CHECK(first.bundle_json.find(first.control_id) != std::string::npos);  // the Provenance names the message
  fhir::Diagnostics gate = conformance::check(first.bundle_json);
  CHECK_MESSAGE(!gate.has_errors(), fhir::to_operation_outcome_json(gate));

  auto path = std::filesystem::temp_directory_path() / ("hw-fhirconv-" + std::to_string(::getpid()) + ".db");
  std::filesystem::remove(path);
  {
    plugins::SqliteFhirStore store(path.string());
    store.transaction(first.bundle_json);
    node::Conversion second = conv->convert(patient("SMITH-JONES"), info);  // a new surname
    REQUIRE(second.status == node::Conversion::Status::Converted);
    store.transaction(second.bundle_json);
    node::SearchParams by_nhs;
    by_nhs.identifier_system = "https://fhir.nhs.uk/Id/nhs-number";
    by_nhs.identifier_value = "9434765919";
    node::SearchPage page = store.search("Patient", by_nhs);
    REQUIRE(page.resources.size() == 1);
    CHECK(page.resources[0].version == 2);
    CHECK(page.resources[0].json.find("SMITH-JONES") != std::string::npos);
  }
  for (const char* ext : {"", "-wal", "-shm"}) std::filesystem::remove(path.string() + ext);
}

TEST_CASE("a resource without a key is created, and a decimal keeps its digits") {
  auto conv = plugins::make_converter("fhir");
  node::Conversion c = conv->convert(
      R"({"resourceType":"Observation","status":"final","code":{"text":"Body weight"},"valueQuantity":{"value":61.50,"unit":"kg"}})",
      node::MessageInfo{"ward", "fhir", "2026-12-02T09:00:00Z", ""});
  REQUIRE(c.status == node::Conversion::Status::Converted);
  CHECK(c.bundle_json.find(R"("method":"POST","url":"Observation")") != std::string::npos);
  CHECK(c.bundle_json.find(R"("value":61.50)") != std::string::npos);
}
