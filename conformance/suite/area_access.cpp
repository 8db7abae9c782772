// Area: access and its audit (--target http(s)://base, --gpc-patient N): a read of the test
// patient's record is audited, and the patient (--patient-token) or, without one, their
// registered practice (the suite's own credentials) finds it in the patient's access log
// (GET [base]/AuditEvent), known by the read's X-Request-ID as IHE BALP records it.
#include <rapidjson/document.h>

#include <chrono>
#include <thread>

#include "conformance/suite/probes.hpp"
#include "conformance/suite/tokens.hpp"

namespace hidewire::conformance::suite {

AccessLog read_access_log(Context& ctx, const std::string& nhs, const std::vector<std::string>& request_ids, rapidjson::Document& d, Result& r) {
  // The patient's own view when a token of theirs is given (--patient-token: used once, patients'
  // JWTs are single-use; their identity provider's key: a fresh one each look), else the practice's export.
  bool patient = ctx.target.patient_idp.given() || !ctx.target.patient_token.empty();
  bool once = patient && !ctx.target.patient_idp.given();
  std::string path = patient ? "/AuditEvent" : "/AuditEvent?patient.identifier=https://fhir.nhs.uk/Id/nhs-number%7C" + nhs;
  AccessLog log;
  log.who = patient ? "the patient" : "the registered practice (the suite's credentials)";
  for (int attempt = 0;; ++attempt) {
    // An audit may be written just behind the answer: a few looks, the last one kept as evidence.
    std::vector<Exchange> look;
    Target as = patient ? as_bearer(ctx.target, patient_token(ctx.target, nhs)) : ctx.target;
    HttpAnswer h = http_call(as, "GET", path, "", true, "the patient's access log, as " + log.who, look);
    log.status = h.status;
    log.error = h.error;
    log.bundle = h.status == 200 && parse_resource(h.body, "Bundle", d);
    bool all = log.bundle;
    for (const std::string& id : request_ids) all = all && audit_of_request(d, id);
    if (all || once || attempt == 20) {
      r.evidence.push_back(std::move(look.back()));
      return log;
    }
    std::this_thread::sleep_for(std::chrono::milliseconds(100));
  }
}

namespace {

void access_audited_and_visible(Context& ctx, Result& r) {
  if (!ctx.target.has_fhir()) return r.skip("no --target http(s)://BASE given: the product's audit was not exercised");
  const std::string& nhs = ctx.target.gpc_patient;
  if (nhs.empty()) return r.skip("no --gpc-patient NHS_NUMBER given (a test patient the product holds, registered at the suite's organisation)");
  std::string request_id = "hwconf-" + ctx.run_id + "-audit";
  std::string search = "/Patient?identifier=https://fhir.nhs.uk/Id/nhs-number%7C" + nhs;
  HttpAnswer read = http_call(ctx.target, "GET", search, "", true, "a read of the test patient's record", r.evidence, {"X-Request-ID: " + request_id});
  if (read.status == 0) return r.error("no answer: " + read.error);
  if (read.status != 200) return r.fail("the test patient's record was answered " + std::to_string(read.status) + ", not 200");
  rapidjson::Document d;
  AccessLog log = read_access_log(ctx, nhs, {request_id}, d, r);
  if (log.status == 0) return r.error("no answer: " + log.error);
  if (log.status != 200) return r.fail("the patient's access log, asked for as " + log.who + ", was answered " + std::to_string(log.status) + ", not 200");
  if (!log.bundle) return r.fail("the patient's access log is not a Bundle");
  if (!audit_of_request(d, request_id))
    r.fail("no AuditEvent in the patient's access log records the read (X-Request-ID " + request_id + ", IHE BALP XrequestId entity)");
}

}  // namespace

void add_access_tests(std::vector<TestCase>& out) {
  out.push_back({"ACCESS-AUDIT-VISIBLE", "a read of a patient's record is audited and in the patient's access log", "access",
                 {"MU-ONLINE-02", "MU-SHARE-01"}, access_audited_and_visible});
}

}  // namespace hidewire::conformance::suite
