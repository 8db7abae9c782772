// The fhir-stu3 converter on the GP Connect 1.6.2 structured record examples: each becomes an R4
// transaction Bundle that passes the conformance gate, with the maps' values where they belong,
// references pointing at the new entries, and what R4 cannot hold reported.
#include "tests/converters/stu3_support.hpp"

#include "mapping/stu3_engine/record.hpp"
#include "plugins/common/fhir_format.hpp"

using namespace stu3_test;

namespace {

const char* const kExamples[] = {
    "structured_allergies_response1.json",   "structured_allergies_response2.json",  "structured_allergies_response3.json",
    "structured_consultations_forwards_response1.json", "structured_diaryentries_response1.json",
    "structured_immunizations_response1.json", "structured_immunizations_response3.json", "structured_meds_response.json",
    "structured_pathology_response1.json",   "structured_referrals_response1.json", "structured_uncategorised_response1.json"};

std::string patient_key() { return std::string("Patient?identifier=https://fhir.nhs.uk/Id/nhs-number|") + kNhs; }

}  // namespace

TEST_CASE("every GP Connect structured record example converts to R4 with no validation errors") {
  for (const char* name : kExamples) {
    CAPTURE(name);
    Converted c = convert(example(name));
    REQUIRE_MESSAGE(c.conv.status == node::Conversion::Status::Converted, fhir::to_operation_outcome_json(c.conv.diagnostics));
    CHECK(c.conv.nhs_number == kNhs);
    CHECK_MESSAGE(!c.gate.has_errors(), fhir::to_operation_outcome_json(c.gate));
    CHECK(one(c.bundle, "Bundle.type") == "transaction");
    CHECK(one(c.bundle, "Bundle.entry.where(resource is Patient).request.url") == patient_key());
    CHECK(one(c.bundle, "Bundle.entry.where(resource is Patient).request.method") == "PUT");
    // No STU3 profile claimed (UK Core's only), no provider ids kept, a Provenance naming the message.
    CHECK(eval(c.bundle, "Bundle.entry.resource.meta.profile.where(startsWith('https://fhir.hl7.org.uk/StructureDefinition/UKCore-').not())")
              .empty());
    CHECK(eval(c.bundle, "Bundle.entry.resource.where($this is Provenance).not().id").empty());
    CHECK(one(c.bundle, "Bundle.entry.resource.ofType(Provenance).entity.what.identifier.value") == c.conv.control_id);
    CHECK(eval(c.bundle, "Bundle.entry.resource.descendants().ofType(Extension).url.where(contains('/STU3/') and "
                         "contains('RegistrationDetails').not())")
              .empty());
    check_references_resolve(c);
    // Every subject or patient of the record points at the one Patient.
    std::string patient_url = one(c.bundle, "Bundle.entry.where(resource is Patient).fullUrl");
    for (const std::string& ref : eval(c.bundle, "Bundle.entry.resource.select(subject | patient).reference"))
      if (ref.rfind("urn:uuid:", 0) == 0) CHECK(ref == patient_url);
  }
}

TEST_CASE("medications: statements and plans keep their status, UK Core extensions, decimals and links") {
  Converted c = convert(example("structured_meds_response.json"));
  REQUIRE(c.conv.status == node::Conversion::Status::Converted);
  const fhir::Node& b = c.bundle;
  CHECK(eval(b, "Bundle.entry.resource.ofType(MedicationStatement).status") == Strings{"completed", "completed", "active"});
  CHECK(eval(b, "Bundle.entry.resource.ofType(MedicationStatement).taken").empty());
  CHECK(one(b, "Bundle.entry.resource.ofType(MedicationStatement).first().extension.where(url = "
               "'https://fhir.hl7.org.uk/StructureDefinition/Extension-UKCore-MedicationStatementLastIssueDate').value") ==
        "2016-05-10");
  CHECK(has(eval(b, "Bundle.entry.resource.ofType(MedicationRequest).intent"), "plan"));
  CHECK(has(eval(b, "Bundle.entry.resource.ofType(MedicationRequest).intent"), "order"));
  CHECK(has(eval(b, "Bundle.entry.resource.ofType(MedicationRequest).extension.value.coding.system"),
            "https://fhir.hl7.org.uk/CodeSystem/UKCore-PrescriptionType"));
  // "value": "28" in the example is a decimal in R4.
  CHECK(has(eval(b, "Bundle.entry.resource.ofType(MedicationRequest).dispenseRequest.expectedSupplyDuration.value"), "28"));
  // A statement's basedOn names its plan's new fullUrl; the plan's medication is in the Bundle.
  std::string based_on = eval(b, "Bundle.entry.resource.ofType(MedicationStatement).basedOn.reference").front();
  CHECK(one(b, "Bundle.entry.where(fullUrl = '" + based_on + "').resource.intent") == "plan");
  std::string med = one(b, "Bundle.entry.where(fullUrl = '" + based_on + "').resource.medication.reference");
  CHECK(one(b, "Bundle.entry.where(fullUrl = '" + med + "').resource.code.coding.code") == "323509004");
  // SNOMED description ids: the UK Core extension, its id an Identifier.
  CHECK(has(eval(b, "Bundle.entry.resource.ofType(Medication).code.coding.extension.where(url = "
                    "'https://fhir.hl7.org.uk/StructureDefinition/Extension-UKCore-CodingSCTDescId').extension.where(url = "
                    "'descriptionId').value.value"),
            "56966201000001112"));
  // UK Core's repeat information has no place for the number of repeats allowed: R4's
  // dispenseRequest.numberOfRepeatsAllowed has.
  CHECK(eval(b, "Bundle.entry.resource.ofType(MedicationRequest).dispenseRequest.numberOfRepeatsAllowed").size() == 1);
  CHECK(c.conv.unmapped.empty());
  CHECK(has(eval(b, "Bundle.entry.resource.ofType(MedicationRequest).extension.where(url = "
                    "'https://fhir.hl7.org.uk/StructureDefinition/Extension-UKCore-MedicationRepeatInformation').extension.url"),
            "numberOfPrescriptionsIssued"));
}

TEST_CASE("allergies: statuses become CodeableConcepts, assertedDate recordedDate, the NHS number's verification UK Core") {
  Converted c = convert(example("structured_allergies_response1.json"));
  REQUIRE(c.conv.status == node::Conversion::Status::Converted);
  const fhir::Node& b = c.bundle;
  CHECK(has(eval(b, "Bundle.entry.resource.ofType(AllergyIntolerance).clinicalStatus.coding.where(system = "
                    "'http://terminology.hl7.org/CodeSystem/allergyintolerance-clinical').code"),
            "active"));
  CHECK(has(eval(b, "Bundle.entry.resource.ofType(AllergyIntolerance).verificationStatus.coding.code"), "unconfirmed"));
  CHECK(has(eval(b, "Bundle.entry.resource.ofType(AllergyIntolerance).recordedDate"), "2012-05-07T00:00:00+00:00"));
  // The ended allergy is contained in its List, converted too, with the UK Core end extension on
  // its clinicalStatus (the extension's context in UK Core).
  CHECK(one(b, "Bundle.entry.resource.ofType(List).contained.ofType(AllergyIntolerance).clinicalStatus.coding.code") == "resolved");
  CHECK(one(b, "Bundle.entry.resource.ofType(List).contained.clinicalStatus.extension.where(url = "
               "'https://fhir.hl7.org.uk/StructureDefinition/Extension-UKCore-AllergyIntoleranceEnd').extension.where(url = 'endDate').value") ==
        "2018-03-01");
  CHECK(one(b, "Bundle.entry.resource.ofType(Patient).identifier.extension.where(url = "
               "'https://fhir.hl7.org.uk/StructureDefinition/Extension-UKCore-NHSNumberVerificationStatus').value.coding.system") ==
        "https://fhir.hl7.org.uk/CodeSystem/UKCore-NHSNumberVerificationStatusEngland");
  CHECK(has(eval(b, "Bundle.entry.resource.ofType(List).orderedBy.coding.system"), "http://terminology.hl7.org/CodeSystem/list-order"));
  // An allergy keyed by its identifier is updated in place when the record is fetched again.
  CHECK(has(eval(b, "Bundle.entry.where(resource is AllergyIntolerance).request.url"),
            "AllergyIntolerance?identifier=https://provider.nhs.uk/data-identifier|83426283749639"));
}

TEST_CASE("immunisations: notGiven, date, practitioner and the vaccination protocol in R4's terms") {
  Converted c = convert(example("structured_immunizations_response1.json"));
  REQUIRE(c.conv.status == node::Conversion::Status::Converted);
  const fhir::Node& b = c.bundle;
  CHECK(one(b, "Bundle.entry.resource.ofType(Immunization).status") == "completed");
  CHECK(eval(b, "Bundle.entry.resource.ofType(Immunization).notGiven").empty());
  CHECK(!one(b, "Bundle.entry.resource.ofType(Immunization).occurrence").empty());
  CHECK(!eval(b, "Bundle.entry.resource.ofType(Immunization).performer.actor.reference").empty());
  CHECK(!eval(b, "Bundle.entry.resource.ofType(Immunization).performer.function.coding.code").empty());
  CHECK(!eval(b, "Bundle.entry.resource.ofType(Immunization).protocolApplied.doseNumber").empty());
  CHECK(!eval(b, "Bundle.entry.resource.ofType(Immunization).reasonCode.coding.code").empty());
  CHECK(has(c.conv.unmapped, "Bundle.entry[7](Immunization).protocolApplied[0].doseStatus"));
}

TEST_CASE("a vaccination not given is not-done, with its reason as statusReason") {
  std::string text = example("structured_immunizations_response1.json");
  std::size_t at = text.find("\"notGiven\"");
  REQUIRE(at != std::string::npos);
  std::size_t colon = text.find(':', at), end = text.find_first_of(",}", colon);
  text.replace(colon + 1, end - colon - 1, " true, \"explanation\": {\"reasonNotGiven\": [{\"text\": \"Patient declined\"}]}");
  // The example's explanation.reason is replaced by reasonNotGiven (one explanation member).
  std::size_t first = text.find("\"explanation\"");
  std::size_t second = text.find("\"explanation\"", first + 1);
  if (second != std::string::npos) {
    std::size_t open = text.find('{', second), depth = 0, i = open;
    for (; i < text.size(); ++i) {
      if (text[i] == '{') ++depth;
      if (text[i] == '}' && --depth == 0) break;
    }
    std::size_t start = text.rfind(',', second);
    text.erase(start, i + 1 - start);
  }
  Converted c = convert(text);
  REQUIRE_MESSAGE(c.conv.status == node::Conversion::Status::Converted, fhir::to_operation_outcome_json(c.conv.diagnostics));
  CHECK(one(c.bundle, "Bundle.entry.resource.ofType(Immunization).status") == "not-done");
  CHECK(one(c.bundle, "Bundle.entry.resource.ofType(Immunization).statusReason.text") == "Patient declined");
  CHECK_MESSAGE(!c.gate.has_errors(), fhir::to_operation_outcome_json(c.gate));
}

TEST_CASE("referrals and diary entries become ServiceRequests") {
  Converted r = convert(example("structured_referrals_response1.json"));
  REQUIRE(r.conv.status == node::Conversion::Status::Converted);
  const fhir::Node& b = r.bundle;
  CHECK(eval(b, "Bundle.entry.resource.ofType(ServiceRequest)").size() == 2);
  CHECK(eval(b, "Bundle.entry.resource.where($this is ServiceRequest).count()") == Strings{"2"});
  CHECK(has(eval(b, "Bundle.entry.resource.ofType(ServiceRequest).category.coding.code"), "3457005"));
  CHECK(has(eval(b, "Bundle.entry.resource.ofType(ServiceRequest).note.text"), "Referral due to swollen legs"));
  CHECK(has(eval(b, "Bundle.entry.resource.ofType(ServiceRequest).performer.display"), "Dr Dave"));
  CHECK(has(eval(b, "Bundle.entry.resource.ofType(ServiceRequest).requester.reference"), "Practitioner/ff266bb2-cddb-4d03-837c-bd64d4bbe4eb"));
  CHECK(has(eval(b, "Bundle.entry.resource.ofType(ServiceRequest).reasonCode.coding.code"), "308447003"));
  CHECK(has(eval(b, "Bundle.entry.resource.ofType(ServiceRequest).identifier.system"), "https://fhir.nhs.uk/Id/UBRN"));
  // The referral's encounter is not in the record: kept, with a warning.
  CHECK(has(eval(b, "Bundle.entry.resource.ofType(ServiceRequest).encounter.reference"), "Encounter/Encounter1"));

  Converted d = convert(example("structured_diaryentries_response1.json"));
  REQUIRE(d.conv.status == node::Conversion::Status::Converted);
  CHECK(eval(d.bundle, "Bundle.entry.resource.ofType(ServiceRequest).intent").size() == 2);
  CHECK(eval(d.bundle, "Bundle.entry.resource.ofType(ServiceRequest).category").empty());  // not a referral
  // The example writes a bare "occurrence", which no FHIR version has: reported.
  CHECK(has(d.conv.unmapped, "Bundle.entry[6](ProcedureRequest).occurrence"));
  // A Condition's related clinical content pointing at a ProcedureRequest now points at its ServiceRequest.
  std::string related = one(d.bundle, "Bundle.entry.resource.ofType(Condition).extension.where(url = "
                                      "'https://fhir.hl7.org.uk/StructureDefinition/Extension-UKCore-RelatedClinicalContent').value.reference");
  CHECK((related.rfind("urn:uuid:", 0) == 0 || related.rfind("ServiceRequest/", 0) == 0));
  CHECK(one(d.bundle, "Bundle.entry.resource.ofType(Condition).clinicalStatus.coding.code") == "active");
}

TEST_CASE("results: the report's performer, the panel's members and a comment as a note") {
  Converted c = convert(example("structured_pathology_response1.json"));
  REQUIRE(c.conv.status == node::Conversion::Status::Converted);
  const fhir::Node& b = c.bundle;
  CHECK(one(b, "Bundle.entry.resource.ofType(DiagnosticReport).performer.display") == "GREENTOWN GENERAL HOSPITAL");
  std::string request = one(b, "Bundle.entry.resource.ofType(DiagnosticReport).basedOn.reference");
  CHECK(one(b, "Bundle.entry.where(fullUrl = '" + request + "').resource.code.coding.code") == "26604007");
  CHECK(eval(b, "Bundle.entry.resource.ofType(Observation).related").empty());
  CHECK(eval(b, "Bundle.entry.resource.ofType(Observation).hasMember").size() >= 8);
  CHECK(!eval(b, "Bundle.entry.resource.ofType(Observation).derivedFrom").empty());
  CHECK(one(b, "Bundle.entry.resource.ofType(Specimen).type.coding.code") == "122555007");
  Converted u = convert(example("structured_uncategorised_response1.json"));
  REQUIRE(u.conv.status == node::Conversion::Status::Converted);
  // " 86290005" (a leading blank in the example) is the code 86290005.
  CHECK(has(eval(u.bundle, "Bundle.entry.resource.ofType(Observation).code.coding.code"), "86290005"));
  CHECK(eval(u.bundle, "Bundle.entry.resource.ofType(Observation).comment").empty());
}

TEST_CASE("the provider's OperationOutcome in a record is reported, not stored") {
  Converted c = convert(example("structured_consultations_forwards_response1.json"));
  REQUIRE(c.conv.status == node::Conversion::Status::Converted);
  CHECK(eval(c.bundle, "Bundle.entry.resource.ofType(OperationOutcome)").empty());
  CHECK(has(c.conv.unmapped, "Bundle.entry[19](OperationOutcome)"));
}

TEST_CASE("the skeleton record: refused without an NHS number; with one, empty resources reported, what R4 requires marked absent") {
  std::string text = example("structured_skeleton_full_record.json");
  Converted none = convert(text);
  CHECK(none.conv.status == node::Conversion::Status::Refused);
  bool said = false;
  for (const fhir::Issue& i : none.conv.diagnostics.issues())
    if (i.severity == fhir::Severity::Error) said = i.message.find("no Patient with an NHS number") != std::string::npos;
  CHECK(said);
  std::size_t at = text.find("\"resourceType\":\"Patient\"");
  REQUIRE(at != std::string::npos);
  text.insert(at, std::string(R"("identifier": [{"system": "https://fhir.nhs.uk/Id/nhs-number", "value": ")") + kNhs + "\"}], ");
  Converted c = convert(text);
  REQUIRE_MESSAGE(c.conv.status == node::Conversion::Status::Converted, fhir::to_operation_outcome_json(c.conv.diagnostics));
  CHECK_MESSAGE(!c.gate.has_errors(), fhir::to_operation_outcome_json(c.gate));
  // The skeleton's Encounter, Immunizations... have nothing but an id: not carried, reported.
  CHECK(has(c.conv.unmapped, "Bundle.entry[16](Encounter)"));
  CHECK(has(c.conv.unmapped, "Bundle.entry[21](Immunization)"));
  CHECK(eval(c.bundle, "Bundle.entry.resource.ofType(Encounter)").empty());
  CHECK(eval(c.bundle, "Bundle.entry.resource.ofType(List)").size() == 16);
  // A List without the status R4 requires says it is unknown, and the converter warns.
  CHECK(has(eval(c.bundle, "Bundle.entry.resource.ofType(List).first().status.extension.value"), "unknown"));
  bool warned = false;
  for (const fhir::Issue& i : c.conv.diagnostics.issues())
    if (i.location == "Bundle.entry[0](List).status" && i.message.find("data-absent-reason") != std::string::npos) warned = true;
  CHECK(warned);
  // The Condition's links to what the skeleton left empty stay as they were written, with warnings.
  CHECK(has(eval(c.bundle, "Bundle.entry.resource.ofType(Condition).encounter.reference"), "Encounter/Encounter1"));
  check_references_resolve(c);
}

TEST_CASE("bad input: not JSON, not a Bundle, an invalid NHS number, two patients") {
  auto conv = plugins::make_converter("fhir-stu3");
  node::MessageInfo info{"gp", "fhir-stu3", "2026-12-03T09:00:00Z", ""};
  CHECK(conv->convert("MSH|^~\\&|", info).status == node::Conversion::Status::Unreadable);
  CHECK(conv->convert("{\"no\": 1}", info).status == node::Conversion::Status::Unreadable);
  node::Conversion p = conv->convert(R"({"resourceType":"Patient"})", info);
  CHECK(p.status == node::Conversion::Status::Refused);
  CHECK(p.diagnostics.issues().front().message.find("takes a Bundle") != std::string::npos);
  std::string bad = example("structured_meds_response.json");
  for (std::size_t at = bad.find(kNhs); at != std::string::npos; at = bad.find(kNhs, at)) bad.replace(at, 10, "9485211008");
  node::Conversion n = conv->convert(bad, info);
  CHECK(n.status == node::Conversion::Status::Refused);
  CHECK(n.diagnostics.issues().back().key == "nhs-number-check");
  std::string two = R"({"resourceType":"Bundle","type":"collection","entry":[)"
                    R"({"resource":{"resourceType":"Patient","identifier":[{"system":"https://fhir.nhs.uk/Id/nhs-number","value":"9485211007"}]}},)"
                    R"({"resource":{"resourceType":"Patient","identifier":[{"system":"https://fhir.nhs.uk/Id/nhs-number","value":"9733001007"}]}}]})";
  CHECK(conv->convert(two, info).status == node::Conversion::Status::Refused);
}

TEST_CASE("STU3 is told from R4 by what only STU3 has") {
  for (const char* name : kExamples) CHECK_MESSAGE(mapping::stu3::looks_like_stu3(example(name)), name);
  for (const char* r4 : {"fhir-r4-examples/patient-example.json", "fhir-r4-examples/allergyintolerance-example.json",
                         "fhir-r4-examples/immunization-example.json", "fhir-r4-examples/condition-example.json",
                         "fhir-r4-examples/medicationstatementexample1.json"})
    CHECK_MESSAGE(!mapping::stu3::looks_like_stu3(hw_test::read_file(hw_test::data_path(r4))), r4);
  CHECK(mapping::stu3::looks_like_stu3(R"({"resourceType" : "MedicationStatement", "taken" : "n"})"));
  CHECK(mapping::stu3::looks_like_stu3("{\"resourceType\":\"Condition\",\n \"clinicalStatus\" :\t\"active\"}"));
  // The names inside a string are escaped, and R4's statuses are objects.
  CHECK(!mapping::stu3::looks_like_stu3(R"({"resourceType":"Observation","note":[{"text":"patient said \"taken\": yes"}]})"));
  CHECK(!mapping::stu3::looks_like_stu3(R"({"resourceType":"Condition","clinicalStatus":{"coding":[{"code":"active"}]}})"));
}

TEST_CASE("a broken map is refused with its JSON path") {
  using mapping::stu3::Maps;
  CHECK_THROWS_WITH_AS(Maps::load(R"({"types":{"Flag":[{"op":"bend","path":"x"}]}})", "{}", R"({"extensions":{}})"),
                       "resources.json.types.Flag[0].op: unknown op 'bend'", mapping::stu3::MapError);
  CHECK_THROWS_WITH_AS(Maps::load(R"({"types":{"Flag":[{"op":"code","path":"status","table":"nope"}]}})", "{}", R"({"extensions":{}})"),
                       "resources.json.types.Flag: table 'nope' is not in tables.json", mapping::stu3::MapError);
  CHECK_NOTHROW(Maps::builtin());
}

TEST_CASE("the sources' choice of converter: the Content-Type's fhirVersion first, then the body") {
  std::string stu3 = example("structured_referrals_response1.json");
  std::string r4 = hw_test::read_file(hw_test::data_path("fhir-r4-examples/patient-example.json"));
  CHECK(plugins::fhir_format("application/fhir+json; fhirVersion=3.0", r4) == "fhir-stu3");
  CHECK(plugins::fhir_format("application/fhir+json;fhirversion=\"3.0\"", r4) == "fhir-stu3");
  CHECK(plugins::fhir_format("application/fhir+json; fhirVersion=4.0", stu3) == "fhir");
  CHECK(plugins::fhir_format("application/fhir+json", stu3) == "fhir-stu3");
  CHECK(plugins::fhir_format("application/json", r4) == "fhir");
  CHECK(plugins::fhir_format("", example("structured_meds_response.json")) == "fhir-stu3");
}

TEST_CASE("odd shapes are reported or refused, never a crash") {
  auto conv = plugins::make_converter("fhir-stu3");
  node::MessageInfo info{"gp", "fhir-stu3", "2026-12-03T09:00:00Z", ""};
  const std::string patient =
      std::string(R"({"resource":{"resourceType":"Patient","identifier":[{"system":"https://fhir.nhs.uk/Id/nhs-number","value":")") + kNhs +
      R"("}]}})";
  auto record = [&](const std::string& entries) { return R"({"resourceType":"Bundle","type":"collection","entry":[)" + patient + entries + "]}"; };
  // Wrong JSON types where objects, arrays, strings and numbers belong.
  for (const std::string& odd :
       {std::string(R"(,{"resource":{"resourceType":"Observation","status":"final","code":{"text":"x"},"related":{"type":3},"comment":7}})"),
        std::string(R"(,{"resource":{"resourceType":"Observation","status":"final","code":{"text":"x"},"hasMember":{"reference":"a"},)"
                    R"("related":[{"type":"has-member","target":{"reference":"Observation/1"}}]}})"),
        std::string(R"(,{"resource":{"resourceType":"MedicationRequest","status":"active","intent":"plan","subject":"Patient/1",)"
                    R"("medicationCodeableConcept":{"text":"x"},"requester":[1,"a",{"agent":7}],"extension":{"url":1},"":{"":""}}})"),
        std::string(R"(,{"resource":{"resourceType":"Immunization","notGiven":"perhaps","date":12,"practitioner":"x",)"
                    R"("explanation":[],"vaccinationProtocol":[{"doseSequence":"two"}]}})"),
        std::string(R"(,{"resource":"Patient"},{"resource":{"resourceType":7}},[],7,{"resource":{"resourceType":"ProcessRequest","id":"x"}})"),
        std::string(R"(,{"resource":{"resourceType":"List","status":"current","mode":"snapshot","contained":[7,{"resourceType":"ProcessRequest"},)"
                    R"({"resourceType":"ProcedureRequest","id":"p","status":"suspended","intent":"order","code":{"text":"x"},"subject":{"reference":"Patient/1"}}]}})")}) {
    CAPTURE(odd);
    node::Conversion c = conv->convert(record(odd), info);
    REQUIRE_MESSAGE(c.status == node::Conversion::Status::Converted, fhir::to_operation_outcome_json(c.diagnostics));
    CHECK(!c.unmapped.empty());
    fhir::Diagnostics gate = conformance::check(c.bundle_json);
    for (const fhir::Issue& i : gate.issues())  // what R4 requires and the input mangled may still be missing, nothing else
      if (i.severity == fhir::Severity::Error) CHECK_MESSAGE(i.code == "invariant", std::string(i.location + ": " + i.message));
  }
  // A contained ProcedureRequest becomes a ServiceRequest, its status on-hold.
  node::Conversion contained = conv->convert(record(R"(,{"resource":{"resourceType":"List","status":"current","mode":"snapshot",)"
                                                   R"("contained":[{"resourceType":"ProcedureRequest","id":"p","status":"suspended","intent":"order",)"
                                                   R"("code":{"text":"x"},"subject":{"reference":"Patient/1"}}]}})"),
                                             info);
  CHECK(contained.bundle_json.find(R"("resourceType":"ServiceRequest","id":"p","status":"on-hold")") != std::string::npos);
  // Nesting deeper than any resource is refused before it is read.
  std::string deep = R"({"resourceType":"Bundle","entry":)" + std::string(100000, '[') + std::string(100000, ']') + "}";
  node::Conversion d = conv->convert(deep, info);
  CHECK(d.status == node::Conversion::Status::Unreadable);
  CHECK(d.diagnostics.issues().front().message.find("nesting deeper than 100") != std::string::npos);
}
