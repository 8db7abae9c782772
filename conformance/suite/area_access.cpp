// Area: access and its audit (--target http(s)://base, --gpc-patient N): a read of the test
// patient's record is audited, and the patient (--patient-token) or, without one, their
// registered practice (the suite's own credentials) finds it in the patient's access log
// (GET [base]/AuditEvent), known by the read's X-Request-ID as IHE BALP records it.
#include <rapidjson/document.h>

#include <chrono>
#include <thread>

#include "conformance/suite/probes.hpp"

namespace hidewire::conformance::suite {
namespace {

// An AuditEvent in the searchset `d` with an entity whose what.identifier.value is `request_id`.
bool audits_request(const rapidjson::Document& d, const std::string& request_id) {
  if (!d.HasMember("entry") || !d["entry"].IsArray()) return false;
  for (const auto& e : d["entry"].GetArray()) {
    if (!e.IsObject() || !e.HasMember("resource") || !e["resource"].IsObject()) continue;
    const auto& a = e["resource"];
    if (!a.HasMember("entity") || !a["entity"].IsArray()) continue;
    for (const auto& en : a["entity"].GetArray())
      if (en.IsObject() && en.HasMember("what") && en["what"].IsObject() && en["what"].HasMember("identifier") &&
          en["what"]["identifier"].IsObject() && en["what"]["identifier"].HasMember("value") && en["what"]["identifier"]["value"].IsString() &&
          request_id == en["what"]["identifier"]["value"].GetString())
        return true;
  }
  return false;
}

void access_audited_and_visible(Context& ctx, Result& r) {
  if (!ctx.target.has_fhir()) return r.skip("no --target http(s)://BASE given: the product's audit was not exercised");
  const std::string& nhs = ctx.target.gpc_patient;
  if (nhs.empty()) return r.skip("no --gpc-patient NHS_NUMBER given (a test patient the product holds, registered at the suite's organisation)");
  std::string request_id = "hwconf-" + ctx.run_id + "-audit";
  std::string search = "/Patient?identifier=https://fhir.nhs.uk/Id/nhs-number%7C" + nhs;
  HttpAnswer read = http_call(ctx.target, "GET", search, "", true, "a read of the test patient's record", r.evidence, {"X-Request-ID: " + request_id});
  if (read.status == 0) return r.error("no answer: " + read.error);
  if (read.status != 200) return r.fail("the test patient's record was answered " + std::to_string(read.status) + ", not 200");
  // The patient's own view when a token of theirs is given (used once: patients' JWTs are single-use), else the practice's export.
  Target as = ctx.target;
  bool patient = !ctx.target.patient_token.empty();
  if (patient) {
    as.token = ctx.target.patient_token;
    as.cert.clear();
    as.key.clear();
  }
  std::string log = patient ? "/AuditEvent" : "/AuditEvent?patient.identifier=https://fhir.nhs.uk/Id/nhs-number%7C" + nhs;
  std::string who = patient ? "the patient" : "the registered practice (the suite's credentials)";
  for (int attempt = 0;; ++attempt) {
    // An audit may be written just behind the answer: a few looks, the last one kept as evidence.
    std::vector<Exchange> polls;
    bool last = patient || attempt == 20;
    HttpAnswer h = http_call(as, "GET", log, "", true, "the patient's access log, as " + who, last ? r.evidence : polls);
    rapidjson::Document d;
    bool bundle = h.status == 200 && parse_resource(h.body, "Bundle", d);
    if (bundle && audits_request(d, request_id)) return;
    if (last) {
      if (h.status == 0) return r.error("no answer: " + h.error);
      if (h.status != 200) return r.fail("the patient's access log, asked for as " + who + ", was answered " + std::to_string(h.status) + ", not 200");
      if (!bundle) return r.fail("the patient's access log is not a Bundle");
      return r.fail("no AuditEvent in the patient's access log records the read (X-Request-ID " + request_id + ", IHE BALP XrequestId entity)");
    }
    std::this_thread::sleep_for(std::chrono::milliseconds(100));
  }
}

}  // namespace

void add_access_tests(std::vector<TestCase>& out) {
  out.push_back({"ACCESS-AUDIT-VISIBLE", "a read of a patient's record is audited and in the patient's access log", "access",
                 {"MU-ONLINE-02", "MU-SHARE-01"}, access_audited_and_visible});
}

}  // namespace hidewire::conformance::suite
