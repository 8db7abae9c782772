// Mutated copies of official examples produce the expected errors, at the expected locations.
#include <doctest/doctest.h>


#include "fhir/codec.hpp"
#include "fhir/validator.hpp"
#include "tests/fhir/test_support.hpp"

using namespace hidewire::fhir;

namespace {

struct Outcome {
  bool readable = false;
  Diagnostics diags;
  bool has(std::string_view location, std::string_view fragment, Severity s = Severity::Error) const {
    for (const Issue& i : diags.issues())
      if (i.severity == s && i.location == location && i.message.find(fragment) != std::string::npos) return true;
    return false;
  }
  bool has_message(std::string_view fragment, Severity s) const {
    for (const Issue& i : diags.issues())
      if (i.severity == s && i.message.find(fragment) != std::string::npos) return true;
    return false;
  }
  bool has_key(std::string_view key) const {
    for (const Issue& i : diags.issues())
      if (i.key == key && (i.severity == Severity::Error || i.severity == Severity::Fatal)) return true;
    return false;
  }
  std::string dump() const {
    std::string out;
    for (const Issue& i : diags.issues())
      out += std::string(severity_name(i.severity)) + " " + i.location + ": " + i.message + "\n";
    return out;
  }
};

Outcome check_text(const std::string& text, const ParseLimits& limits = {}) {
  Outcome o;
  Node root;
  o.readable = parse_any(text, Schema::r4(), root, o.diags, limits);
  if (o.readable) validate(root, Schema::r4(), o.diags);
  return o;
}

// Validates an official example with JSON Pointer edits applied.
Outcome mutate(const std::string& example, std::initializer_list<std::pair<const char*, const char*>> edits) {
  return check_text(hw_test::mutated_example(example, edits));
}

}  // namespace

TEST_CASE("the unmutated examples used below are valid") {
  for (const char* f : {"patient-example.json", "observation-example.json"}) {
    Outcome o = mutate(f, {});
    CHECK_MESSAGE(o.diags.error_count() == 0, o.dump());
  }
  // One of the examples' errata (tests/data/NOTICE): fixed, it is valid.
  Outcome mr = mutate("medicationrequest0301.json", {});
  CHECK_MESSAGE(mr.diags.error_count() == 1, mr.dump());
  CHECK(mr.has("MedicationRequest.dispenseRequest.performer", "points at a Practitioner"));
  Outcome fixed = mutate("medicationrequest0301.json", {{"/dispenseRequest/performer/reference", "\"Organization/f001\""}});
  CHECK_MESSAGE(fixed.diags.error_count() == 0, fixed.dump());
}

TEST_CASE("references point at the types their elements allow") {
  Outcome wrong = mutate("observation-example.json", {{"/subject/reference", "\"Medication/m1\""}});
  CHECK_MESSAGE(wrong.has("Observation.subject", "points at a Medication, but Observation.subject may only point at Patient"), wrong.dump());
  Outcome absolute = mutate("observation-example.json", {{"/subject/reference", "\"https://example.org/fhir/Medication/m1/_history/2\""}});
  CHECK_MESSAGE(absolute.has("Observation.subject", "points at a Medication"), absolute.dump());
  Outcome typed = mutate("observation-example.json", {{"/subject", R"({"type": "Medication", "identifier": {"value": "x"}})"}});
  CHECK_MESSAGE(typed.has("Observation.subject", "points at a Medication"), typed.dump());
  // In a Bundle, a urn:uuid names an entry, whose resource's type is what counts.
  std::string bundle = R"({"resourceType": "Bundle", "type": "transaction", "entry": [
    {"fullUrl": "urn:uuid:0b6bbd51-1b9a-4a7d-9c39-62f8a0a7e0c1", "resource": {"resourceType": "Practitioner"},
     "request": {"method": "POST", "url": "Practitioner"}},
    {"fullUrl": "urn:uuid:6e3c2b7e-33f5-4a8e-8f7d-2f0f5f0a9d11", "resource": {"resourceType": "Observation", "status": "final",
     "code": {"text": "pulse"}, "subject": {"reference": "urn:uuid:0b6bbd51-1b9a-4a7d-9c39-62f8a0a7e0c1"},
     "performer": [{"reference": "urn:uuid:0b6bbd51-1b9a-4a7d-9c39-62f8a0a7e0c1"}]},
     "request": {"method": "POST", "url": "Observation"}}]})";
  Outcome b = check_text(bundle);
  CHECK_MESSAGE(b.has("Bundle.entry[1].resource.subject", "points at a Practitioner"), b.dump());
  CHECK_MESSAGE(b.diags.error_count() == 1, b.dump());  // performer may be a Practitioner
  // What tells nothing of its type is not judged: contained, bare identifiers, unknown types.
  for (const char* ref : {"\"#p1\"", "\"urn:uuid:00000000-0000-0000-0000-000000000000\"", "\"Thing/1\""}) {
    Outcome o = mutate("observation-example.json", {{"/subject/reference", ref}});
    CHECK_MESSAGE(!o.has("Observation.subject", "points at"), o.dump());
  }
}

TEST_CASE("unknown elements") {
  Outcome o = mutate("patient-example.json", {{"/favouriteColour", "\"blue\""}, {"/name/0/nickname", "\"Jim\""}});
  CHECK_MESSAGE(o.has("Patient.favouriteColour", "unknown element 'favouriteColour'"), o.dump());
  CHECK_MESSAGE(o.has("Patient.name[0].nickname", "unknown element 'nickname' in HumanName"), o.dump());
}

TEST_CASE("cardinality") {
  Outcome missing = mutate("observation-example.json", {{"/status", "<delete>"}, {"/code", "<delete>"}});
  CHECK_MESSAGE(missing.has("Observation.status", "minimum required = 1, but only found 0"), missing.dump());
  CHECK_MESSAGE(missing.has("Observation.code", "minimum required = 1"), missing.dump());
  Outcome array = mutate("patient-example.json", {{"/gender", "[\"male\",\"female\"]"}});
  CHECK_MESSAGE(array.has("Patient.gender", "is not repeating but is given as an array"), array.dump());
  CHECK_MESSAGE(array.has("Patient.gender", "maximum allowed = 1, but found 2"), array.dump());
  Outcome single = mutate("patient-example.json", {{"/identifier", "{\"value\":\"12345\"}"}});
  CHECK_MESSAGE(single.has("Patient.identifier", "repeats and must be a JSON array"), single.dump());
  Outcome empty = mutate("patient-example.json", {{"/telecom", "[]"}});
  CHECK_MESSAGE(empty.has("Patient.telecom", "must not be empty"), empty.dump());
}

TEST_CASE("choice types") {
  Outcome wrong = mutate("observation-example.json", {{"/valueAddress", "{\"city\":\"Leeds\"}"}});
  CHECK_MESSAGE(wrong.has("Observation.valueAddress", "type 'Address' is not allowed for Observation.value[x]"), wrong.dump());
  Outcome two = mutate("observation-example.json", {{"/valueString", "\"high\""}});
  CHECK_MESSAGE(two.has("Observation.value[x]", "maximum allowed = 1, but found 2"), two.dump());
}

TEST_CASE("primitive formats") {
  Outcome o = mutate("patient-example.json", {{"/birthDate", "\"1974-13-25\""},
                                              {"/id", "\"not an id!\""},
                                              {"/active", "\"true\""},
                                              {"/telecom/0/rank", "0"},
                                              {"/managingOrganization/reference", "\"\""}});
  CHECK_MESSAGE(o.has("Patient.birthDate", "not a valid date"), o.dump());
  CHECK_MESSAGE(o.has("Patient.id", "not a valid id"), o.dump());
  CHECK_MESSAGE(o.has("Patient.active", "must be a JSON boolean"), o.dump());
  CHECK_MESSAGE(o.has("Patient.managingOrganization.reference", "empty"), o.dump());
  Outcome dt = mutate("observation-example.json", {{"/effectiveDateTime", "\"2013-04-02T10:30\""},
                                                   {"/issued", "\"2013-04-03\""},
                                                   {"/valueQuantity/value", "\"6.3\""}});
  CHECK_MESSAGE(dt.has("Observation.effectiveDateTime", "not a valid dateTime"), dt.dump());
  CHECK_MESSAGE(dt.has("Observation.issued", "not a valid instant"), dt.dump());
  CHECK_MESSAGE(dt.has("Observation.valueQuantity.value", "must be a JSON number"), dt.dump());
  Outcome uri = mutate("patient-example.json", {{"/identifier/0/system", "\"urn:oid:1.2.36 .146.595.217.0.1\""}});
  CHECK_MESSAGE(uri.has("Patient.identifier[0].system", "not a valid uri"), uri.dump());
}

TEST_CASE("required bindings") {
  Outcome o = mutate("patient-example.json", {{"/gender", "\"mail\""}});
  CHECK_MESSAGE(o.has("Patient.gender", "not in the required value set"), o.dump());
  Outcome obs = mutate("observation-example.json", {{"/status", "\"done\""}});
  CHECK_MESSAGE(obs.has("Observation.status", "'done' is not in the required value set"), obs.dump());
  Outcome ok = mutate("patient-example.json", {{"/gender", "\"other\""}});
  CHECK(ok.diags.error_count() == 0);
}

TEST_CASE("NHS numbers") {
  Outcome good = mutate("patient-example.json",
                        {{"/identifier/0", R"({"system":"https://fhir.nhs.uk/Id/nhs-number","value":"9434765919"})"}});
  CHECK_MESSAGE(good.diags.error_count() == 0, good.dump());
  Outcome bad = mutate("patient-example.json",
                       {{"/identifier/0", R"({"system":"https://fhir.nhs.uk/Id/nhs-number","value":"9434765918"})"}});
  CHECK_MESSAGE(bad.has_key("nhs-number"), bad.dump());
  CHECK_MESSAGE(bad.has("Patient.identifier[0].value", "check digit"), bad.dump());
  Outcome status = mutate(
      "patient-example.json",
      {{"/identifier/0",
        R"({"extension":[{"url":"https://fhir.hl7.org.uk/StructureDefinition/Extension-UKCore-NHSNumberVerificationStatus",)"
        R"("valueCodeableConcept":{"coding":[{"system":"https://fhir.hl7.org.uk/CodeSystem/UKCore-NHSNumberVerificationStatusEngland","code":"99"}]}}],)"
        R"("system":"https://fhir.nhs.uk/Id/nhs-number","value":"9434765919"})"}});
  CHECK_MESSAGE(status.has_key("nhs-number-verification"), status.dump());
}

TEST_CASE("narrative") {
  Outcome o = mutate("patient-example.json",
                     {{"/text/div", R"("<div xmlns=\"http://www.w3.org/1999/xhtml\"><script>alert(1)</script>x</div>")"}});
  CHECK_MESSAGE(o.has_key("txt-1"), o.dump());
  Outcome broken = mutate("patient-example.json", {{"/text/div", R"("<div xmlns=\"http://www.w3.org/1999/xhtml\"><p>x</div>")"}});
  CHECK_MESSAGE(broken.has("Patient.text.div", "not well-formed"), broken.dump());
}

TEST_CASE("contained resources and bundle entries are validated in place") {
  Outcome o = mutate("medicationrequest0301.json", {{"/contained/0/status", "\"finished\""}});
  CHECK_MESSAGE(o.has("MedicationRequest.contained[0].status", "not in the required value set"), o.dump());
  Outcome b = mutate("bundle-questionnaire.json", {{"/entry/0/resource/status", "\"sometimes\""}});
  CHECK_MESSAGE(b.diags.error_count() >= 1, b.dump());
  Outcome u = mutate("medicationrequest0301.json", {{"/contained/0/resourceType", "\"Medicine\""}});
  CHECK_MESSAGE(u.has("MedicationRequest.contained[0]", "unknown resourceType 'Medicine'"), u.dump());
}

TEST_CASE("bad input is refused with a clear message") {
  Outcome broken = check_text("{\"resourceType\":\"Patient\",\n\"active\": tru}");
  CHECK_FALSE(broken.readable);
  CHECK_MESSAGE(broken.has("", "invalid JSON", Severity::Fatal), broken.dump());
  CHECK_MESSAGE(broken.has("", "line 2", Severity::Fatal), broken.dump());
  Outcome unknown = check_text(R"({"resourceType":"Patinet","id":"x"})");
  CHECK_FALSE(unknown.readable);
  CHECK(unknown.has("", "unknown resourceType 'Patinet'", Severity::Fatal));
  Outcome none = check_text(R"({"id":"x"})");
  CHECK(none.has("", "missing resourceType", Severity::Fatal));
  Outcome xml = check_text("<Patient xmlns=\"http://hl7.org/fhir\"><id value=\"x\"></Patient>");
  CHECK_FALSE(xml.readable);
  CHECK(xml.has("", "invalid XML", Severity::Fatal));
  Outcome ns = check_text("<Patient xmlns=\"http://example.org\"><id value=\"x\"/></Patient>");
  CHECK(ns.has("Patient", "not in the FHIR namespace", Severity::Fatal));
  Outcome dtd = check_text("<!DOCTYPE x [<!ENTITY a \"aaaa\">]><Patient xmlns=\"http://hl7.org/fhir\"/>");
  CHECK(dtd.has("", "DTDs", Severity::Fatal));
  Outcome neither = check_text("MSH|^~\\&|");
  CHECK(neither.has("", "neither FHIR JSON nor FHIR XML", Severity::Fatal));
}

TEST_CASE("huge and deeply nested input is refused, not crashed on") {
  std::string deep = "{\"resourceType\":\"Patient\",\"extension\":[";
  std::string close;
  for (int i = 0; i < 100000; ++i) {
    deep += "{\"url\":\"http://x\",\"extension\":[";
    close += "]}";
  }
  deep += close + "]}";
  Outcome d = check_text(deep);
  CHECK_FALSE(d.readable);
  CHECK_MESSAGE(d.has("", "deeper than the limit", Severity::Fatal), d.dump());

  std::string deep_xml = "<Patient xmlns=\"http://hl7.org/fhir\">";
  for (int i = 0; i < 20000; ++i) deep_xml += "<extension url=\"http://x\">";
  for (int i = 0; i < 20000; ++i) deep_xml += "</extension>";
  deep_xml += "</Patient>";
  Outcome dx = check_text(deep_xml);
  CHECK_FALSE(dx.readable);
  CHECK_MESSAGE(dx.has_message("XML nesting is deeper than the limit of 100", Severity::Fatal), dx.dump());

  ParseLimits small;
  small.max_bytes = 100;
  Outcome big = check_text(hw_test::read_file(hw_test::data_path("fhir-r4-examples/patient-example.json")), small);
  CHECK_FALSE(big.readable);
  CHECK(big.has("", "over the limit of 100", Severity::Fatal));
}

TEST_CASE("XML-specific structure errors") {
  Outcome order = check_text(
      "<Patient xmlns=\"http://hl7.org/fhir\"><gender value=\"male\"/><active value=\"true\"/></Patient>");
  CHECK_MESSAGE(order.has("Patient.active", "out of order"), order.dump());
  Outcome attr = check_text("<Patient xmlns=\"http://hl7.org/fhir\"><active value=\"true\" colour=\"red\"/></Patient>");
  CHECK_MESSAGE(attr.has("Patient.active", "unknown attribute 'colour'"), attr.dump());
  Outcome text = check_text("<Patient xmlns=\"http://hl7.org/fhir\"><active value=\"true\">yes</active></Patient>");
  CHECK_MESSAGE(text.has("Patient.active", "text content is not allowed"), text.dump());
}

TEST_CASE("objects with very many keys are handled in linear time") {
  // 100,000 distinct unknown keys, each with a `_` companion: a quadratic key scan would not
  // finish; the reader indexes large objects instead.
  std::string text = "{\"resourceType\":\"Patient\"";
  for (int i = 0; i < 100000; ++i) text += ",\"k" + std::to_string(i) + "\":1,\"_k" + std::to_string(i) + "\":{}";
  text += ",\"active\":true,\"active\":false}";
  Outcome o = check_text(text);
  REQUIRE(o.readable);
  CHECK_MESSAGE(o.has("Patient.active", "duplicate JSON property 'active'"), "missing duplicate report");
  CHECK(o.has("Patient.k99999", "unknown element 'k99999'"));
  Node root;
  Diagnostics d;
  REQUIRE(parse_json(text, Schema::r4(), root, d));
  std::string back = write_json(root);  // grouping 200,000 distinct names must stay linear too
  CHECK(back.find("\"k99999\":1") != std::string::npos);
}

TEST_CASE("canonical references, Coding.system, Attachment.size, id-only primitives") {
  Outcome relative = check_text(R"({"resourceType":"Questionnaire","status":"draft","derivedFrom":["Questionnaire/phq9"]})");
  CHECK(relative.has("Questionnaire.derivedFrom[0]", "canonical URLs must be absolute"));
  CHECK(check_text(R"({"resourceType":"Questionnaire","status":"draft","derivedFrom":["#q1"]})").diags.error_count() == 0);

  Outcome local = mutate("observation-example.json", {{"/code/coding/0/system", "\"loinc\""}});
  CHECK(local.has("Observation.code.coding[0].system", "must be an absolute URI"));
  Outcome value_set = mutate("observation-example.json", {{"/code/coding/0/system", "\"http://hl7.org/fhir/ValueSet/observation-codes\""}});
  CHECK(value_set.has("Observation.code.coding[0].system", "names a value set, not a code system"));

  std::string media = R"({"resourceType":"Media","status":"completed","content":{"contentType":"text/plain","data":"aGVsbG8gd29ybGQ=","size":SIZE}})";
  CHECK(check_text(media.replace(media.find("SIZE"), 4, "11")).diags.error_count() == 0);
  media.replace(media.find("11"), 2, "100");
  CHECK(check_text(media).has("Media.content.size", "Attachment.size is 100, but the data holds 11 bytes"));

  Outcome id_only = check_text(R"(<Patient xmlns="http://hl7.org/fhir"><implicitRules id="i1"/><active value="true"/></Patient>)");
  CHECK(id_only.has("Patient.implicitRules", "neither a value nor extensions"));
}

TEST_CASE("XML entities other than the five predefined ones are refused") {
  Outcome reg = check_text(R"(<Patient xmlns="http://hl7.org/fhir"><name><text value="Smith&reg;"/></name></Patient>)");
  CHECK(!reg.readable);
  CHECK(reg.has_message("the entity '&reg;' is referenced but not declared", Severity::Fatal));
  Outcome ok = check_text(R"(<Patient xmlns="http://hl7.org/fhir"><!-- &nbsp; in a comment --><name><text value="O&apos;Neil &amp; Sons &#169;"/></name></Patient>)");
  CHECK_MESSAGE(ok.diags.error_count() == 0, ok.dump());
}

TEST_CASE("Questionnaire: enableWhen names another item of the questionnaire") {
  auto q = [](const std::string& question) {
    return R"j({"resourceType":"Questionnaire","status":"draft","item":[{"linkId":"smokes","type":"boolean"},
      {"linkId":"stopping","type":"group","enableWhen":[{"question":")j" + question + R"j(","operator":"exists","answerBoolean":true}],
       "item":[{"linkId":"quit-date","type":"date"}]}]})j";
  };
  CHECK(check_text(q("smokes")).diags.error_count() == 0);
  CHECK(check_text(q("quit-date")).has("Questionnaire.item[1].enableWhen[0].question", "is this item or one inside it"));
  CHECK(check_text(q("stopping")).has("Questionnaire.item[1].enableWhen[0].question", "is this item or one inside it"));
  CHECK(check_text(q("alcohol")).has("Questionnaire.item[1].enableWhen[0].question", "is not an item of the questionnaire"));
}
