// A full GP record written for hidewire (tests/data/gpconnect-records/hargreaves_ten_years.json):
// ten years of consultations, problems linked to them and to each other, repeat medicines with
// their issues, results with a blood pressure panel, immunisations given and declined, a
// referral with its letter and appointment, an alert. Converted, gated, and stored.
#include <unistd.h>

#include <filesystem>

#include "plugins/stores/sqlite/fhir_store.hpp"
#include "tests/converters/stu3_support.hpp"

using namespace stu3_test;

namespace {

const Converted& record() {
  static const Converted c = convert(hw_test::read_file(hw_test::data_path("gpconnect-records/hargreaves_ten_years.json")));
  return c;
}

// The resource an entry's reference points at, by FHIRPath on the Bundle.
std::string at(const fhir::Node& b, const std::string& ref, const std::string& path) {
  return one(b, "Bundle.entry.where(fullUrl = '" + ref + "').resource." + path);
}

}  // namespace

TEST_CASE("the ten-year record converts whole and passes the conformance gate") {
  const Converted& c = record();
  REQUIRE_MESSAGE(c.conv.status == node::Conversion::Status::Converted, fhir::to_operation_outcome_json(c.conv.diagnostics));
  CHECK(c.conv.nhs_number == "9733001007");
  CHECK_MESSAGE(!c.gate.has_errors(), fhir::to_operation_outcome_json(c.gate));
  check_references_resolve(c);
  const fhir::Node& b = c.bundle;
  auto count = [&](const std::string& type) { return one(b, "Bundle.entry.resource.ofType(" + type + ").count()"); };
  CHECK(count("Patient") == "1");
  CHECK(count("Organization") == "2");
  CHECK(count("Encounter") == "5");
  CHECK(count("List") == "9");
  CHECK(count("Condition") == "3");
  CHECK(count("MedicationRequest") == "9");
  CHECK(count("MedicationStatement") == "3");
  CHECK(count("ServiceRequest") == "2");
  CHECK(count("Observation") == "5");
  CHECK(count("Immunization") == "3");
  CHECK(count("DocumentReference") == "1");
  CHECK(count("Appointment") == "1");
  CHECK(count("Flag") == "1");
  CHECK(count("Provenance") == "1");
  // Every reference resolved: none is left in the Type/id form the provider wrote.
  CHECK(eval(b, "Bundle.entry.resource.where($this is Provenance).not().descendants().ofType(Reference).reference.where("
                "startsWith('urn:uuid:').not() and startsWith('#').not())")
            .empty());
  // The STU3 elements R4 has no place for, and only those.
  CHECK(c.conv.unmapped ==
        Strings{"Bundle.entry[19](Condition).abatementBoolean", "Bundle.entry[21](MedicationRequest).requester.onBehalfOf",
                "Bundle.entry[27](MedicationRequest).requester.onBehalfOf",
                "Bundle.entry[31](Medication).isBrand", "Bundle.entry[32](MedicationRequest).requester.onBehalfOf",
                "Bundle.entry[32](MedicationRequest).extension('https://fhir.nhs.uk/STU3/StructureDefinition/Extension-CareConnect-GPC-"
                "MedicationStatusReason-1').extension('statusChangeDate')",
                "Bundle.entry[38](DiagnosticReport).performer.role", "Bundle.entry[44](Immunization).protocolApplied[0].doseStatus",
                "Bundle.entry[45](Immunization).protocolApplied[0].doseStatus", "Bundle.entry[47](ReferralRequest).requester.onBehalfOf"});
}

TEST_CASE("the patient: UK Core extensions and code systems, keyed by NHS number; directory entries never overwritten") {
  const fhir::Node& b = record().bundle;
  CHECK(one(b, "Bundle.entry.resource.ofType(Patient).extension.where(url = "
               "'https://fhir.hl7.org.uk/StructureDefinition/Extension-UKCore-EthnicCategory').value.coding.system") ==
        "https://fhir.hl7.org.uk/CodeSystem/UKCore-EthnicCategoryEngland");
  CHECK(one(b, "Bundle.entry.resource.ofType(Patient).extension.where(url = "
               "'https://fhir.hl7.org.uk/StructureDefinition/Extension-UKCore-NHSCommunication').extension.where(url = 'language')"
               ".value.coding.system") == "https://fhir.hl7.org.uk/CodeSystem/UKCore-HumanLanguage");
  CHECK(at(b, one(b, "Bundle.entry.resource.ofType(Patient).managingOrganization.reference"), "identifier.value") == "B82099");
  // The registered practice (GP Connect's managingOrganization) in generalPractitioner too, as R4
  // and PDS hold it, after the usual GP, once.
  CHECK(one(b, "Bundle.entry.resource.ofType(Patient).generalPractitioner.count()") == "2");
  CHECK(at(b, one(b, "Bundle.entry.resource.ofType(Patient).generalPractitioner[0].reference"), "is(Practitioner)") == "true");
  CHECK(at(b, one(b, "Bundle.entry.resource.ofType(Patient).generalPractitioner[1].reference"), "identifier.value") == "B82099");
  CHECK(one(b, "Bundle.entry.where(resource.identifier.value = 'B82099').request.ifNoneExist") ==
        "identifier=https://fhir.nhs.uk/Id/ods-organization-code|B82099");
  CHECK(one(b, "Bundle.entry.where(resource.identifier.value = 'B82099').request.method") == "POST");
}

TEST_CASE("problems: linked to their consultations, their evidence and each other, in UK Core extensions") {
  const fhir::Node& b = record().bundle;
  const std::string htn = "Bundle.entry.resource.ofType(Condition).where(code.coding.code = '38341003')";
  CHECK(one(b, htn + ".clinicalStatus.coding.code") == "active");
  CHECK(one(b, htn + ".verificationStatus.coding.code") == "confirmed");
  CHECK(one(b, htn + ".recordedDate") == "2016-03-08T09:25:00+00:00");  // zoneless: UK time, GMT in March
  CHECK(at(b, one(b, htn + ".encounter.reference"), "period.start") == "2016-03-08T09:10:00+00:00");
  std::string actual = one(b, htn + ".extension.where(url = 'https://fhir.hl7.org.uk/StructureDefinition/Extension-UKCore-ActualProblem')"
                                    ".value.reference");
  CHECK(at(b, actual, "code.coding.code") == "163020007");
  CHECK(one(b, htn + ".extension.where(url = 'https://fhir.hl7.org.uk/StructureDefinition/Extension-UKCore-ProblemSignificance').value") ==
        "major");
  const std::string dm = "Bundle.entry.resource.ofType(Condition).where(code.coding.code = '44054006')";
  CHECK(one(b, dm + ".verificationStatus.coding.code") == "unconfirmed");  // STU3 'unknown'
  const std::string related = dm + ".extension.where(url = 'https://fhir.hl7.org.uk/StructureDefinition/Extension-UKCore-RelatedProblemHeader')";
  CHECK(one(b, related + ".extension.where(url = 'type').value") == "child");
  CHECK(at(b, one(b, related + ".extension.where(url = 'target').value.reference"), "code.coding.code") == "38341003");
  CHECK(one(b, "Bundle.entry.resource.ofType(Condition).where(code.coding.code = '195967001').abatement") == "2021-01-15");
  // The consultation's List names its encounter and its problem.
  const std::string list = "Bundle.entry.resource.ofType(List).where(title = 'Hypertension review')";
  CHECK(at(b, one(b, list + ".encounter.reference"), "class.system") == "http://terminology.hl7.org/CodeSystem/v3-ActCode");
  Strings items = eval(b, list + ".entry.item.reference");
  REQUIRE(items.size() == 3);
  CHECK(at(b, items[0], "code.coding.code") == "38341003");
}

TEST_CASE("repeat medicines: plans, their issues and the statements about them") {
  const fhir::Node& b = record().bundle;
  const std::string plan = "Bundle.entry.where(resource.intent = 'plan' and resource.groupIdentifier.value = 'grp-amlo')";
  std::string plan_url = one(b, plan + ".fullUrl");
  CHECK(one(b, plan + ".resource.status") == "active");
  CHECK(one(b, plan + ".resource.requester.reference") == one(b, "Bundle.entry.where(resource.identifier.value = 'G8133438').fullUrl"));
  CHECK(one(b, plan + ".resource.dispenseRequest.quantity.value") == "28");
  CHECK(one(b, plan + ".resource.dispenseRequest.numberOfRepeatsAllowed") == "12");  // from GP Connect's repeat information
  CHECK(one(b, plan + ".resource.extension.where(url = 'https://fhir.hl7.org.uk/StructureDefinition/Extension-UKCore-MedicationRepeatInformation')"
               ".extension.where(url = 'numberOfPrescriptionsIssued').value") == "3");
  CHECK(one(b, plan + ".resource.encounter.reference") ==
        one(b, "Bundle.entry.where(resource.identifier.value = 'enc-2016-0001').fullUrl"));
  Strings issues = eval(b, "Bundle.entry.resource.ofType(MedicationRequest).where(intent = 'order' and basedOn.reference = '" + plan_url +
                               "').authoredOn");
  CHECK(issues == Strings{"2024-11-01", "2024-12-01", "2025-01-02"});
  const std::string ms = "Bundle.entry.resource.ofType(MedicationStatement).where(basedOn.reference = '" + plan_url + "')";
  CHECK(one(b, ms + ".status") == "active");
  CHECK(one(b, ms + ".extension.where(url = 'https://fhir.hl7.org.uk/StructureDefinition/Extension-UKCore-MedicationStatementLastIssueDate').value") ==
        "2025-01-02");
  CHECK(at(b, one(b, ms + ".medication.reference"), "code.coding.code") == "319283006");
  // A stopped plan's reason, from GP Connect's status reason extension, is R4's statusReason.
  const std::string stopped = "Bundle.entry.resource.ofType(MedicationRequest).where(status = 'stopped')";
  CHECK(one(b, stopped + ".statusReason.text") == "Asthma resolved");
  CHECK(eval(b, stopped + ".extension.where(url.contains('MedicationStatusReason'))").empty());
}

TEST_CASE("results, immunisations, referral, letter, appointment and alert") {
  const fhir::Node& b = record().bundle;
  const std::string hba1c = "Bundle.entry.resource.ofType(Observation).where(code.coding.code = '1049301000000100')";
  CHECK(one(b, hba1c + ".value.value") == "52");
  CHECK(one(b, hba1c + ".note.text") == "Repeat in three months");
  CHECK(one(b, hba1c + ".interpretation.coding.system") == "http://terminology.hl7.org/CodeSystem/v2-0078");
  CHECK(one(b, hba1c + ".category.coding.system") == "http://terminology.hl7.org/CodeSystem/observation-category");
  const std::string panel = "Bundle.entry.resource.ofType(Observation).where(code.coding.code = '163020007')";
  Strings members = eval(b, panel + ".hasMember.reference");
  REQUIRE(members.size() == 2);
  CHECK(at(b, members[0], "value.value") == "162");
  CHECK(at(b, members[1], "value.value") == "98");
  CHECK(one(b, "Bundle.entry.resource.ofType(DiagnosticReport).category.coding.system") == "http://terminology.hl7.org/CodeSystem/v2-0074");
  CHECK(at(b, one(b, "Bundle.entry.resource.ofType(DiagnosticReport).basedOn.reference"), "code.coding.code") == "1010941000000103");

  const std::string flu = "Bundle.entry.resource.ofType(Immunization).where(lotNumber = 'FLU25-0193')";
  CHECK(one(b, flu + ".status") == "completed");
  CHECK(one(b, flu + ".occurrence") == "2025-10-01T08:55:00+01:00");
  CHECK(one(b, flu + ".recorded") == "2025-10-01T09:00:00+01:00");  // GP Connect's DateRecorded extension
  CHECK(one(b, flu + ".performer.function.coding.system") == "http://terminology.hl7.org/CodeSystem/v2-0443");
  CHECK(one(b, flu + ".protocolApplied.doseNumber") == "1");
  CHECK(one(b, flu + ".extension.url") == "https://fhir.hl7.org.uk/StructureDefinition/Extension-UKCore-VaccinationProcedure");
  const std::string shingles = "Bundle.entry.resource.ofType(Immunization).where(vaccineCode.coding.code = '38737211000001109')";
  CHECK(one(b, shingles + ".status") == "not-done");
  CHECK(one(b, shingles + ".statusReason.coding.code") == "591000119102");
  CHECK(one(b, "Bundle.entry.resource.ofType(Immunization).where(primarySource = false).protocolApplied.seriesDoses") == "5");

  const std::string referral = "Bundle.entry.resource.ofType(ServiceRequest).where(identifier.where(value = '000123456789').exists())";
  CHECK(one(b, referral + ".priority") == "urgent");
  CHECK(one(b, referral + ".code.coding.code") == "183519002");
  CHECK(one(b, referral + ".performerType.coding.code") == "394579002");
  CHECK(one(b, referral + ".category.coding.code") == "3457005");
  CHECK(at(b, one(b, referral + ".performer.reference"), "identifier.value") == "RCD");
  CHECK(at(b, one(b, referral + ".reasonReference.reference"), "code.coding.code") == "38341003");
  CHECK(one(b, referral + ".note.text") == "Exertional chest tightness, ECG shows LVH");
  std::string referral_url = one(b, "Bundle.entry.where(resource.identifier.where(value = '000123456789').exists()).fullUrl");

  const std::string doc = "Bundle.entry.resource.ofType(DocumentReference)";
  CHECK(one(b, doc + ".category.coding.code") == "734163000");
  CHECK(one(b, doc + ".date") == "2022-05-04T09:00:00+01:00");
  CHECK(one(b, doc + ".context.period.start") == "2022-05-03T16:00:00+01:00");
  CHECK(one(b, doc + ".context.related.reference") == referral_url);
  CHECK(one(b, doc + ".content.attachment.contentType") == "application/pdf");

  CHECK(one(b, "Bundle.entry.resource.ofType(Appointment).basedOn.reference") == referral_url);
  CHECK(at(b, one(b, "Bundle.entry.resource.ofType(Appointment).reasonReference.reference"), "code.coding.code") == "44054006");
  CHECK(one(b, "Bundle.entry.resource.ofType(Appointment).reasonCode.coding.code") == "390906007");
  CHECK(one(b, "Bundle.entry.resource.ofType(Flag).category.coding.system") == "http://terminology.hl7.org/CodeSystem/flag-category");
  const std::string problems = "Bundle.entry.resource.ofType(List).where(title = 'Problems')";
  CHECK(one(b, problems + ".extension.where(url = 'https://fhir.hl7.org.uk/StructureDefinition/Extension-UKCore-ClinicalSetting').value.coding.code") ==
        "1060971000000108");
  CHECK(one(b, problems + ".extension.where(url = 'https://fhir.hl7.org.uk/StructureDefinition/Extension-UKCore-ListWarningCode').value.coding.code") ==
        "data-awaiting-filing");
}

TEST_CASE("stored, the record's references point at the stored resources; fetched again, it updates them") {
  const Converted& c = record();
  REQUIRE(c.conv.status == node::Conversion::Status::Converted);
  auto path = std::filesystem::temp_directory_path() / ("hw-stu3-" + std::to_string(::getpid()) + ".db");
  std::filesystem::remove(path);
  {
    plugins::SqliteFhirStore store(path.string());
    store.transaction(c.conv.bundle_json);
    store.transaction(c.conv.bundle_json);  // the same record fetched again
    node::SearchParams by_nhs;
    by_nhs.identifier_system = "https://fhir.nhs.uk/Id/nhs-number";
    by_nhs.identifier_value = "9733001007";
    node::SearchPage patients = store.search("Patient", by_nhs);
    REQUIRE(patients.resources.size() == 1);
    node::SearchParams of_patient;
    of_patient.patient = patients.resources[0].id;
    CHECK(store.search("Condition", of_patient).resources.size() == 3);
    CHECK(store.search("Immunization", of_patient).resources.size() == 3);
    node::SearchPage referral = store.search("ServiceRequest", of_patient);
    CHECK(referral.resources.size() == 2);
    node::SearchParams ods;
    ods.identifier_system = "https://fhir.nhs.uk/Id/ods-organization-code";
    ods.identifier_value = "B82099";
    CHECK(store.search("Organization", ods).resources.size() == 1);
    for (const auto& r : referral.resources) CHECK(r.json.find("\"Patient/" + patients.resources[0].id + "\"") != std::string::npos);
  }
  for (const char* ext : {"", "-wal", "-shm"}) std::filesystem::remove(path.string() + ext);
}
