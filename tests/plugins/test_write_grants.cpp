// A sender writes only the resource types its credential grants, whatever the source and the
// converter: a pathology system granted results (Observation, DiagnosticReport, Patient,
// Specimen, ServiceRequest) sends an ORU^R01 (AA) and an ADT^A01, whose Encounter it may not
// write (AE with an ERR naming the type and the credential, journalled as rejected, replayable
// once the grant is fixed). The Provenance a converter writes for the message needs no grant; a
// sender's own Provenance does.
#include <doctest/doctest.h>

#include <chrono>
#include <fstream>

#include "fhir/codec.hpp"
#include "fhir/schema.hpp"
#include "hl7v2/message.hpp"
#include "net/mllp/client.hpp"
#include "node/caller_json.hpp"
#include "node/intake_grants.hpp"
#include "tests/plugins/sender_test_support.hpp"

using namespace hidewire;
using namespace std::chrono_literals;

namespace {

// Full blood count from WinPath at Northshire pathology (RR8); no PV1, so no Encounter.
std::string oru(const std::string& control_id) {
  return "MSH|^~\\&|WINPATH|RR8|HIDEWIRE|RR8|20261202093000||ORU^R01^ORU_R01|" + control_id +
         "|P|2.5.1\rPID|1||9434765919^^^NHS^NH||SMITH^MARGARET^ANN||19410302|F\rORC|RE|ORD-7101|LAB-7101\r"
         "OBR|1|ORD-7101|LAB-7101|FBC^Full blood count^LOCAL|||20261202080000||||||||||||||||||F\r"
         "OBX|1|NM|718-7^Haemoglobin^LN||121|g/L|115-165|N|||F|||20261202080000\r";
}

// An admission: Patient and Encounter (PV1), which a lab system is not granted.
std::string adt(const std::string& control_id) {
  return "MSH|^~\\&|WINPATH|RR8|HIDEWIRE|RR8|20261202101500||ADT^A01^ADT_A01|" + control_id +
         "|P|2.5.1\rEVN|A01|20261202101500\rPID|1||9434765919^^^NHS^NH||SMITH^MARGARET^ANN||19410302|F\r"
         "PV1|1|I|RR8W07^Bed 12^Ward 7^RR8\r";
}

node::MessageInfo info_for(const node::Caller* caller, const std::string& format) {
  return node::MessageInfo{"lims-mllp", format, "2026-12-02T10:15:00Z", "", caller};
}

const fhir::Issue* grant_error(const node::Conversion& c) {
  for (const fhir::Issue& i : c.diagnostics.issues())
    if (i.key == "write-types" && i.severity == fhir::Severity::Error) return &i;
  return nullptr;
}

std::string msa_code(const std::string& ack) {
  hl7v2::ParseError err;
  auto m = hl7v2::parse(ack, err);
  REQUIRE_MESSAGE(m, err.message);
  for (const auto& s : m->segments)
    if (s.name == "MSA") return std::string(s.field(1));
  return "";
}

std::uint16_t port_of(const node::Source& s) {
  std::string d = s.describe();
  return static_cast<std::uint16_t>(std::stoi(d.substr(d.rfind(':') + 1)));
}

const char* kPatient = R"({"resourceType":"Patient","identifier":[{"system":"https://fhir.nhs.uk/Id/nhs-number","value":"9449306613"}],)"
                       R"("name":[{"family":"JONES","given":["OWEN"]}],"birthDate":"1975-06-30"})";

// A transaction with a Patient and a Provenance the sender wrote itself, about its own
// organisation; `entity` is the Provenance's entity element (empty: none).
std::string bundle_with_provenance(const std::string& entity) {
  return R"({"resourceType":"Bundle","type":"transaction","entry":[{"fullUrl":"urn:uuid:8a1d2c3e-0b4f-4e5a-9c6d-7e8f9a0b1c2d","resource":)" +
         std::string(kPatient) +
         R"(,"request":{"method":"PUT","url":"Patient?identifier=https://fhir.nhs.uk/Id/nhs-number|9449306613"}},)"
         R"({"fullUrl":"urn:uuid:2c3d4e5f-6071-4b8c-9d0e-1f2a3b4c5d6e","resource":{"resourceType":"Provenance",)"
         R"("target":[{"reference":"urn:uuid:8a1d2c3e-0b4f-4e5a-9c6d-7e8f9a0b1c2d"}],"recorded":"2026-12-02T10:15:00Z",)"
         R"("agent":[{"who":{"display":"WinPath at RR8"}}])" + entity + R"(},"request":{"method":"POST","url":"Provenance"}}]})";
}

}  // namespace

TEST_CASE("intake: results from a lab granted them are converted; an admission's Encounter is refused, naming the type and the credential") {
  hw_test::Node n;
  node::Caller lab = hw_test::lab_system();
  node::Conversion results = n.intake->convert(oru("LAB-90211"), info_for(&lab, "hl7v2"));
  CHECK_MESSAGE(results.status == node::Conversion::Status::Converted, results.diagnostics.issues().front().message);
  CHECK(results.bundle_json.find("\"Provenance\"") != std::string::npos);  // its own record: no grant needed

  node::Conversion admission = n.intake->convert(adt("LAB-90212"), info_for(&lab, "hl7v2"));
  CHECK(admission.status == node::Conversion::Status::Refused);
  CHECK(admission.bundle_json.empty());
  CHECK(admission.control_id == "LAB-90212");  // still known: journalled, resends recognised
  const fhir::Issue* e = grant_error(admission);
  REQUIRE(e);
  CHECK(e->code == "forbidden");
  CHECK_MESSAGE(e->message.find("Encounter (Bundle.entry[1])") != std::string::npos, e->message);
  CHECK(e->message.find("system lims (RR8)") != std::string::npos);
  CHECK(e->message.find("Patient") == std::string::npos);     // granted types are not named
  CHECK(e->message.find("9434765919") == std::string::npos);  // nor anything of the content

  // Granted "*" or anonymous (development): nothing to check.
  node::Caller any = lab;
  any.write_types = {"*"};
  CHECK(n.intake->convert(adt("LAB-90213"), info_for(&any, "hl7v2")).status == node::Conversion::Status::Converted);
  node::Caller anonymous;
  CHECK(n.intake->convert(adt("LAB-90214"), info_for(&anonymous, "hl7v2")).status == node::Conversion::Status::Converted);
  CHECK(n.intake->convert(adt("LAB-90215"), info_for(nullptr, "hl7v2")).status == node::Conversion::Status::Converted);
}

TEST_CASE("intake: each type not granted is named once, at its first entry; the message's own Provenance is not one of them") {
  auto v2 = plugins::make_converter("hl7v2");
  node::Caller clerk = hw_test::lab_system();
  clerk.write_types = {"Encounter"};
  node::Conversion c = v2->convert(oru("LAB-90216"), info_for(&clerk, "hl7v2"));
  REQUIRE(c.status == node::Conversion::Status::Converted);
  fhir::Node bundle;
  fhir::Diagnostics d;
  REQUIRE(fhir::parse_json(c.bundle_json, fhir::Schema::r4(), bundle, d));
  std::vector<node::UngrantedEntry> no = node::ungranted_types(bundle, clerk, c.control_id);
  REQUIRE(no.size() == 3);
  CHECK(no[0].type == "Patient");
  CHECK(no[0].index == 0);
  CHECK(no[1].type == "DiagnosticReport");
  CHECK(no[2].type == "Observation");
  // The same Provenance read as recording another message is the sender's content, and needs a grant.
  std::vector<node::UngrantedEntry> other = node::ungranted_types(bundle, clerk, "LAB-00001");
  REQUIRE(other.size() == 4);
  CHECK(other[3].type == "Provenance");
  CHECK(other[3].index == 3);
}

TEST_CASE("intake: a FHIR resource needs only its own type; a sender's own Provenance in a Bundle needs the Provenance grant") {
  hw_test::Node n;
  node::Caller epr = hw_test::lab_system();
  epr.write_types = {"Patient"};
  node::Conversion single = n.intake->convert(kPatient, info_for(&epr, "fhir"));
  CHECK(single.status == node::Conversion::Status::Converted);  // the converter's Provenance names the body's SHA-256

  node::Conversion own = n.intake->convert(bundle_with_provenance(""), info_for(&epr, "fhir"));
  CHECK(own.status == node::Conversion::Status::Refused);
  REQUIRE(grant_error(own));
  CHECK(grant_error(own)->message.find("Provenance (Bundle.entry[1])") != std::string::npos);
  // Dressed as the node's record of a message: still the sender's, since no body can carry its own hash.
  std::string dressed = R"(,"entity":[{"role":"source","what":{"identifier":{"system":"urn:hidewire:message-sha256","value":"sha256:00"}}}])";
  CHECK(grant_error(n.intake->convert(bundle_with_provenance(dressed), info_for(&epr, "fhir"))));
  epr.write_types.push_back("Provenance");
  CHECK(n.intake->convert(bundle_with_provenance(""), info_for(&epr, "fhir")).status == node::Conversion::Status::Converted);
}

TEST_CASE("replay: a message refused for its types converts with the grants the credential has now") {
  hw_test::Node n;
  node::JournalEntry e;
  e.channel = "lims-mllp";
  e.format = "hl7v2";
  e.raw = adt("LAB-90217");
  e.caller = node::caller_json(hw_test::lab_system());  // the journal keeps who sent, not their grants
  CHECK(grant_error(n.intake->reconvert(e)));
  n.grants["lims"].push_back("Encounter");  // the configuration fixed, the node restarted
  CHECK(n.intake->reconvert(e).status == node::Conversion::Status::Converted);
  n.grants.erase("lims");  // a credential no longer configured is granted nothing
  CHECK(grant_error(n.intake->reconvert(e)));
}

TEST_CASE("configured_write_types: a system by name, a peer by ODS code, nothing for a credential not configured") {
  node::AuthConfig auth;
  auth.systems.push_back({"lims", "RR8", "acute-trust", "", "winpath", {}, {}, {"Observation", "DiagnosticReport"}, {}});
  auth.peers.push_back({"A81001", "gp-practice", {}, false, {}, {"Observation"}});
  node::Caller lab = hw_test::lab_system();
  CHECK(node::configured_write_types(auth, lab) == std::vector<std::string>{"Observation", "DiagnosticReport"});
  node::Caller gp;
  gp.kind = node::Caller::Kind::Peer;
  gp.id = gp.ods_code = "A81001";
  CHECK(node::configured_write_types(auth, gp) == std::vector<std::string>{"Observation"});
  lab.id = "retired-lims";
  CHECK(node::configured_write_types(auth, lab).empty());
  gp.kind = node::Caller::Kind::System;  // a system is not found by a peer's ODS code
  CHECK(node::configured_write_types(auth, gp).empty());
}

TEST_CASE("MLLP as the lab's system: ORU^R01 AA; ADT^A01 AE with an ERR naming Encounter and the credential, journalled as rejected") {
  hw_test::Node n;
  node::Source& src = n.source("mllp-hl7v2", "lims-mllp", R"({"listen": "127.0.0.1:0", "system": "lims"})");
  mllp::Client c("127.0.0.1", port_of(src));
  CHECK(msa_code(c.send(oru("LAB-90218"))) == "AA");
  std::string ae = c.send(adt("LAB-90219"));
  CHECK(msa_code(ae) == "AE");
  CHECK_MESSAGE(ae.find("\rERR|") != std::string::npos, ae);
  CHECK_MESSAGE(ae.find("Encounter") != std::string::npos, ae);
  CHECK_MESSAGE(ae.find("system lims (RR8)") != std::string::npos, ae);
  CHECK(msa_code(c.send(oru("LAB-90220"))) == "AA");  // the connection goes on

  auto entries = n.journal->list("", 10);
  REQUIRE(entries.size() == 3);
  CHECK(entries[0].status == "accepted");
  CHECK(entries[1].status == "rejected");
  CHECK(entries[1].message_id == "LAB-90219");
  CHECK(entries[1].output.empty());
  CHECK(entries[1].reason.find("Encounter") != std::string::npos);
  CHECK(entries[1].ack == ae);  // a resend gets the same answer
  CHECK(node::caller_from_json(entries[1].caller).id == "lims");
  CHECK(msa_code(c.send(adt("LAB-90219"))) == "AE");
  CHECK(n.journal->count() == 3);  // the resend is not journalled twice
  CHECK(n.intake->channels().at("lims-mllp")->stats().rejected.load() == 1);
}

TEST_CASE("file drop of HL7 v2 as the lab's system: the admission is refused for its Encounter, journalled, moved to rejected/") {
  hw_test::Node n;
  std::filesystem::path dir = n.dir / "lims-drop";
  n.source("file-drop", "lims-files", R"({"directory": ")" + dir.string() + R"(", "poll_ms": 20, "system": "lims", "format": "hl7v2"})");
  std::ofstream(dir / "a01.hl7") << adt("LAB-90221");
  bool moved = false;
  for (int i = 0; i < 400 && !moved; ++i) {
    moved = std::filesystem::exists(dir / "rejected" / "a01.hl7");
    if (!moved) std::this_thread::sleep_for(20ms);
  }
  REQUIRE(moved);
  auto entries = n.journal->list("", 10);
  REQUIRE(entries.size() == 1);
  CHECK(entries[0].status == "rejected");
  CHECK(entries[0].reason.find("Encounter") != std::string::npos);
  CHECK(entries[0].reason.find("system lims (RR8)") != std::string::npos);
}
