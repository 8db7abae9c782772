// Area: the product as a FHIR R4 server (--target http(s)://base): capabilities, read, search,
// create, each error as an OperationOutcome with the right status, and no reads without credentials.
#include <rapidjson/document.h>

#include <functional>

#include "conformance/suite/probes.hpp"

namespace hidewire::conformance::suite {
namespace {

bool need_fhir(const Context& ctx, Result& r) {
  if (ctx.target.has_fhir()) return true;
  r.skip("no --target http(s)://BASE given: the product's FHIR API was not exercised");
  return false;
}

bool answered(const HttpAnswer& h, Result& r) {
  if (h.status != 0) return true;
  r.error("no answer: " + h.error);
  return false;
}

std::string search_path(const Context& ctx) {
  return "/Patient?identifier=https://fhir.nhs.uk/Id/nhs-number%7C" + nhs_number_from(std::hash<std::string>{}(ctx.run_id + "search"));
}

void capability_statement(Context& ctx, Result& r) {
  if (!need_fhir(ctx, r)) return;
  HttpAnswer h = http_call(ctx.target, "GET", "/metadata", "", true, "the CapabilityStatement", r.evidence);
  if (!answered(h, r)) return;
  if (h.status != 200) return r.fail("GET /metadata answered " + std::to_string(h.status) + ", not 200");
  rapidjson::Document d;
  if (!parse_resource(h.body, "CapabilityStatement", d)) return r.fail("GET /metadata did not answer a CapabilityStatement in JSON");
  if (!d.HasMember("fhirVersion") || d["fhirVersion"] != "4.0.1")
    return r.fail(std::string("fhirVersion is '") + (d.HasMember("fhirVersion") && d["fhirVersion"].IsString() ? d["fhirVersion"].GetString() : "") +
                  "', not 4.0.1");
  bool json = false;
  if (d.HasMember("format") && d["format"].IsArray())
    for (const auto& f : d["format"].GetArray())
      if (f.IsString() && (std::string_view(f.GetString()) == "json" || std::string_view(f.GetString()).find("fhir+json") != std::string_view::npos))
        json = true;
  if (!json) return r.fail("CapabilityStatement.format does not list JSON (json or application/fhir+json)");
  if (std::string e = first_r4_error(h.body); !e.empty()) r.fail("the CapabilityStatement is not valid FHIR R4: " + e);
}

void read_missing(Context& ctx, Result& r) {
  if (!need_fhir(ctx, r)) return;
  HttpAnswer h = http_call(ctx.target, "GET", "/Patient/hw-conformance-missing-" + ctx.run_id, "", true, "a read of a Patient that does not exist",
                           r.evidence);
  if (!answered(h, r)) return;
  if (h.status != 404) r.fail("a missing Patient answered " + std::to_string(h.status) + ", not 404");
  else if (!is_operation_outcome(h.body)) r.fail("the 404 does not carry an OperationOutcome with an issue");
}

void search(Context& ctx, Result& r) {
  if (!need_fhir(ctx, r)) return;
  HttpAnswer h = http_call(ctx.target, "GET", search_path(ctx), "", true, "Patient search by NHS number", r.evidence);
  if (!answered(h, r)) return;
  if (h.status != 200) return r.fail("search answered " + std::to_string(h.status) + ", not 200");
  rapidjson::Document d;
  if (!parse_resource(h.body, "Bundle", d)) return r.fail("search did not answer a Bundle");
  if (!d.HasMember("type") || d["type"] != "searchset") r.fail("the search Bundle's type is not searchset");
}

void invalid_create(Context& ctx, Result& r) {
  if (!need_fhir(ctx, r)) return;
  // Two errors: an NHS number failing Modulus 11 and a birthDate that is not a date.
  std::string body = R"({"resourceType":"Patient","identifier":[{"system":"https://fhir.nhs.uk/Id/nhs-number","value":"1234567890"}],)"
                     R"("name":[{"family":"CONFORMANCE","given":["INVALID"]}],"birthDate":"14/02/1980"})";
  HttpAnswer h = http_call(ctx.target, "POST", "/Patient", body, true, "an invalid Patient created", r.evidence);
  if (!answered(h, r)) return;
  if (h.status < 400 || h.status > 499) r.fail("an invalid Patient was answered " + std::to_string(h.status) + ", not 4xx");
  else if (!is_operation_outcome(h.body)) r.fail("the " + std::to_string(h.status) + " does not carry an OperationOutcome with an issue");
}

void unauthenticated_refused(Context& ctx, Result& r) {
  if (!need_fhir(ctx, r)) return;
  if (!ctx.holds_health_data) return r.skip("pack " + ctx.pack + " does not hold health data");
  HttpAnswer h = http_call(ctx.target, "GET", search_path(ctx), "", false, "Patient search without credentials", r.evidence);
  if (h.status == 0) {
    // Refused at the TLS handshake (a client certificate required) is refused.
    if (ctx.target.fhir_base.rfind("https://", 0) == 0 && !ctx.target.cert.empty()) return;
    return r.error("no answer: " + h.error);
  }
  if (h.status != 401) r.fail("a caller without credentials was answered " + std::to_string(h.status) + ", not 401");
  else if (h.body.find("\"entry\"") != std::string::npos) r.fail("the 401 carries data");
}

}  // namespace

void add_fhir_server_tests(std::vector<TestCase>& out) {
  out.push_back({"FHIR-METADATA", "GET /metadata: a valid CapabilityStatement, fhirVersion 4.0.1, JSON", "fhir-server", {"FHIR-API-01"},
                 capability_statement});
  out.push_back({"FHIR-READ-MISSING", "a read of a missing resource: 404 with an OperationOutcome", "fhir-server", {"FHIR-API-02"}, read_missing});
  out.push_back({"FHIR-SEARCH", "Patient search by NHS number: 200, a searchset Bundle", "fhir-server", {"FHIR-API-03", "MU-NHSNO-02"}, search});
  out.push_back({"FHIR-INVALID-CREATE", "an invalid Patient created: 4xx with an OperationOutcome", "fhir-server", {"FHIR-API-04"},
                 invalid_create});
  out.push_back({"FHIR-UNAUTHENTICATED", "no credentials: 401, no data", "fhir-server", {"FHIR-API-05", "MU-SHARE-01"}, unauthenticated_refused});
}

}  // namespace hidewire::conformance::suite
