// Area: the product as a GP Connect consumer, from the answers' side. The suite is the patient's
// GP practice (--gp-ods) and its GP Connect provider (--gpc-listen): it records test patients
// registered there in the product (POST [base]/Patient, the suite's credentials), scripts how
// its provider answers each one (a partial record, NO_PATIENT_CONSENT, PATIENT_NOT_FOUND, a 500,
// no answer in time), asks the product for each patient's record as a clinician
// (--record-query, default hidewire's `$hidewire-federated-record`, with the clinician's JWT
// --jwt-iss/--jwt-ods/--jwt-key) and checks how the product reports what the GP said: the
// record it got still shown, and an OperationOutcome naming what was partial or refused.
#include <rapidjson/document.h>

#include <algorithm>
#include <functional>

#include "conformance/suite/probes.hpp"
#include "conformance/suite/tokens.hpp"

namespace hidewire::conformance::suite {
namespace {

constexpr const char* kSpine = "https://fhir.nhs.uk/STU3/CodeSystem/Spine-ErrorOrWarningCode-1";

std::string scenario_nhs(const Context& ctx, const std::string& name) { return nhs_number_from(std::hash<std::string>{}(ctx.run_id + "gpc-answer-" + name)); }

bool ready(Context& ctx, Result& r) {
  const Target& t = ctx.target;
  if (ctx.gpc_listen_at.empty()) return r.skip("no --gpc-listen https://HOST:PORT given: the suite is not the GP's provider"), false;
  if (!t.has_fhir()) return r.skip("no --target http(s)://BASE given: the product's record query was not exercised"), false;
  if (t.gp_ods.empty()) return r.skip("no --gp-ods CODE given: the practice the suite's provider stands for"), false;
  if (!t.clinician.given()) return r.skip("no --jwt-iss/--jwt-key given: the suite cannot ask for a record as a clinician"), false;
  return true;
}

// A test patient registered at the suite's practice, recorded in the product; false when refused.
bool register_patient(Context& ctx, Result& r, const std::string& nhs, const std::string& family) {
  std::string body =
      R"({"resourceType":"Patient","identifier":[{"extension":[{"url":"https://fhir.hl7.org.uk/StructureDefinition/Extension-UKCore-NHSNumberVerificationStatus",)"
      R"("valueCodeableConcept":{"coding":[{"system":"https://fhir.hl7.org.uk/CodeSystem/UKCore-NHSNumberVerificationStatusEngland","code":"01"}]}}],)"
      R"("system":"https://fhir.nhs.uk/Id/nhs-number","value":")" + nhs + R"("}],"name":[{"family":")" + family + R"(","given":["GPCTEST"]}],)"
      R"("gender":"female","birthDate":"1961-09-23","generalPractitioner":[{"identifier":{"system":"https://fhir.nhs.uk/Id/ods-organization-code","value":")" +
      ctx.target.gp_ods + R"("}}]})";
  HttpAnswer h = http_call(ctx.target, "POST", "/Patient", body, true, "a test patient registered at " + ctx.target.gp_ods, r.evidence);
  if (h.status == 200 || h.status == 201) return true;
  if (h.status == 0) return r.error("no answer: " + h.error), false;
  return r.error("the product refused the suite's test patient (answered " + std::to_string(h.status) + ")"), false;
}

// The STU3 structured record the suite's provider serves: the patient, their practice, an allergy,
// and GP Connect's warning that one clinical area is not available.
std::string partial_record(const Context& ctx, const std::string& nhs) {
  return R"({"resourceType":"Bundle","meta":{"profile":["https://fhir.nhs.uk/STU3/StructureDefinition/GPConnect-StructuredRecord-Bundle-1"]},"type":"collection","entry":[)"
         R"({"resource":{"resourceType":"Patient","id":"p1","meta":{"profile":["https://fhir.nhs.uk/STU3/StructureDefinition/CareConnect-GPC-Patient-1"]},)"
         R"("identifier":[{"extension":[{"url":"https://fhir.nhs.uk/STU3/StructureDefinition/Extension-CareConnect-GPC-NHSNumberVerificationStatus-1",)"
         R"("valueCodeableConcept":{"coding":[{"system":"https://fhir.nhs.uk/STU3/CodeSystem/CareConnect-NHSNumberVerificationStatus-1","code":"01","display":"Number present and verified"}]}}],)"
         R"("system":"https://fhir.nhs.uk/Id/nhs-number","value":")" + nhs + R"("}],"active":true,"name":[{"use":"official","family":"PARTIAL","given":["GPCTEST"]}],)"
         R"("gender":"female","birthDate":"1961-09-23","managingOrganization":{"reference":"Organization/o1"}}},)"
         R"({"resource":{"resourceType":"Organization","id":"o1","meta":{"profile":["https://fhir.nhs.uk/STU3/StructureDefinition/CareConnect-GPC-Organization-1"]},)"
         R"("identifier":[{"system":"https://fhir.nhs.uk/Id/ods-organization-code","value":")" + ctx.target.gp_ods + R"("}],"name":"CONFORMANCE SUITE PRACTICE"}},)"
         R"({"resource":{"resourceType":"AllergyIntolerance","id":"a1","meta":{"profile":["https://fhir.nhs.uk/STU3/StructureDefinition/CareConnect-GPC-AllergyIntolerance-1"]},)"
         R"("clinicalStatus":"active","verificationStatus":"confirmed","category":["medication"],"code":{"coding":[{"system":"http://snomed.info/sct","code":"294505008","display":"Amoxicillin allergy"}]},)"
         R"("patient":{"reference":"Patient/p1"},"assertedDate":"2019-03-14"}},)"
         R"({"resource":{"resourceType":"OperationOutcome","meta":{"profile":["https://fhir.nhs.uk/STU3/StructureDefinition/GPConnect-OperationOutcome-1"]},)"
         R"("issue":[{"severity":"warning","code":"not-supported","details":{"coding":[{"system":")" + std::string(kSpine) +
         R"(","code":"NOT_IMPLEMENTED","display":"Not implemented"}]},"diagnostics":"the investigations area is not available from this practice's system"}]}}]})";
}

std::string spine_error(const char* code, const char* display, const char* issue_code) {
  return std::string(R"({"resourceType":"OperationOutcome","meta":{"profile":["https://fhir.nhs.uk/STU3/StructureDefinition/GPConnect-OperationOutcome-1"]},)") +
         R"("issue":[{"severity":"error","code":")" + issue_code + R"(","details":{"coding":[{"system":")" + kSpine + R"(","code":")" + code +
         R"(","display":")" + display + R"("}]},"diagnostics":"the conformance suite's provider answers so"}]})";
}

// What the product answered the clinician: its Bundle, the text of its OperationOutcomes' issues (codes, details, diagnostics).
struct Shown {
  long status = 0;
  bool bundle = false;
  std::string issues;
  std::vector<std::string> types;  // the resource types of its other entries
};

void issue_text(const rapidjson::Value& v, std::string& out) {
  if (v.IsString()) out += std::string(v.GetString()) + " ";
  else if (v.IsObject())
    for (const auto& m : v.GetObject()) issue_text(m.value, out);
  else if (v.IsArray())
    for (const auto& e : v.GetArray()) issue_text(e, out);
}

Shown ask_record(Context& ctx, Result& r, const std::string& nhs, const std::string& label) {
  Target as = as_bearer(ctx.target, organisation_token(ctx.target, ctx.target.clinician, "directcare"));
  std::string body = R"({"resourceType":"Parameters","parameter":[{"name":"patientNHSNumber","valueIdentifier":{"system":"https://fhir.nhs.uk/Id/nhs-number","value":")" +
                     nhs + R"("}}]})";
  HttpAnswer h = http_call(as, "POST", ctx.target.record_query, body, true, label + ": the product's record, asked for as a clinician", r.evidence,
                           {"X-Request-ID: hwconf-" + ctx.run_id + "-record-" + nhs});
  Shown s;
  s.status = h.status;
  rapidjson::Document d;
  s.bundle = h.status == 200 && parse_resource(h.body, "Bundle", d);
  if (!s.bundle) {
    if (h.status == 0) r.error("no answer to the record query: " + h.error);
    else r.fail(label + ": the record query was answered " + std::to_string(h.status) + (h.status == 200 ? " without a Bundle" : "") +
                ", not 200 with the record and what is missing");
    return s;
  }
  if (d.HasMember("entry") && d["entry"].IsArray())
    for (const auto& e : d["entry"].GetArray()) {
      if (!e.IsObject() || !e.HasMember("resource") || !e["resource"].IsObject() || !e["resource"].HasMember("resourceType")) continue;
      std::string type = e["resource"]["resourceType"].IsString() ? e["resource"]["resourceType"].GetString() : "";
      if (type == "OperationOutcome" && e["resource"].HasMember("issue")) issue_text(e["resource"]["issue"], s.issues);
      else s.types.push_back(type);
    }
  return s;
}

bool holds(const Shown& s, const std::string& type) { return std::find(s.types.begin(), s.types.end(), type) != s.types.end(); }

// The provider must have been asked for `nhs`; else the product never called the GP.
bool asked(Context& ctx, Result& r, const std::string& nhs, const std::string& label) {
  if (ctx.provider->asked(nhs) > 0) return true;
  r.fail(label + ": the product did not ask the GP's provider (" + ctx.gpc_listen_at + ") for the record");
  return false;
}

void partial_answer(Context& ctx, Result& r) {
  if (!ready(ctx, r)) return;
  std::string nhs = scenario_nhs(ctx, "partial");
  if (!register_patient(ctx, r, nhs, "PARTIAL")) return;
  ctx.provider->set(nhs, {200, partial_record(ctx, nhs), 0});
  Shown s = ask_record(ctx, r, nhs, "a partial GP record");
  if (!s.bundle || !asked(ctx, r, nhs, "a partial GP record")) return;
  if (!holds(s, "AllergyIntolerance") || !holds(s, "Patient"))
    return r.fail("a partial GP record: what the GP did send (the Patient, an allergy) is not in the product's answer");
  if (s.issues.find("NOT_IMPLEMENTED") == std::string::npos)
    r.fail("a partial GP record: the product's answer does not pass on the GP's warning (NOT_IMPLEMENTED: an area not available)");
}

void error_answers(Context& ctx, Result& r) {
  if (!ready(ctx, r)) return;
  struct Case {
    const char* name;
    ProviderAnswer answer;
    std::vector<std::string> any_of;  // the product's OperationOutcome must name one of these
  };
  int late = static_cast<int>(ctx.target.timeout.count());
  const Case cases[] = {
      {"NO_PATIENT_CONSENT", {403, spine_error("NO_PATIENT_CONSENT", "Patient has not provided consent to share data", "forbidden"), 0}, {"NO_PATIENT_CONSENT"}},
      {"PATIENT_NOT_FOUND", {404, spine_error("PATIENT_NOT_FOUND", "Patient not found", "not-found"), 0}, {"PATIENT_NOT_FOUND"}},
      {"a 500", {500, spine_error("INTERNAL_SERVER_ERROR", "Internal server error", "exception"), 0}, {"INTERNAL_SERVER_ERROR", "500"}},
      {"no answer in time", {200, "{}", late}, {"timeout", "deadline", "timed out"}},
  };
  for (const Case& c : cases) {
    std::string label = std::string("the GP answering ") + c.name;
    std::string nhs = scenario_nhs(ctx, c.name);
    if (!register_patient(ctx, r, nhs, "ERROR")) return;
    ctx.provider->set(nhs, c.answer);
    Shown s = ask_record(ctx, r, nhs, label);
    if (!s.bundle || !asked(ctx, r, nhs, label)) continue;
    bool named = false;
    for (const std::string& want : c.any_of) named = named || s.issues.find(want) != std::string::npos;
    if (!named) r.fail(label + ": the product's answer has no OperationOutcome naming it (" + c.any_of.front() + ")");
  }
}

}  // namespace

void add_gpconnect_answer_tests(std::vector<TestCase>& out) {
  out.push_back({"GPC-CONSUMER-PARTIAL", "GP Connect consumer: a partial GP record is shown with the GP's warning passed on", "gpconnect-consumer",
                 {"GPC-ASR-06", "MU-GPACCESS-01"}, partial_answer});
  out.push_back({"GPC-CONSUMER-ERRORS",
                 "GP Connect consumer: NO_PATIENT_CONSENT, PATIENT_NOT_FOUND, a 500 and a timeout from the GP are each reported, naming the reason",
                 "gpconnect-consumer", {"GPC-ASR-06", "MU-GPACCESS-01"}, error_answers});
}

}  // namespace hidewire::conformance::suite
