// Area: the GP Connect provider's audit (--target, --gpc-patient, --org2-*, the patient's identity
// provider --patient-*). After GPC-DISSENT's refused structured-record request and one
// granted of its own (both as the second organisation), the patient's access log must list each
// with the requesting organisation, the interaction (a FHIR $operation) and the outcome as answered.
// Runs after the consent area: GPC-DISSENT notes its request here (note_gpc_access).
#include <rapidjson/document.h>

#include <algorithm>

#include "conformance/suite/probes.hpp"
#include "conformance/suite/tokens.hpp"

namespace hidewire::conformance::suite {
namespace {

struct Noted {
  std::string run_id;
  std::vector<GpcAccess> accesses;
};
Noted& noted(const Context& ctx) {
  static Noted n;
  if (n.run_id != ctx.run_id) n = Noted{ctx.run_id, {}};
  return n;
}

bool is_string(const rapidjson::Value& v, const char* key) { return v.IsObject() && v.HasMember(key) && v[key].IsString(); }

// An agent of `a` whose who.identifier is the ODS code `ods`.
bool has_organisation(const rapidjson::Value& a, const std::string& ods) {
  if (!a.HasMember("agent") || !a["agent"].IsArray()) return false;
  for (const auto& ag : a["agent"].GetArray())
    if (ag.IsObject() && ag.HasMember("who") && ag["who"].IsObject() && ag["who"].HasMember("identifier") &&
        is_string(ag["who"]["identifier"], "value") && ods == ag["who"]["identifier"]["value"].GetString())
      return true;
  return false;
}

// The subtype says a FHIR operation (restful-interaction "operation") or names $gpc.getstructuredrecord.
bool is_structured_record_operation(const rapidjson::Value& a) {
  if (!a.HasMember("subtype") || !a["subtype"].IsArray()) return false;
  for (const auto& c : a["subtype"].GetArray()) {
    if (!is_string(c, "code")) continue;
    std::string code = c["code"].GetString();
    if (code == "operation" || code.find("gpc.getstructuredrecord") != std::string::npos) return true;
  }
  return false;
}

std::string outcome_of(const rapidjson::Value& a) { return is_string(a, "outcome") ? a["outcome"].GetString() : ""; }

// Without an echoed X-Request-ID: an AuditEvent of the organisation's operation with the outcome's kind, not claimed before.
const rapidjson::Value* audit_by_content(const rapidjson::Document& d, const GpcAccess& x, std::vector<const rapidjson::Value*>& claimed) {
  if (!d.HasMember("entry") || !d["entry"].IsArray()) return nullptr;
  for (const auto& e : d["entry"].GetArray()) {
    if (!e.IsObject() || !e.HasMember("resource") || !e["resource"].IsObject()) continue;
    const rapidjson::Value* a = &e["resource"];
    if (std::find(claimed.begin(), claimed.end(), a) != claimed.end()) continue;
    if (has_organisation(*a, x.ods) && is_structured_record_operation(*a) && (outcome_of(*a) == "0") == (x.status / 100 == 2)) return a;
  }
  return nullptr;
}

void gpc_access_audited(Context& ctx, Result& r) {
  const Target& t = ctx.target;
  if (!t.has_fhir()) return r.skip("no --target http(s)://BASE given: the product's GP Connect audit was not exercised");
  if (t.gpc_patient.empty()) return r.skip("no --gpc-patient NHS_NUMBER given (a registered test patient)");
  if (!t.org2.given() || t.org2.ods.empty()) return r.skip("no second organisation given (--org2-iss, --org2-ods, --org2-key): nobody to ask as");
  // As GPC-DISSENT needs (the patient records the dissent); --patient-token alone is spent by then.
  if (!t.patient_idp.given()) return r.skip("no --patient-iss/--patient-key given: the suite cannot act as the patient");
  // GPC-DISSENT's request, refused when the product honours the dissent; whatever it was answered,
  // the log must say the same (a product that gave the record must not log a refusal, and the reverse).
  std::vector<GpcAccess> accesses = noted(ctx).accesses;
  if (accesses.empty()) return r.error("GPC-DISSENT made no GP Connect request (skipped or unanswered): no refused access to look for");
  // A granted one of its own, as GP Connect's usual caller: an ambulance service in an emergency
  // (no break-glass; the dissent was withdrawn by ACCESS-AUDIT-ALL).
  std::string id = "hwconf-" + ctx.run_id + "-gpc-audit";
  Target as = as_bearer(t, organisation_token(t, t.org2, "emergency"));
  HttpAnswer g = http_call(as, "POST", "/Patient/$gpc.getstructuredrecord",
                           R"({"resourceType":"Parameters","parameter":[{"name":"patientNHSNumber","valueIdentifier":{"system":"https://fhir.nhs.uk/Id/nhs-number","value":")" +
                               t.gpc_patient + R"("}}]})",
                           true, "the GP record of the registered patient (as " + t.org2.ods + ", emergency)", r.evidence,
                           {"Ssp-InteractionID: urn:nhs:names:services:gpconnect:fhir:operation:gpc.getstructuredrecord-1", "X-Request-ID: " + id});
  if (g.status == 0) return r.error("no answer: " + g.error);
  if (g.status != 200) return r.error("the registered patient's GP record was answered " + std::to_string(g.status) + " to " + t.org2.ods + ": no granted access to look for");
  accesses.push_back({id, t.org2.ods, g.status, header_value(g.headers, "X-Request-ID")});
  std::vector<std::string> ids;
  for (const GpcAccess& x : accesses)
    if (x.echoed == x.request_id) ids.push_back(x.request_id);
  rapidjson::Document d;
  AccessLog log = read_access_log(ctx, t.gpc_patient, ids, d, r);
  if (log.status == 0) return r.error("no answer: " + log.error);
  if (log.status != 200 || !log.bundle) return r.fail("the patient's access log, asked for as " + log.who + ", was answered " + std::to_string(log.status) + ", not a Bundle");
  std::vector<const rapidjson::Value*> claimed;
  for (const GpcAccess& x : accesses) {
    std::string what = std::string(x.status / 100 == 2 ? "the granted" : "the refused") + " GP Connect request (X-Request-ID " + x.request_id + ", " +
                       std::to_string(x.status) + ")";
    if (!x.echoed.empty() && x.echoed != x.request_id) return r.fail(what + " was answered with X-Request-ID '" + x.echoed + "', not the one sent");
    const rapidjson::Value* a = x.echoed.empty() ? audit_by_content(d, x, claimed) : audit_of_request(d, x.request_id);
    if (!a) return r.fail(what + " is not in the patient's access log" + (x.echoed.empty() ? " (the product did not echo the X-Request-ID; none matched by organisation, operation and outcome)" : ""));
    claimed.push_back(a);
    if (!has_organisation(*a, x.ods)) return r.fail(what + ": its AuditEvent does not name the requesting organisation " + x.ods + " (agent.who.identifier)");
    if (!is_structured_record_operation(*a)) return r.fail(what + ": its AuditEvent's subtype is not the operation (restful-interaction operation, or $gpc.getstructuredrecord)");
    bool ok = outcome_of(*a) == "0";
    if (ok != (x.status / 100 == 2))
      return r.fail(what + ": its AuditEvent's outcome is '" + outcome_of(*a) + "', " + (ok ? "a success for a refusal" : "not 0 (success) for a granted access"));
  }
}

}  // namespace

void note_gpc_access(const Context& ctx, GpcAccess access) { noted(ctx).accesses.push_back(std::move(access)); }

void add_gpconnect_audit_tests(std::vector<TestCase>& out) {
  out.push_back({"GPC-AUDIT", "GP Connect: each structured-record request, granted or refused, is in the patient's access log with the organisation, the operation and the outcome",
                 "gpconnect-provider", {"MU-GPACCESS-02", "MU-SHARE-01"}, gpc_access_audited});
}

}  // namespace hidewire::conformance::suite
