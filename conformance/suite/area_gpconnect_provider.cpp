// Area: the product as a GP-record provider (--target http(s)://base): GP Connect Access Record
// Structured 1.6 (`POST [base]/Patient/$gpc.getstructuredrecord`) as hidewire serves it in R4
// (docs/FEDERATION.md): the parameters' errors with their Spine codes, unknown and deceased
// patients not found, the record of a registered patient, Cache-Control: no-store.
#include <rapidjson/document.h>

#include <functional>

#include "conformance/suite/probes.hpp"
#include "conformance/suite/tokens.hpp"

namespace hidewire::conformance::suite {
namespace {

constexpr const char* kPath = "/Patient/$gpc.getstructuredrecord";
const std::vector<std::string> kHeaders = {"Ssp-InteractionID: urn:nhs:names:services:gpconnect:fhir:operation:gpc.getstructuredrecord-1"};

std::string parameters(const std::string& nhs) {
  return R"({"resourceType":"Parameters","parameter":[{"name":"patientNHSNumber","valueIdentifier":)"
         R"({"system":"https://fhir.nhs.uk/Id/nhs-number","value":")" + nhs + R"("}},{"name":"includeAllergies","part":)"
         R"([{"name":"includeResolvedAllergies","valueBoolean":false}]}]})";
}

bool need_fhir(const Context& ctx, Result& r) {
  if (ctx.target.has_fhir()) return true;
  r.skip("no --target http(s)://BASE given: the product's GP Connect provider was not exercised");
  return false;
}

// One call expected to fail with `status` and Spine `code`; the answer for later checks.
HttpAnswer expect_error(Context& ctx, Result& r, const std::string& body, long status, const std::string& code, const std::string& label) {
  HttpAnswer h = http_call(ctx.target, "POST", kPath, body, true, label, r.evidence, kHeaders);
  if (h.status == 0) r.error("no answer to " + label + ": " + h.error);
  else if (h.status != status) r.fail(label + " was answered " + std::to_string(h.status) + ", not " + std::to_string(status) + " " + code);
  else if (spine_code(h.body) != code)
    r.fail(label + ": the OperationOutcome's Spine code is '" + spine_code(h.body) + "', not " + code);
  return h;
}

std::string unknown_nhs(const Context& ctx) { return nhs_number_from(std::hash<std::string>{}(ctx.run_id + "gpc-unknown")); }

void parameter_errors(Context& ctx, Result& r) {
  if (!need_fhir(ctx, r)) return;
  expect_error(ctx, r, parameters(with_wrong_check_digit(unknown_nhs(ctx))), 400, "INVALID_NHS_NUMBER", "an NHS number failing Modulus 11");
  expect_error(ctx, r, R"({"resourceType":"Parameters","parameter":[{"name":"includeAllergies","part":[{"name":"includeResolvedAllergies","valueBoolean":true}]}]})",
               422, "INVALID_PARAMETER", "no patientNHSNumber");
  expect_error(ctx, r, R"({"resourceType":"Patient"})", 422, "INVALID_RESOURCE", "a body that is not Parameters");
}

void unknown_patient(Context& ctx, Result& r) {
  if (!need_fhir(ctx, r)) return;
  expect_error(ctx, r, parameters(unknown_nhs(ctx)), 404, "PATIENT_NOT_FOUND", "a patient the product does not hold");
}

void deceased_patient(Context& ctx, Result& r) {
  if (!need_fhir(ctx, r)) return;
  if (ctx.target.gpc_deceased.empty()) return r.skip("no --gpc-deceased NHS_NUMBER given (a deceased test patient the product holds)");
  expect_error(ctx, r, parameters(ctx.target.gpc_deceased), 404, "PATIENT_NOT_FOUND", "a deceased patient's record");
}

void registered_record(Context& ctx, Result& r) {
  if (!need_fhir(ctx, r)) return;
  if (ctx.target.gpc_patient.empty()) return r.skip("no --gpc-patient NHS_NUMBER given (a registered test patient with a verified NHS number)");
  HttpAnswer h = http_call(ctx.target, "POST", kPath, parameters(ctx.target.gpc_patient), true, "the registered patient's record", r.evidence, kHeaders);
  if (h.status == 0) return r.error("no answer: " + h.error);
  if (h.status != 200) return r.fail("the registered patient's record was answered " + std::to_string(h.status) + ", not 200");
  rapidjson::Document d;
  if (!parse_resource(h.body, "Bundle", d) || !d.HasMember("type") || d["type"] != "collection") return r.fail("the record is not a collection Bundle");
  const rapidjson::Value* first = d.HasMember("entry") && d["entry"].IsArray() && !d["entry"].Empty() && d["entry"][0].HasMember("resource")
                                      ? &d["entry"][0]["resource"] : nullptr;
  bool named = false;
  if (first && first->IsObject() && first->HasMember("resourceType") && (*first)["resourceType"] == "Patient" && first->HasMember("identifier") &&
      (*first)["identifier"].IsArray())
    for (const auto& id : (*first)["identifier"].GetArray())
      named = named || (id.HasMember("value") && id["value"].IsString() && ctx.target.gpc_patient == id["value"].GetString());
  if (!named) return r.fail("the record's first entry is not the Patient with NHS number " + ctx.target.gpc_patient);
  if (std::string e = first_r4_error(h.body); !e.empty()) r.fail("the record is not valid FHIR R4: " + e);
}

// A sensitive patient (--gpc-sensitive) asked for by the second organisation, an ambulance service
// in an emergency, breaking the glass: it would have a relationship, but a sensitive record does
// not exist to it (GPC-ASR-02, docs/ACCESS.md R5), through GP Connect and the FHIR API alike. The
// suite's own credentials (the holder) must see the patient, or the test proves nothing.
void sensitive_patient(Context& ctx, Result& r) {
  if (!need_fhir(ctx, r)) return;
  const Target& t = ctx.target;
  if (t.gpc_sensitive.empty()) return r.skip("no --gpc-sensitive NHS_NUMBER given (a test patient whose record is sensitive, meta.security R)");
  if (!t.org2.given() || t.org2.ods.empty()) return r.skip("no second organisation given (--org2-iss, --org2-ods, --org2-key): nobody to ask as");
  const std::string search = "/Patient?identifier=https://fhir.nhs.uk/Id/nhs-number%7C" + t.gpc_sensitive;
  HttpAnswer own = http_call(t, "GET", search, "", true, "the sensitive patient, as the holder (the suite's credentials)", r.evidence);
  rapidjson::Document d;
  if (own.status == 0) return r.error("no answer: " + own.error);
  if (own.status != 200 || !parse_resource(own.body, "Bundle", d) || !d.HasMember("entry") || !d["entry"].IsArray() || d["entry"].Empty() ||
      !d["entry"][0].HasMember("resource") || !d["entry"][0]["resource"].HasMember("id") || !d["entry"][0]["resource"]["id"].IsString())
    return r.error("the sensitive test patient " + t.gpc_sensitive + " was not found with the suite's credentials (answered " + std::to_string(own.status) + ")");
  std::string id = d["entry"][0]["resource"]["id"].GetString();
  auto as = [&] {  // a fresh JWT each call: its jti is once only
    return as_bearer(t, organisation_token(t, t.org2, "emergency", "conformance test: unconscious patient, medication history needed"));
  };
  std::vector<std::string> headers = kHeaders;
  headers.push_back("X-Request-ID: hwconf-" + ctx.run_id + "-sensitive");
  const std::string who = " (as " + t.org2.ods + ", emergency, break-glass)";
  HttpAnswer g = http_call(as(), "POST", kPath, parameters(t.gpc_sensitive), true, "GP Connect: the sensitive patient's record" + who, r.evidence, headers);
  if (g.status == 0) return r.error("no answer: " + g.error);
  if (g.status != 404 || spine_code(g.body) != "PATIENT_NOT_FOUND")
    return r.fail("GP Connect: a sensitive patient's record was answered " + std::to_string(g.status) + (spine_code(g.body).empty() ? "" : " " + spine_code(g.body)) + ", not 404 PATIENT_NOT_FOUND");
  HttpAnswer read = http_call(as(), "GET", "/Patient/" + id, "", true, "the sensitive patient's Patient, read by id" + who, r.evidence);
  if (read.status != 404 || !is_operation_outcome(read.body))
    return r.fail("a sensitive patient read by id was answered " + std::to_string(read.status) + ", not 404 with an OperationOutcome");
  HttpAnswer found = http_call(as(), "GET", search, "", true, "the sensitive patient, searched for by NHS number" + who, r.evidence);
  if (found.status != 200 || bundle_count(found.body) != 0)
    r.fail("a sensitive patient searched for by NHS number was answered " + std::to_string(found.status) + " with " +
           std::to_string(bundle_count(found.body)) + " entries, not an empty searchset (as an unknown patient is)");
}

void no_store(Context& ctx, Result& r) {
  if (!need_fhir(ctx, r)) return;
  HttpAnswer a = http_call(ctx.target, "POST", kPath, parameters(unknown_nhs(ctx)), true, "a patient the product does not hold", r.evidence, kHeaders);
  HttpAnswer b = http_call(ctx.target, "POST", kPath, R"({"resourceType":"Patient"})", true, "a body that is not Parameters", r.evidence, kHeaders);
  for (const HttpAnswer* h : {&a, &b}) {
    if (h->status == 0) return r.error("no answer: " + h->error);
    std::string cc = header_value(h->headers, "Cache-Control");
    if (cc.find("no-store") == std::string::npos)
      return r.fail("a GP Connect answer (" + std::to_string(h->status) + ") carries Cache-Control '" + cc + "', not no-store");
  }
}

}  // namespace

void add_gpconnect_provider_tests(std::vector<TestCase>& out) {
  out.push_back({"GPC-PARAM-ERRORS", "GP Connect: an invalid NHS number 400 INVALID_NHS_NUMBER, a missing one 422 INVALID_PARAMETER, not Parameters 422 INVALID_RESOURCE",
                 "gpconnect-provider", {"GPC-ASR-01"}, parameter_errors});
  out.push_back({"GPC-UNKNOWN-PATIENT", "GP Connect: a patient not held is 404 PATIENT_NOT_FOUND", "gpconnect-provider", {"GPC-ASR-02"}, unknown_patient});
  out.push_back({"GPC-DECEASED", "GP Connect: a deceased patient is 404 PATIENT_NOT_FOUND", "gpconnect-provider", {"GPC-ASR-02"}, deceased_patient});
  out.push_back({"GPC-SENSITIVE", "GP Connect and the FHIR API: a sensitive patient is not found by another organisation, even breaking the glass",
                 "gpconnect-provider", {"GPC-ASR-02", "MU-SHARE-01"}, sensitive_patient});
  out.push_back({"GPC-RECORD", "GP Connect: a registered patient's record is a valid collection Bundle, the Patient first", "gpconnect-provider",
                 {"GPC-ASR-03", "MU-GPACCESS-02"}, registered_record});
  out.push_back({"GPC-NO-STORE", "GP Connect: every answer carries Cache-Control: no-store", "gpconnect-provider", {"GPC-ASR-04"}, no_store});
}

}  // namespace hidewire::conformance::suite
