// The sending organisation comes from the credential, in the converters: HL7 v2 MSH-4 must name
// the caller's organisation (ODS code or a configured facility), a FHIR Provenance agent naming
// another organisation is refused, the Provenance a converter writes names the caller's
// organisation, and a replay converts as the journalled caller.
#include <doctest/doctest.h>

#include "conformance/gate.hpp"
#include "node/caller_json.hpp"
#include "node/converter.hpp"
#include "node/group_journal.hpp"
#include "node/intake.hpp"
#include "plugins/registry.hpp"
#include "tests/plugins/sender_test_support.hpp"

using namespace hidewire;

namespace {

std::string adt(const std::string& msh4) {
  return "MSH|^~\\&|PAS|" + msh4 +
         "|HIDEWIRE|RXX|20261202101500||ADT^A01^ADT_A01|CHK-1|P|2.5.1\rEVN|A01|20261202101500\r"
         "PID|1||9434765919^^^NHS^NH||SMITH^JANE||19800101|F\rPV1|1|I|WARD1^^^RXX\r";
}

node::Caller gp_peer() {
  node::Caller c;
  c.kind = node::Caller::Kind::Peer;
  c.id = "gp-system";
  c.ods_code = "A81001";
  return c;
}

node::MessageInfo info_for(const node::Caller* caller, const std::string& format) {
  return node::MessageInfo{"test", format, "2026-12-02T10:15:00Z", "", caller};
}

const fhir::Issue* error_at(const node::Conversion& c, const std::string& location) {
  for (const fhir::Issue& i : c.diagnostics.issues())
    if (i.location == location && i.severity == fhir::Severity::Error) return &i;
  return nullptr;
}

const char* kOnBehalfOfRxx =
    R"("onBehalfOf":{"type":"Organization","identifier":{"system":"https://fhir.nhs.uk/Id/ods-organization-code","value":"RXX"}})";

}  // namespace

TEST_CASE("HL7 v2: MSH-4 must name the caller's organisation, by ODS code or facility, in any case; empty is fine") {
  auto v2 = plugins::make_converter("hl7v2");
  node::Caller pas = hw_test::pas_system();
  struct Row {
    std::string msh4;
    bool accepted;
  };
  for (const Row& r : {Row{"RXX", true}, Row{"rxx", true}, Row{"ROYAL_INFIRMARY", true}, Row{"WARD^RXX^L", true},
                       Row{"", true}, Row{"A81001", false}, Row{"RX9^RX9^L", false}, Row{"RXXX", false}}) {
    CAPTURE(r.msh4);
    node::Conversion c = v2->convert(adt(r.msh4), info_for(&pas, "hl7v2"));
    CHECK((c.status == node::Conversion::Status::Converted) == r.accepted);
    if (r.accepted) continue;
    const fhir::Issue* e = error_at(c, "MSH-4");
    REQUIRE(e);
    CHECK(e->message.find(r.msh4.substr(0, r.msh4.find('^'))) != std::string::npos);  // what MSH-4 named
    CHECK(e->message.find("RXX") != std::string::npos);                                 // and the caller's
    CHECK(c.control_id == "CHK-1");  // still known: journalled, resends recognised
  }
  // Anonymous (development): nothing to check against.
  node::Caller anonymous;
  CHECK(v2->convert(adt("A81001"), info_for(&anonymous, "hl7v2")).status == node::Conversion::Status::Converted);
  CHECK(v2->convert(adt("A81001"), info_for(nullptr, "hl7v2")).status == node::Conversion::Status::Converted);
}

TEST_CASE("the Provenance the converters write names the caller's organisation as onBehalfOf, and passes the gate") {
  node::Caller pas = hw_test::pas_system();
  node::Conversion v2 = plugins::make_converter("hl7v2")->convert(adt("RXX"), info_for(&pas, "hl7v2"));
  REQUIRE(v2.status == node::Conversion::Status::Converted);
  CHECK(v2.bundle_json.find(kOnBehalfOfRxx) != std::string::npos);
  CHECK_FALSE(conformance::check(v2.bundle_json).has_errors());
  std::string patient = R"({"resourceType":"Patient","identifier":[{"system":"https://fhir.nhs.uk/Id/nhs-number","value":"9000000009"}]})";
  node::Conversion f = plugins::make_converter("fhir")->convert(patient, info_for(&pas, "fhir"));
  REQUIRE(f.status == node::Conversion::Status::Converted);
  CHECK(f.bundle_json.find(kOnBehalfOfRxx) != std::string::npos);
  CHECK_FALSE(conformance::check(f.bundle_json).has_errors());
  // Without a known caller, no organisation is claimed.
  node::Caller anonymous;
  CHECK(plugins::make_converter("fhir")->convert(patient, info_for(&anonymous, "fhir")).bundle_json.find("onBehalfOf") == std::string::npos);
}

TEST_CASE("FHIR: a Provenance agent naming another organisation, by identifier or by an Organization in the Bundle, is refused") {
  auto conv = plugins::make_converter("fhir");
  node::Caller gp = gp_peer();
  auto bundle = [](const std::string& agent, const std::string& org_ods) {
    return R"({"resourceType":"Bundle","type":"transaction","entry":[)"
           R"({"fullUrl":"urn:uuid:3d4e5f60-7182-4c9d-8e0f-1a2b3c4d5e6f","resource":{"resourceType":"Organization","identifier":[)"
           R"({"system":"https://fhir.nhs.uk/Id/ods-organization-code","value":")" + org_ods + R"("}]},)"
           R"("request":{"method":"PUT","url":"Organization?identifier=https://fhir.nhs.uk/Id/ods-organization-code|)" + org_ods + R"("}},)"
           R"({"fullUrl":"urn:uuid:4e5f6071-8293-4d0e-9f1a-2b3c4d5e6f70","resource":{"resourceType":"Provenance",)"
           R"("target":[{"reference":"urn:uuid:3d4e5f60-7182-4c9d-8e0f-1a2b3c4d5e6f"}],"recorded":"2026-12-02T10:15:00Z","agent":[)" +
           agent + R"(]},"request":{"method":"POST","url":"Provenance"}}]})";
  };
  std::string by_id_other = R"({"who":{"identifier":{"system":"https://fhir.nhs.uk/Id/ods-organization-code","value":"RXX"}}})";
  std::string by_id_own = R"({"who":{"identifier":{"system":"https://fhir.nhs.uk/Id/ods-organization-code","value":"a81001"}}})";
  std::string by_ref = R"({"who":{"display":"GP system"}},{"who":{"display":"clerk"},"onBehalfOf":{"reference":"urn:uuid:3d4e5f60-7182-4c9d-8e0f-1a2b3c4d5e6f"}})";

  node::Conversion forged = conv->convert(bundle(by_id_other, "A81001"), info_for(&gp, "fhir"));
  CHECK(forged.status == node::Conversion::Status::Refused);
  const fhir::Issue* e = error_at(forged, "Bundle.entry[1].resource.agent[0].who");
  REQUIRE(e);
  CHECK(e->message.find("RXX") != std::string::npos);
  CHECK(e->message.find("A81001") != std::string::npos);

  CHECK(conv->convert(bundle(by_id_own, "A81001"), info_for(&gp, "fhir")).status == node::Conversion::Status::Converted);
  CHECK(conv->convert(bundle(by_ref, "A81001"), info_for(&gp, "fhir")).status == node::Conversion::Status::Converted);
  node::Conversion via_org = conv->convert(bundle(by_ref, "RX9"), info_for(&gp, "fhir"));
  CHECK(via_org.status == node::Conversion::Status::Refused);
  CHECK(error_at(via_org, "Bundle.entry[1].resource.agent[1].onBehalfOf"));
  // A single Provenance resource is checked too.
  std::string single = R"({"resourceType":"Provenance","target":[{"reference":"Patient/p1"}],"recorded":"2026-12-02T10:15:00Z","agent":[)" +
                       by_id_other + "]}";
  CHECK(error_at(conv->convert(single, info_for(&gp, "fhir")), "Provenance.agent[0].who"));
}

TEST_CASE("replay converts a journalled message as the caller journalled with it") {
  hw_test::Node n;
  node::JournalEntry e;
  e.channel = "pas-mllp";
  e.format = "hl7v2";
  e.raw = adt("RXX");
  e.caller = node::caller_json(hw_test::pas_system());
  CHECK(n.intake->reconvert(e).status == node::Conversion::Status::Converted);
  e.caller = node::caller_json(gp_peer());  // the same message journalled as from the GP practice
  node::Conversion c = n.intake->reconvert(e);
  CHECK(c.status == node::Conversion::Status::Refused);
  CHECK(error_at(c, "MSH-4"));
  e.caller.clear();  // journalled before callers were: anonymous, as it was taken then
  CHECK(n.intake->reconvert(e).status == node::Conversion::Status::Converted);
}
