// The CDA converter document by document: the resources made from the header and the coded
// sections, the NHS number and its verification status, narrative kept, unknown templates and
// a missing NHS number warned of, unmapped elements reported, unreadable documents refused.
#include <rapidjson/document.h>

#include "node/config_reader.hpp"
#include "plugins/common/fhir_format.hpp"
#include "plugins/converters/cda/cda_converter.hpp"
#include "tests/cda/cda_support.hpp"

using namespace hw_cda;

namespace {

std::string corpus(const std::string& name) { return hw_test::read_file(hw_test::data_path("cda/" + name)); }

std::string replaced(std::string text, const std::string& from, const std::string& to) {
  std::size_t at = text.find(from);
  REQUIRE(at != std::string::npos);
  return text.replace(at, from.size(), to);
}

}  // namespace

TEST_CASE("coded PEM (Dx02): header resources, coded entries as Condition, MedicationStatement, AllergyIntolerance, Observation") {
  Converted c = convert_file("pem_dx02_ed_coded.xml");
  REQUIRE_MESSAGE(c.conv.status == Status::Converted, problems(c.conv.diagnostics));
  const fhir::Node& b = c.bundle;
  CHECK(c.conv.nhs_number == "4202466330");
  CHECK(c.conv.sender == "E3Q");
  CHECK(eval(b, "entry.where(resource is Patient).request.ifNoneExist") == Strings{"identifier=https://fhir.nhs.uk/Id/nhs-number|4202466330"});
  CHECK(eval(b, "entry.resource.ofType(Patient).identifier.extension.value.coding.code") == Strings{"01"});
  CHECK(eval(b, "entry.resource.ofType(Patient).name.family") == Strings{"Pennington"});
  CHECK(eval(b, "entry.resource.ofType(Patient).gender") == Strings{"male"});
  CHECK(eval(b, "entry.resource.ofType(Patient).birthDate") == Strings{"1961-11-07"});
  CHECK(eval(b, "entry.resource.ofType(Patient).address.postalCode") == Strings{"SK3 9NQ"});
  CHECK(eval(b, "entry.resource.ofType(Patient).generalPractitioner.identifier.value") == Strings{"P88012"});
  // One Organization per ODS code: the 111 provider is author's organisation and custodian.
  CHECK(eval(b, "entry.resource.ofType(Organization).identifier.value") == Strings{"P88012", "E3Q"});
  CHECK(eval(b, "entry.resource.ofType(PractitionerRole).code.coding.code") == Strings{"R0260"});
  CHECK(eval(b, "entry.resource.ofType(PractitionerRole).identifier.system") == Strings{"https://fhir.nhs.uk/Id/sds-role-profile-id"});
  CHECK(eval(b, "entry.resource.ofType(Practitioner).identifier.value") == Strings{"555033417209"});
  CHECK(eval(b, "entry.resource.ofType(Composition).author.reference") == eval(b, "entry.where(resource is PractitionerRole).fullUrl"));
  // The 111 call and its Pathways disposition.
  CHECK(eval(b, "entry.resource.ofType(Encounter).period.start") == Strings{"2026-12-03T21:12:30+00:00"});
  CHECK(eval(b, "entry.resource.ofType(Encounter).hospitalization.dischargeDisposition.coding.code") == Strings{"Dx02"});
  CHECK(eval(b, "entry.resource.ofType(Encounter).type.coding.code") == Strings{"185317003"});
  // Coded sections: their entries as resources, referenced from the section.
  CHECK(eval(b, "entry.resource.ofType(Condition).code.coding.code") == Strings{"38341003", "44054006"});
  CHECK(eval(b, "entry.resource.ofType(Condition).onset") == Strings{"2015-06-01", "2019-02-14"});
  CHECK(eval(b, "entry.resource.ofType(MedicationStatement).medication.coding.code") == Strings{"325278007"});
  CHECK(eval(b, "entry.resource.ofType(MedicationStatement).dosage.text") == Strings{"One tablet twice a day"});
  CHECK(eval(b, "entry.resource.ofType(AllergyIntolerance).code.coding.code") == Strings{"91936005"});
  CHECK(eval(b, "entry.resource.ofType(AllergyIntolerance).reaction.manifestation.coding.code") == Strings{"271807003"});
  CHECK(eval(b, "entry.resource.ofType(Observation).code.coding.code") == Strings{"8867-4", "9279-1"});
  CHECK(eval(b, "entry.resource.ofType(Observation).value.value") == Strings{"104", "20"});
  CHECK(eval(b, "entry.resource.ofType(Observation).category.coding.code") == Strings{"vital-signs", "vital-signs"});
  CHECK(eval(b, "entry.resource.ofType(Composition).section.where(title = 'Problems').entry.reference") ==
        eval(b, "entry.where(resource is Condition).fullUrl"));
  CHECK(eval(b, "entry.resource.ofType(Composition).section.title") ==
        Strings{"Presenting complaint", "Problems", "Medication", "Allergies", "Vital signs", "Disposition"});
  CHECK(eval(b, "entry.resource.ofType(Composition).section.code.coding.code") ==
        Strings{"presenting-complaints-or-issues", "problems", "medications-and-medical-devices", "allergies-and-adverse-reaction", "observations", "outcome"});
  // The coded sections keep their narrative too (the table as sent).
  CHECK(eval(b, "entry.resource.ofType(Composition).section.where(title = 'Allergies').text.div.contains('Penicillin')") == Strings{"true"});
  // The vital signs organizer's own id has nowhere to go: reported, as every element not carried is.
  CHECK(c.conv.unmapped == Strings{"ClinicalDocument/component/structuredBody/component/section/entry/organizer/id"});
}

TEST_CASE("narrative PEM in its ITK envelope (Dx05): every section kept as narrative, the envelope read") {
  Converted c = convert_file("pem_dx05_gp_2h_envelope.xml");
  REQUIRE_MESSAGE(c.conv.status == Status::Converted, problems(c.conv.diagnostics));
  const fhir::Node& b = c.bundle;
  CHECK(c.conv.nhs_number == "4434640976");
  CHECK(c.conv.event == "CDA^POCD_MT200001GB02");
  CHECK(eval(b, "entry.resource.ofType(Composition).section.title") == Strings{"Reason for call", "Pathways assessment", "Outcome", "Care advice given"});
  CHECK(eval(b, "entry.resource.ofType(Composition).section.entry.count()") == Strings{"0"});
  CHECK(eval(b, "entry.resource.ofType(Composition).section[1].text.div") ==
        Strings{"<div xmlns=\"http://www.w3.org/1999/xhtml\"><p>Respiratory symptoms pathway.</p><ul><li>No chest pain</li>"
                "<li>Able to speak in full sentences</li><li>Temperature 38.2 C reported</li></ul></div>"});
  CHECK(eval(b, "entry.resource.ofType(Encounter).hospitalization.dischargeDisposition.text") == Strings{"To contact a Primary Care Service within 2 hours"});
  CHECK(eval(b, "entry.resource.ofType(Patient).generalPractitioner.identifier.value") == Strings{"C84001"});
  CHECK(c.conv.unmapped.empty());
  CHECK(c.conv.diagnostics.issues().empty());
}

TEST_CASE("a PEM without an NHS number converts, the patient under the 111 service's own id, with a warning") {
  Converted c = convert_file("pem_no_nhs_number.xml");
  REQUIRE_MESSAGE(c.conv.status == Status::Converted, problems(c.conv.diagnostics));
  CHECK(c.conv.nhs_number.empty());
  CHECK(has_issue(c.conv.diagnostics, fhir::Severity::Warning, "no NHS number"));
  CHECK(eval(c.bundle, "entry.resource.ofType(Patient).identifier.value") == Strings{"NWX-CALLER-20261203-0031"});
  CHECK(eval(c.bundle, "entry.resource.ofType(Patient).identifier.where(system = 'https://fhir.nhs.uk/Id/nhs-number').count()") == Strings{"0"});
  CHECK(c.validation.error_count() == 0);
}

TEST_CASE("unknown templates: carried as narrative sections with a warning, their entries and header parts reported unmapped") {
  Converted c = convert_file("pem_unknown_templates.xml");
  REQUIRE_MESSAGE(c.conv.status == Status::Converted, problems(c.conv.diagnostics));
  const fhir::Node& b = c.bundle;
  int unknown = 0;
  for (const fhir::Issue& i : c.conv.diagnostics.issues()) unknown += i.key == "unknown-template";
  CHECK(unknown == 2);
  CHECK(has_issue(c.conv.diagnostics, fhir::Severity::Warning, "'COCD_TP999901GB01'"));
  CHECK(eval(b, "entry.resource.ofType(Composition).section.title") == Strings{"Reason for call", "Safeguarding", "Call handler notes"});
  CHECK(eval(b, "entry.resource.ofType(Composition).section[1].text.div.contains('No safeguarding concerns identified.')") == Strings{"true"});
  CHECK(eval(b, "entry.resource.ofType(Composition).section[1].code.coding.code") == Strings{"safeguarding"});  // known by its title
  CHECK(eval(b, "entry.resource.ofType(Composition).section[2].text.div") ==
        Strings{"<div xmlns=\"http://www.w3.org/1999/xhtml\"><span>Caller was calm.</span><br/>Line dropped once and was called back.</div>"});
  CHECK(eval(b, "entry.resource.ofType(Observation).count()") == Strings{"0"});
  CHECK(c.conv.unmapped == Strings{"ClinicalDocument/participant", "ClinicalDocument/component/structuredBody/component/section/entry"});
  // The NHS number as sent, not traced: verification status 02.
  CHECK(eval(b, "entry.resource.ofType(Patient).identifier.extension.value.coding.code") == Strings{"02"});
}

TEST_CASE("a replacement version keys the same Composition and says which document it replaces") {
  Converted first = convert_file("pem_dx05_gp_2h_envelope.xml"), second = convert_file("pem_dx05_replacement.xml");
  REQUIRE(first.conv.status == Status::Converted);
  REQUIRE_MESSAGE(second.conv.status == Status::Converted, problems(second.conv.diagnostics));
  CHECK(eval(second.bundle, "entry.where(resource is Composition).request.url") == eval(first.bundle, "entry.where(resource is Composition).request.url"));
  CHECK(eval(second.bundle, "entry.resource.ofType(Composition).relatesTo.code") == Strings{"replaces"});
  CHECK(eval(second.bundle, "entry.resource.ofType(Composition).relatesTo.target.value").size() == 1);
}

TEST_CASE("nested sections stay nested; a tracker recipient is an Organization but not the registered GP") {
  Converted nested = convert_file("pem_dx06_nested_sections.xml");
  REQUIRE_MESSAGE(nested.conv.status == Status::Converted, problems(nested.conv.diagnostics));
  CHECK(eval(nested.bundle, "entry.resource.ofType(Composition).section[0].section.title") == Strings{"Glass test"});
  Converted stroke = convert_file("pem_dx011_ambulance_envelope.xml");
  REQUIRE_MESSAGE(stroke.conv.status == Status::Converted, problems(stroke.conv.diagnostics));
  CHECK(eval(stroke.bundle, "entry.resource.ofType(Patient).generalPractitioner.identifier.value") == Strings{"P88012"});
  CHECK(eval(stroke.bundle, "entry.resource.ofType(Organization).identifier.value contains 'RWJ'") == Strings{"true"});
  CHECK(eval(stroke.bundle, "entry.resource.ofType(Observation).where(code.coding.code = '8310-5').value.code") == Strings{"Cel"});
}

TEST_CASE("unreadable documents: malformed XML, an envelope without a document, XML that is not CDA") {
  for (const char* f : {"pem_malformed.xml", "pem_envelope_no_payload.xml"}) {
    CAPTURE(f);
    Converted c = convert_file(f);
    CHECK(c.conv.status == Status::Unreadable);
    CHECK(c.conv.bundle_json.empty());
    CHECK(c.conv.diagnostics.has_errors());
  }
  CHECK(has_issue(convert_file("pem_malformed.xml").conv.diagnostics, fhir::Severity::Fatal, "not well-formed XML"));
  CHECK(has_issue(convert_file("pem_envelope_no_payload.xml").conv.diagnostics, fhir::Severity::Fatal, "no ClinicalDocument"));
  Converted other = convert_text("<PatientCareRecord xmlns=\"urn:medaxis:pcr:3\"/>");
  CHECK(other.conv.status == Status::Unreadable);
  CHECK(has_issue(other.conv.diagnostics, fhir::Severity::Fatal, "not an NHS CDA document"));
  CHECK(convert_text("MSH|^~\\&|").conv.status == Status::Unreadable);
}

TEST_CASE("refusals: an NHS number failing Modulus 11 (a warning when the node traces patients), a timestamp that is not one") {
  Converted bad = convert_file("pem_bad_nhs_number.xml");
  CHECK(bad.conv.status == Status::Refused);
  CHECK(has_issue(bad.conv.diagnostics, fhir::Severity::Error, "NHS number '4126339206'"));
  Converted traced = convert_text(corpus("pem_bad_nhs_number.xml"), true);
  REQUIRE_MESSAGE(traced.conv.status == Status::Converted, problems(traced.conv.diagnostics));
  CHECK(traced.conv.nhs_number.empty());
  CHECK(has_issue(traced.conv.diagnostics, fhir::Severity::Warning, "taken as missing"));
  Converted when = convert_text(replaced(corpus("pem_dx75_pharmacy.xml"), "<birthTime value=\"19830115\"/>", "<birthTime value=\"1983-01-15\"/>"));
  CHECK(when.conv.status == Status::Refused);
  CHECK(has_issue(when.conv.diagnostics, fhir::Severity::Error, "'1983-01-15' is not a CDA timestamp"));
  for (const fhir::Issue& i : when.conv.diagnostics.issues())
    if (i.severity == fhir::Severity::Error) CHECK(i.location == "ClinicalDocument/recordTarget/patientRole/patient/birthTime");
}

TEST_CASE("settings: envelope required refuses a bare document; a wrong value is a configuration problem") {
  auto strict = plugins::cda::make(plugins::cda::Settings{true});
  node::MessageInfo info{"nhs111-pem", "cda", "2026-12-03T18:40:00Z", "", nullptr};
  CHECK(strict->convert(corpus("pem_dx75_pharmacy.xml"), info).status == Status::Refused);
  CHECK(strict->convert(corpus("pem_dx13_self_care_envelope.xml"), info).status == Status::Converted);
  rapidjson::Document cfg;
  cfg.Parse(R"({"envelope": "sometimes"})");
  std::vector<std::string> issues;
  node::ConfigReader r(&cfg, "$.converters.cda", issues);
  (void)plugins::cda::factory(r);
  REQUIRE(issues.size() == 1);
  CHECK(issues[0].find("'optional' or 'required'") != std::string::npos);
}

TEST_CASE("a CDA document is known by its document element (the file drop's default format)") {
  CHECK(plugins::looks_like_cda(corpus("pem_dx75_pharmacy.xml")));
  CHECK(plugins::looks_like_cda(corpus("pem_dx05_gp_2h_envelope.xml")));
  CHECK(plugins::looks_like_cda("<!-- a comment --><ClinicalDocument xmlns=\"urn:hl7-org:v3\"/>"));
  CHECK_FALSE(plugins::looks_like_cda("<Patient xmlns=\"http://hl7.org/fhir\"><id value=\"1\"/></Patient>"));
  CHECK_FALSE(plugins::looks_like_cda("<?xml version=\"1.0\"?>"));
  CHECK_FALSE(plugins::looks_like_cda("MSH|^~\\&|"));
}

TEST_CASE("as a FHIR document Bundle: type document, the Composition first, identifier and timestamp, valid against R4 and UK Core") {
  auto doc = plugins::cda::make(plugins::cda::Settings{false, true});
  node::MessageInfo info{"", "cda", "2026-12-03T18:40:00Z", "", nullptr};
  for (const char* f : {"pem_dx02_ed_coded.xml", "pem_dx05_gp_2h_envelope.xml", "pem_unknown_templates.xml"}) {
    CAPTURE(f);
    node::Conversion c = doc->convert(corpus(f), info);
    REQUIRE_MESSAGE(c.status == Status::Converted, problems(c.diagnostics));
    fhir::Node b;
    fhir::Diagnostics v, uk;
    REQUIRE(fhir::parse_json(c.bundle_json, fhir::Schema::r4(), b, v));
    fhir::validate(b, fhir::Schema::r4(), v);
    fhirpath::check_invariants(b, fhir::Schema::r4(), v);  // bdl-9, bdl-10, bdl-11: identifier, timestamp, Composition first
    CHECK_MESSAGE(v.error_count() == 0, problems(v));
    profiles::validate_profiles(b, {}, hw_test::uk_core(), uk);
    CHECK_MESSAGE(uk.error_count() == 0, problems(uk));
    CHECK(eval(b, "type") == Strings{"document"});
    CHECK(eval(b, "entry.first().resource is Composition") == Strings{"true"});
    CHECK(eval(b, "identifier.value") == eval(b, "entry.first().resource.identifier.value"));
    CHECK(eval(b, "entry.request.count()") == Strings{"0"});
    CHECK(eval(b, "entry.resource.ofType(Provenance).count()") == Strings{"0"});
    // Every reference of the document resolves inside it.
    CHECK(eval(b, "entry.resource.descendants().where($this is Reference and reference.exists()).count() > 5") == Strings{"true"});
    CHECK(eval(b, "entry.resource.descendants().where($this is Reference and reference.exists()).reference.distinct()"
                  ".where(%resource.entry.fullUrl contains $this).count() = "
                  "entry.resource.descendants().where($this is Reference and reference.exists()).reference.distinct().count()") == Strings{"true"});
  }
}

TEST_CASE("a document whose custodian is another 111 service than the sender's organisation is refused") {
  static const auto conv = plugins::make_converter("cda");
  node::Caller nwx;
  nwx.kind = node::Caller::Kind::System;
  nwx.id = "pem";
  nwx.ods_code = "nwx";  // ODS codes compare without case
  node::MessageInfo info{"nhs111-pem", "cda", "2026-12-03T18:40:00Z", "", &nwx};
  CHECK(conv->convert(corpus("pem_dx05_gp_2h_envelope.xml"), info).status == Status::Converted);  // custodian NWX
  node::Conversion other = conv->convert(corpus("pem_dx02_ed_coded.xml"), info);                   // custodian E3Q
  CHECK(other.status == Status::Refused);
  CHECK(has_issue(other.diagnostics, fhir::Severity::Error, "custodian is 'E3Q'"));
  nwx.facilities = {"E3Q"};  // a system configured to speak for both
  CHECK(conv->convert(corpus("pem_dx02_ed_coded.xml"), info).status == Status::Converted);
}
