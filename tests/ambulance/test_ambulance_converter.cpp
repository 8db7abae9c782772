// The ambulance ePR converter over the corpus in tests/data/ambulance (two vendors' shapes, one
// JSON, one XML): the resources made, their codes and values, every Bundle valid against the R4
// validator and the conformance gate, unknown fields reported, malformed reports refused with
// their reason.
#include <doctest/doctest.h>

#include <algorithm>

#include "conformance/gate.hpp"
#include "fhir/codec.hpp"
#include "fhir/validator.hpp"
#include "fhirpath/fhirpath.hpp"
#include "fhirpath/invariants.hpp"
#include "node/caller.hpp"
#include "plugins/registry.hpp"
#include "tests/converters/bundle_checks.hpp"
#include "tests/fhir/test_support.hpp"
#include "tests/mapping/eval_support.hpp"
#include "tests/profiles/uk_core_support.hpp"

using namespace hidewire;
using Status = node::Conversion::Status;
using hw_test::Strings;
using hw_test::eval;

namespace {

struct Converted {
  node::Conversion conv;
  fhir::Node bundle;
  fhir::Diagnostics validation;
};

std::string errors(const fhir::Diagnostics& d) {
  std::string out;
  for (const fhir::Issue& i : d.issues())
    if (i.severity == fhir::Severity::Error || i.severity == fhir::Severity::Fatal) out += i.location + ": " + i.message + "\n";
  return out;
}

Converted convert_text(const std::string& text, const node::Caller* caller = nullptr) {
  static const auto conv = plugins::make_converter("ambulance");
  Converted c;
  node::MessageInfo info{"ambulance-epr", "ambulance", "2026-12-03T10:15:00Z", "", caller};
  c.conv = conv->convert(text, info);
  if (c.conv.status != Status::Converted) return c;
  hw_test::check_converted(c.conv.bundle_json, c.bundle, c.validation);
  return c;
}

Converted convert_file(const std::string& name) { return convert_text(hw_test::read_file(hw_test::data_path("ambulance/" + name))); }

// The value of the Observation coded `loinc_or_sct` in the first set (or the set's whole list).
Strings obs(const fhir::Node& b, const std::string& code, const std::string& what = "value.value") {
  return eval(b, "entry.resource.ofType(Observation).where(code.coding.code contains '" + code + "')." + what);
}

}  // namespace

TEST_CASE("every report of the corpus converts to a valid transaction Bundle") {
  int converted = 0;
  Strings files = hw_test::files_in("ambulance", ".json"), xml = hw_test::files_in("ambulance", ".xml");
  files.insert(files.end(), xml.begin(), xml.end());
  for (const std::string& f : files) {
    if (f.find("bad_") != std::string::npos || f.find("truncated") != std::string::npos) continue;
    CAPTURE(f);
    Converted c = convert_text(hw_test::read_file(f));
    REQUIRE_MESSAGE(c.conv.status == Status::Converted, errors(c.conv.diagnostics));
    CHECK_MESSAGE(c.validation.error_count() == 0, errors(c.validation));
    // And against UK Core: each resource's meta.profile (the vital signs, ACVPU, NEWS2) and the
    // UK Core encounter transport extension.
    fhir::Diagnostics uk;
    profiles::validate_profiles(c.bundle, {}, hw_test::uk_core(), uk);
    CHECK_MESSAGE(uk.error_count() == 0, errors(uk));
    CHECK(eval(c.bundle, "type") == Strings{"transaction"});
    CHECK(eval(c.bundle, "entry.resource.ofType(Encounter).class.code") == Strings{"EMER"});
    CHECK(eval(c.bundle, "entry.resource.ofType(Provenance).entity.what.identifier.value") == Strings{c.conv.control_id});
    CHECK(c.conv.sender == "RX9");
    CHECK(eval(c.bundle, "entry.where(fullUrl.startsWith('urn:uuid:') and fullUrl.length() = 45).count()") ==
          eval(c.bundle, "entry.count()"));
    // Every resource but the Provenance and the service's Organization is about the patient.
    CHECK(eval(c.bundle, "entry.resource.where((ofType(Observation) or ofType(Condition) or ofType(Flag) or ofType(Encounter)) "
                         "and subject.reference.empty()).count()") == Strings{"0"});
    ++converted;
  }
  CHECK(converted == 5);
}

TEST_CASE("NEWS2 of 7 (JSON vendor): vital signs as UK Core and R4 code them, the total with its parts") {
  Converted c = convert_file("clinix_sepsis_news7.json");
  REQUIRE_MESSAGE(c.conv.status == Status::Converted, errors(c.conv.diagnostics));
  const fhir::Node& b = c.bundle;
  CHECK(c.conv.nhs_number == "6260181590");
  CHECK(c.conv.event == "ePR^handover");
  CHECK(eval(b, "entry.where(resource is Patient).request.ifNoneExist") == Strings{"identifier=https://fhir.nhs.uk/Id/nhs-number|6260181590"});
  CHECK(eval(b, "entry.resource.ofType(Patient).name.family") == Strings{"Hargreaves"});
  CHECK(eval(b, "entry.resource.ofType(Patient).gender") == Strings{"female"});
  CHECK(eval(b, "entry.resource.ofType(Patient).address.postalCode") == Strings{"NG9 1EJ"});
  // Two observation sets: each parameter twice.
  CHECK(obs(b, "9279-1") == Strings{"24", "22"});
  CHECK(obs(b, "2708-6") == Strings{"94", "96"});  // UK Core: one LOINC coding, 2708-6 (docs/AMBULANCE.md)
  CHECK(obs(b, "2708-6", "value.unit") == Strings{"percent", "percent"});
  CHECK(obs(b, "8867-4") == Strings{"105", "98"});
  CHECK(obs(b, "8310-5") == Strings{"38.4", "38.1"});
  CHECK(obs(b, "8310-5", "value.code") == Strings{"Cel", "Cel"});
  CHECK(obs(b, "85354-9", "component.where(code.coding.code contains '8480-6').value.value") == Strings{"98", "104"});
  CHECK(obs(b, "85354-9", "component.where(code.coding.code contains '8462-4').value.value") == Strings{"58", "62"});
  CHECK(obs(b, "9279-1", "category.coding.code") == Strings{"vital-signs", "vital-signs"});
  CHECK(obs(b, "9279-1", "meta.profile").front() == "https://fhir.hl7.org.uk/StructureDefinition/UKCore-Observation-VitalSigns-RespirationRate");
  CHECK(obs(b, "1104441000000107", "value.coding.code") == Strings{"248234008", "248234008"});
  CHECK(obs(b, "722742002", "status") == Strings{"final"});  // breathing room air, then on oxygen
  CHECK(obs(b, "371825009", "status") == Strings{"final"});
  CHECK(obs(b, "1104051000000101") == Strings{"7", "7"});
  // The total names its seven parts and carries each parameter's points.
  CHECK(obs(b, "1104051000000101", "select(hasMember.count())") == Strings{"7", "7"});
  Strings points = obs(b, "1104051000000101", "component.value.value");
  CHECK(points == Strings{"2", "1", "1", "1", "2", "0", "0", "2", "0", "1", "1", "1", "0", "2"});
  CHECK(obs(b, "1104051000000101", "component.code.coding.code").front() == "1104301000000104");  // respiration rate score
  CHECK(obs(b, "9279-1", "encounter.reference") == obs(b, "8867-4", "encounter.reference"));
  // Encounter: the incident's times, the crew, the receiving hospital.
  CHECK(eval(b, "entry.resource.ofType(Encounter).identifier.value") == Strings{"EM-261203-0042"});
  CHECK(eval(b, "entry.resource.ofType(Encounter).period.start") == Strings{"2026-12-03T08:41:12Z"});
  CHECK(eval(b, "entry.resource.ofType(Encounter).period.end") == Strings{"2026-12-03T10:06:00Z"});
  CHECK(eval(b, "entry.resource.ofType(Encounter).hospitalization.destination.identifier.value") == Strings{"RX1"});
  CHECK(eval(b, "entry.resource.ofType(Encounter).hospitalization.dischargeDisposition.coding.code") == Strings{"conveyed-ed"});
  CHECK(eval(b, "entry.resource.ofType(Encounter).location.period.start") == Strings{"2026-12-03T08:58:05Z", "2026-12-03T09:49:20Z"});
  CHECK(eval(b, "entry.resource.ofType(Encounter).extension.extension.where(url = 'transportPeriod').value.end") ==
        Strings{"2026-12-03T09:49:20Z"});
  CHECK(eval(b, "entry.resource.ofType(Encounter).participant.period.start") == Strings{"2026-12-03T08:43:30Z", "2026-12-03T08:43:30Z"});
  CHECK(eval(b, "entry.resource.ofType(Encounter).serviceProvider.reference") ==
        eval(b, "entry.where(resource.ofType(Organization).identifier.value = 'RX9').fullUrl"));
  CHECK(eval(b, "entry.resource.ofType(Practitioner).identifier.where(system = 'https://www.hcpc-uk.org/registration').value") ==
        Strings{"PA123456"});
  // Working impression: coded as the ePR coded it, provisional.
  CHECK(eval(b, "entry.resource.ofType(Condition).code.coding.code") == Strings{"91302008"});
  CHECK(eval(b, "entry.resource.ofType(Condition).verificationStatus.coding.code") == Strings{"provisional"});
  CHECK(eval(b, "entry.resource.ofType(Encounter).diagnosis.condition.reference") == eval(b, "entry.where(resource is Condition).fullUrl"));
  // Medications given: dose, UCUM unit, route, time.
  CHECK(eval(b, "entry.resource.ofType(MedicationAdministration).dosage.dose.value") == Strings{"1", "15"});
  CHECK(eval(b, "entry.resource.ofType(MedicationAdministration).dosage.dose.code") == Strings{"g", "L/min"});
  CHECK(eval(b, "entry.resource.ofType(MedicationAdministration).dosage.route.coding.code") == Strings{"47625008", "447694001"});
  CHECK(eval(b, "entry.resource.ofType(MedicationAdministration).effective") == Strings{"2026-12-03T09:15:00Z", "2026-12-03T09:20:00Z"});
  CHECK(eval(b, "entry.resource.ofType(Flag).count()") == Strings{"0"});
  // Unknown fields are reported, fields ignored on purpose are not.
  CHECK(c.conv.unmapped == Strings{"incident/amdsCode", "patient/religion"});
}

TEST_CASE("cardiac arrest (XML vendor): adrenaline and amiodarone given intraosseously, UK local times") {
  Converted c = convert_file("medaxis_cardiac_arrest.xml");
  REQUIRE_MESSAGE(c.conv.status == Status::Converted, errors(c.conv.diagnostics));
  const fhir::Node& b = c.bundle;
  CHECK(c.conv.nhs_number == "4830166134");
  CHECK(eval(b, "entry.resource.ofType(Patient).birthDate") == Strings{"1959-09-22"});
  CHECK(eval(b, "entry.resource.ofType(Patient).gender") == Strings{"male"});
  CHECK(eval(b, "entry.resource.ofType(Encounter).period.start") == Strings{"2026-12-03T06:12:40+00:00"});
  CHECK(eval(b, "entry.resource.ofType(Encounter).hospitalization.destination.identifier.value") == Strings{"RK5"});
  CHECK(eval(b, "entry.resource.ofType(Encounter).hospitalization.destination.display") == Strings{"King's Mill Hospital, Sutton-in-Ashfield"});
  CHECK(eval(b, "entry.resource.ofType(MedicationAdministration).medication.text") ==
        Strings{"Adrenaline 1 mg/10 mL (1 in 10,000)", "Amiodarone 300 mg/10 mL", "Adrenaline 1 mg/10 mL (1 in 10,000)"});
  CHECK(eval(b, "entry.resource.ofType(MedicationAdministration).dosage.dose.value") == Strings{"1", "300", "1"});
  CHECK(eval(b, "entry.resource.ofType(MedicationAdministration).dosage.route.coding.code") == Strings{"60213007", "60213007", "60213007"});
  CHECK(eval(b, "entry.resource.ofType(MedicationAdministration).effective").front() == "2026-12-03T06:27:00+00:00");
  CHECK(eval(b, "entry.resource.ofType(MedicationAdministration).performer.actor.reference").front() ==
        eval(b, "entry.where(resource.ofType(Practitioner).identifier.value contains 'E30044').fullUrl").front());
  // Free-text working diagnosis: carried as text, never force-coded.
  CHECK(eval(b, "entry.resource.ofType(Condition).code.coding.count()") == Strings{"0"});
  CHECK(eval(b, "entry.resource.ofType(Condition).code.text") == Strings{"Out of hospital cardiac arrest, witnessed, VF; ROSC after 3 shocks"});
  CHECK(obs(b, "1104441000000107", "value.coding.code") == Strings{"422768004"});  // unresponsive
  CHECK(obs(b, "1104051000000101") == Strings{"10"});
  CHECK(c.conv.unmapped.empty());
  CHECK(!c.conv.diagnostics.has_errors());
}

TEST_CASE("a patient without an NHS number is recorded under the service's own id, never keyed to someone else") {
  Converted c = convert_file("medaxis_no_nhs_number.xml");
  REQUIRE_MESSAGE(c.conv.status == Status::Converted, errors(c.conv.diagnostics));
  CHECK(c.conv.nhs_number.empty());
  CHECK(eval(c.bundle, "entry.resource.ofType(Patient).identifier.system") == Strings{"urn:hidewire:identifier:ambulance-patient:RX9"});
  CHECK(eval(c.bundle, "entry.resource.ofType(Patient).identifier.value") == Strings{"MX-PT-55177"});
  CHECK(eval(c.bundle, "entry.where(resource is Patient).request.ifNoneExist") ==
        Strings{"identifier=urn:hidewire:identifier:ambulance-patient:RX9|MX-PT-55177"});
  CHECK(obs(c.bundle, "1104441000000107", "value.coding.code") == Strings{"130987000"});  // new confusion
  CHECK(obs(c.bundle, "1104051000000101") == Strings{"6"});
}

TEST_CASE("non-conveyance: no destination, its own event, the outcome kept") {
  Converted c = convert_file("clinix_non_conveyance.json");
  REQUIRE_MESSAGE(c.conv.status == Status::Converted, errors(c.conv.diagnostics));
  CHECK(c.conv.event == "ePR^non-conveyance");
  CHECK(eval(c.bundle, "entry.resource.ofType(Encounter).hospitalization.destination.count()") == Strings{"0"});
  CHECK(eval(c.bundle, "entry.resource.ofType(Encounter).hospitalization.dischargeDisposition.coding.code") == Strings{"see-and-treat"});
  CHECK(eval(c.bundle, "entry.resource.ofType(Encounter).period.end") == Strings{"2026-12-03T14:50:00Z"});
  CHECK(eval(c.bundle, "entry.resource.ofType(Encounter).status") == Strings{"finished"});
  CHECK(obs(c.bundle, "1104051000000101") == Strings{"0"});
}

TEST_CASE("a safeguarding concern is a Flag on the child's record; a child's set has no NEWS2 total") {
  Converted c = convert_file("clinix_safeguarding_child.json");
  REQUIRE_MESSAGE(c.conv.status == Status::Converted, errors(c.conv.diagnostics));
  const fhir::Node& b = c.bundle;
  CHECK(eval(b, "entry.resource.ofType(Flag).status") == Strings{"active"});
  CHECK(eval(b, "entry.resource.ofType(Flag).category.coding.code") == Strings{"safety"});
  CHECK(eval(b, "entry.resource.ofType(Flag).code.coding.code") == Strings{"child"});
  CHECK(eval(b, "entry.resource.ofType(Flag).code.text") ==
        Strings{"Delay of about 6 hours in calling; account of the injury changed between carers (safeguarding referral made)"});
  CHECK(eval(b, "entry.resource.ofType(Flag).subject.reference") == eval(b, "entry.where(resource is Patient).fullUrl"));
  CHECK(obs(b, "1104051000000101").empty());
  CHECK(obs(b, "8867-4") == Strings{"140"});
  CHECK(eval(b, "entry.resource.ofType(MedicationAdministration).dosage.route.coding.code") == Strings{"26643006"});
}

TEST_CASE("malformed reports are refused with a clear reason") {
  Converted truncated = convert_file("clinix_truncated.json");
  CHECK(truncated.conv.status == Status::Unreadable);
  CHECK(errors(truncated.conv.diagnostics).find("not JSON") != std::string::npos);

  Converted bad_nhs = convert_file("clinix_bad_nhs_number.json");
  CHECK(bad_nhs.conv.status == Status::Refused);
  CHECK(errors(bad_nhs.conv.diagnostics).find("patient/nhsNumber: NHS number '4857773450'") != std::string::npos);

  Converted bad = convert_file("medaxis_bad_values.xml");
  CHECK(bad.conv.status == Status::Refused);
  std::string why = errors(bad.conv.diagnostics);
  CHECK(why.find("Incident/Times/OnScene: '31/13/2026 25:19' is not a date and time in the form dd/MM/yyyy HH:mm:ss") != std::string::npos);
  CHECK(why.find("VitalSigns/Set[1]/HR: pulse 'fast' is not a number") != std::string::npos);
  std::string all = fhir::to_operation_outcome_json(bad.conv.diagnostics);
  CHECK(all.find("differs from") == std::string::npos);  // a part that could not be scored is no disagreement

  CHECK(convert_text("MSH|^~\\&|not an ePR").conv.status == Status::Unreadable);
  Converted other = convert_text(R"({"resourceType": "Patient"})");
  CHECK(other.conv.status == Status::Refused);
  CHECK(errors(other.conv.diagnostics).find("not in the form of any configured ePR vendor") != std::string::npos);
  CHECK(convert_text("<PatientCareRecord><Header>").conv.status == Status::Unreadable);
}

TEST_CASE("a sender may only send reports of its own ambulance service") {
  node::Caller wmas;
  wmas.kind = node::Caller::Kind::System;
  wmas.id = "wmas-epr";
  wmas.ods_code = "RYA";
  Converted c = convert_text(hw_test::read_file(hw_test::data_path("ambulance/clinix_sepsis_news7.json")), &wmas);
  CHECK(c.conv.status == Status::Refused);
  CHECK(errors(c.conv.diagnostics).find("names ambulance service 'RX9'") != std::string::npos);
  node::Caller emas = wmas;
  emas.ods_code = "RX9";
  Converted ok = convert_text(hw_test::read_file(hw_test::data_path("ambulance/clinix_sepsis_news7.json")), &emas);
  REQUIRE(ok.conv.status == Status::Converted);
  CHECK(eval(ok.bundle, "entry.resource.ofType(Provenance).agent.onBehalfOf.identifier.value") == Strings{"RX9"});
}

TEST_CASE("a corrected report sent again updates the first one's records instead of adding to them") {
  std::string first = hw_test::read_file(hw_test::data_path("ambulance/clinix_sepsis_news7.json"));
  std::string corrected = first;
  corrected.replace(corrected.find("\"pulse\": 105"), 12, "\"pulse\": 108");
  Converted a = convert_text(first), b = convert_text(corrected);
  REQUIRE(a.conv.status == Status::Converted);
  REQUIRE(b.conv.status == Status::Converted);
  CHECK(a.conv.control_id != b.conv.control_id);  // another message...
  // ...keyed to the same records: every entry but the Provenance has the same conditional URL.
  const std::string key = "entry.where((resource is Provenance).not())"
                          ".select(request.method & ' ' & request.url & iif(request.ifNoneExist.exists(), ' ' & request.ifNoneExist, ''))";
  Strings keys = eval(a.bundle, key);
  CHECK(keys == eval(b.bundle, key));
  CHECK(std::none_of(keys.begin(), keys.end(), [](const std::string& k) { return k.rfind("POST Observation", 0) == 0 && k.find('|') == std::string::npos; }));
  CHECK(std::count_if(keys.begin(), keys.end(), [](const std::string& k) { return k.find("Observation?identifier=") != std::string::npos; }) == 16);
  CHECK(obs(b.bundle, "8867-4") == Strings{"108", "98"});
}
