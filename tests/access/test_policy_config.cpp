// The consent policy's settings, read from the `access` object of a node's config: each setting
// changes what the policy decides, and unknown keys or wrong types stop the start-up.
#include <doctest/doctest.h>

#include <rapidjson/document.h>

#include "node/config.hpp"
#include "node/config_reader.hpp"
#include "plugins/access/consent/consent_policy.hpp"
#include "plugins/registry.hpp"
#include "tests/access/policy_rows.hpp"

using namespace access_test;
using Result = hidewire::node::PatientDecision::Result;

namespace {

struct Built {
  std::vector<std::string> problems;
  std::unique_ptr<hidewire::node::AccessPolicy> policy;
};

Built build(const char* settings_json) {
  rapidjson::Document doc;
  doc.Parse(settings_json);
  REQUIRE_FALSE(doc.HasParseError());
  Built b;
  hidewire::node::AccessPolicyBuilder builder;
  {
    hidewire::node::ConfigReader r(&doc, "$.access", b.problems);
    r.claim("type");
    builder = hidewire::plugins::consent::factory(r);
  }  // unknown keys are reported here
  if (b.problems.empty()) b.policy = builder();
  return b;
}

Result decide(const hidewire::node::AccessPolicy& p, const Who& who, const PatientFacts& f) {
  return p.decide_patient(caller_of(who), f, "read").result;
}

}  // namespace

TEST_CASE("consent settings: defaults") {
  Built b = build(R"({"type":"consent"})");
  REQUIRE(b.problems.empty());
  CHECK(decide(*b.policy, kGp, edith({dissent()})) == Result::Allowed);                                    // GP full access
  CHECK(decide(*b.policy, kAeEmergency, edith()) == Result::Allowed);                                      // acute trust is an emergency kind
  CHECK(decide(*b.policy, with_reason(kAmbulance, "cardiac arrest"), edith({dissent()})) == Result::BreakGlass);
  CHECK(decide(*b.policy, with_role(kGp, "sensitive-records"), edith({}, true)) == Result::NotFound);      // no sensitive roles by default
}

TEST_CASE("consent settings: each one read and applied") {
  Built b = build(R"({"type":"consent","registered_gp_full_access":false,"emergency_kinds":["ambulance-service","nhs-111"],
                      "break_glass":{"allowed":true,"kinds":["acute-trust"],"purposes":["emergency"]},
                      "sensitive_roles":["sensitive-records"]})");
  REQUIRE(b.problems.empty());
  CHECK(decide(*b.policy, kGp, edith({dissent()})) == Result::NoConsent);
  CHECK(decide(*b.policy, kAeEmergency, edith()) == Result::NoRelationship);  // acute trust no longer an emergency kind
  CHECK(decide(*b.policy, with_reason(kAeEmergency, "unconscious"), edith()) == Result::BreakGlass);
  CHECK(decide(*b.policy, with_reason(kAmbulance, "cardiac arrest"), edith({dissent()})) == Result::NoConsent);  // not a break-glass kind
  CHECK(decide(*b.policy, with_role(kGp, "sensitive-records"), edith({}, true)) == Result::Allowed);
}

TEST_CASE("consent settings: break-glass off") {
  Built b = build(R"({"break_glass":{"allowed":false}})");
  REQUIRE(b.problems.empty());
  CHECK(decide(*b.policy, with_reason(kAmbulance, "cardiac arrest"), edith({dissent()})) == Result::NoConsent);
}

TEST_CASE("consent settings: unknown keys and wrong types refused, with their path") {
  auto has = [](const Built& b, const std::string& text) {
    for (const auto& p : b.problems)
      if (p.find(text) != std::string::npos) return true;
    return false;
  };
  Built unknown = build(R"({"holder_ods":"R1A","break_glass":{"allowed":true,"reason_required":false}})");
  CHECK(has(unknown, "$.access.holder_ods"));
  CHECK(has(unknown, "$.access.break_glass.reason_required"));
  Built wrong = build(R"({"registered_gp_full_access":"yes","sensitive_roles":"sensitive-records"})");
  CHECK(has(wrong, "$.access.registered_gp_full_access"));
  CHECK(has(wrong, "$.access.sensitive_roles"));
}

TEST_CASE("consent settings: registered as `consent` and read from a node's config") {
  const std::string base = R"({"node": {"name": "community-trust", "ods_code": "R1A"},
    "sources": [{"name": "pas", "type": "mllp-hl7v2", "listen": "127.0.0.1:2575"}],
    "destinations": [{"name": "store", "type": "fhir-store"}], "unmatched": {"destinations": ["store"]}, "access": )";
  auto c = hidewire::node::parse_config(base + R"({"type": "consent", "registered_gp_full_access": false}})", hidewire::plugins::builtin());
  REQUIRE(c.access);
  auto policy = c.access();
  CHECK(decide(*policy, kGp, edith({dissent()})) == Result::NoConsent);
  try {
    hidewire::node::parse_config(base + R"({"type": "consent", "holder_ods": "R1A"}})", hidewire::plugins::builtin());
    FAIL("an unknown consent setting was accepted");
  } catch (const hidewire::node::ConfigError& e) {
    bool named = false;
    for (const auto& p : e.problems) named = named || p.find("$.access.holder_ods") != std::string::npos;
    CHECK(named);
  }
}
