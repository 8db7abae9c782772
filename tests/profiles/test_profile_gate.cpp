// The conformance gate's profiles (conformance/profile_gate.hpp): a source's messages held to
// the profiles they declare, or to profiles required of every resource of a type; and the node
// config that names them (conformance.igs, sources[].profiles).
#include <doctest/doctest.h>

#include "conformance/profile_gate.hpp"
#include "fhir/codec.hpp"
#include "node/config.hpp"
#include "node/converter.hpp"
#include "plugins/registry.hpp"
#include "tests/fhir/test_support.hpp"

using namespace hidewire;

namespace {

const std::string kUk = "https://fhir.hl7.org.uk/StructureDefinition/";

const conformance::ProfileGate& gate() {
  static const conformance::ProfileGate g({hw_test::data_path("uk-core")});
  return g;
}

std::string converted_admission() {
  auto conv = plugins::make_converter("hl7v2")->convert(hw_test::read_file(hw_test::data_path("hl7v2/adt_a01_v251.hl7")),
                                                        node::MessageInfo{"pas", "hl7v2", "2026-12-03T09:00:00Z", ""});
  REQUIRE(conv.status == node::Conversion::Status::Converted);
  return conv.bundle_json;
}

fhir::Diagnostics check(const std::string& json, const conformance::ProfileRules& rules) {
  fhir::Diagnostics d;
  fhir::Node root;
  REQUIRE(fhir::parse_json(json, fhir::Schema::r4(), root, d));
  gate().check(root, rules, d);
  return d;
}

void replace(std::string& s, const std::string& from, const std::string& to) {
  auto at = s.find(from);
  REQUIRE_MESSAGE(at != std::string::npos, from);
  s.replace(at, from.size(), to);
}

}  // namespace

TEST_CASE("a converted admission passes its declared UK Core profiles and the required ones") {
  std::string json = converted_admission();
  CHECK_FALSE(check(json, {true, {}}).has_errors());
  CHECK_FALSE(check(json, {false, {kUk + "UKCore-Patient", kUk + "UKCore-Encounter"}}).has_errors());
  CHECK(gate().unknown({false, {kUk + "UKCore-Patient", kUk + "UKCore-Nothing"}}) == std::vector<std::string>{kUk + "UKCore-Nothing"});
}

TEST_CASE("a resource that breaks its declared profile is refused; without rules the gate checks no profile") {
  std::string json = converted_admission();
  // UK Core's NHS number verification status is bound (required) to its value set.
  replace(json, "\"system\":\"https://fhir.nhs.uk/Id/nhs-number\"",
          "\"system\":\"https://fhir.nhs.uk/Id/nhs-number\",\"extension\":[{\"url\":\"https://fhir.hl7.org.uk/StructureDefinition/"
          "Extension-UKCore-NHSNumberVerificationStatus\",\"valueCodeableConcept\":{\"coding\":[{\"system\":\"https://fhir.hl7.org.uk/"
          "CodeSystem/UKCore-NHSNumberVerificationStatusEngland\",\"code\":\"99\"}]}}]");
  fhir::Diagnostics d = check(json, {true, {}});
  CHECK(d.has_errors());
  CHECK_FALSE(check(json, {}).has_errors());
}

TEST_CASE("a required profile applies whatever the resource declares") {
  std::string json = converted_admission();
  replace(json, "\"profile\":[\"https://fhir.hl7.org.uk/StructureDefinition/UKCore-Patient\"]", "\"profile\":[\"http://example.org/p\"]");
  replace(json, "\"identifier\":[", "\"identifier\":[{\"system\":\"https://fhir.nhs.uk/Id/nhs-number\",\"value\":\"1234567890\"},");
  CHECK(check(json, {false, {kUk + "UKCore-Patient"}}).has_errors());  // two NHS numbers: UK Core's slice is 0..1
  CHECK_FALSE(check(json, {false, {}}).has_errors());
}

TEST_CASE("the node config names the guides and each source's rules; rules without a guide are a config error") {
  const std::string base = R"({"node": {"name": "n", "ods_code": "RR8"}, "development": {"allow_anonymous": true},
    "sources": [{"name": "pas", "type": "mllp-hl7v2", "listen": "127.0.0.1:0", "profiles": {"declared": true, "require": [")" +
                           kUk + R"(UKCore-Patient"]}}], "destinations": [{"name": "store", "type": "fhir-store"}],
    "routes": [{"name": "all", "destinations": ["store"]}], "unmatched": {"destinations": ["store"]})";
  node::NodeConfig c = node::parse_config(base + R"(, "conformance": {"igs": ["tests/data/uk-core"]}})", plugins::builtin());
  REQUIRE(c.sources.size() == 1);
  CHECK(c.sources[0].profiles.declared);
  CHECK(c.sources[0].profiles.require == std::vector<std::string>{kUk + "UKCore-Patient"});
  CHECK(c.conformance_igs == std::vector<std::string>{"tests/data/uk-core"});
  CHECK_THROWS_AS(node::parse_config(base + "}", plugins::builtin()), node::ConfigError);
}
