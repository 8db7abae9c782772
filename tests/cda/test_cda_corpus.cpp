// Every valid NHS 111 Post Event Message of the corpus (tests/data/cda) converts to a transaction
// Bundle holding the document (Composition first), valid against R4, its invariants, the
// conformance gate and UK Core, each resource declaring its UK Core profile.
#include "tests/cda/cda_support.hpp"

using namespace hw_cda;

TEST_CASE("every valid PEM of the corpus converts to a valid Bundle holding its document") {
  int converted = 0;
  for (const std::string& f : hw_test::files_in("cda", ".xml")) {
    if (f.find("bad_") != std::string::npos || f.find("malformed") != std::string::npos || f.find("no_payload") != std::string::npos) continue;
    CAPTURE(f);
    Converted c = convert_text(hw_test::read_file(f));
    REQUIRE_MESSAGE(c.conv.status == Status::Converted, problems(c.conv.diagnostics));
    CHECK_MESSAGE(c.validation.error_count() == 0, problems(c.validation));
    CHECK_MESSAGE(c.uk_core.error_count() == 0, problems(c.uk_core));
    const fhir::Node& b = c.bundle;
    CHECK(eval(b, "type") == Strings{"transaction"});
    CHECK(eval(b, "entry.first().resource is Composition") == Strings{"true"});
    CHECK(eval(b, "entry.resource.ofType(Composition).subject.reference") == eval(b, "entry.where(resource is Patient).fullUrl"));
    CHECK(eval(b, "entry.resource.ofType(Composition).encounter.reference") == eval(b, "entry.where(resource is Encounter).fullUrl"));
    CHECK(eval(b, "entry.resource.ofType(Composition).type.coding.code") == Strings{"371531000"});
    CHECK(eval(b, "entry.resource.ofType(Encounter).class.code") == Strings{"VR"});
    CHECK(eval(b, "entry.resource.ofType(Encounter).hospitalization.dischargeDisposition.coding.code.startsWith('Dx')") == Strings{"true"});
    CHECK(eval(b, "entry.resource.ofType(Composition).custodian.reference.exists()") == Strings{"true"});
    // The sender is the 111 provider, the document's custodian.
    CHECK(eval(b, "entry.where(fullUrl = %resource.entry.resource.ofType(Composition).custodian.reference).resource.identifier.value") ==
          Strings{c.conv.sender});
    // The registered GP, by ODS code, on the Patient: what routes match.
    CHECK(eval(b, "entry.resource.ofType(Patient).generalPractitioner.identifier.system") == Strings{"https://fhir.nhs.uk/Id/ods-organization-code"});
    // Every section is kept: each has its narrative (or sub-sections).
    CHECK(eval(b, "entry.resource.ofType(Composition).section.where(text.empty() and section.empty()).count()") == Strings{"0"});
    // What the converter made declares its UK Core profile.
    CHECK(eval(b, "entry.resource.where(meta.profile.exists().not() and (ofType(Provenance).not())).resourceType") == Strings{});
    CHECK(eval(b, "entry.resource.ofType(Provenance).entity.what.identifier.value") == Strings{c.conv.control_id});
    CHECK(c.conv.event == "CDA^POCD_MT200001GB02");
    ++converted;
  }
  CHECK(converted == 9);
}
