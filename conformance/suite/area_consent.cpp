// Area: the patient's wishes (--target http(s)://base, --gpc-patient N, a second organisation
// --org2-*, the patient's identity provider --patient-*). As the patient, the suite records their
// wishes through `POST [base]/Consent` (docs/ACCESS.md's shapes: FHIR R4 Consent, scope
// patient-privacy); as the second organisation it asks for the record for direct care; at the end
// it withdraws what it recorded (status inactive), so runs repeat. Every request carries an
// X-Request-ID of the suite's, by which the patient's access log must show each access.
#include <rapidjson/document.h>

#include <algorithm>
#include <ctime>
#include <functional>

#include "conformance/suite/probes.hpp"
#include "conformance/suite/tokens.hpp"

namespace hidewire::conformance::suite {
namespace {

constexpr const char* kPrivacy = R"("scope":{"coding":[{"system":"http://terminology.hl7.org/CodeSystem/consentscope","code":"patient-privacy"}]},)"
                                 R"("category":[{"coding":[{"system":"http://loinc.org","code":"59284-0"}]}],)";
constexpr const char* kRecipient = R"({"role":{"coding":[{"system":"http://terminology.hl7.org/CodeSystem/v3-ParticipationType","code":"IRCP"}]},)"
                                   R"("reference":{"identifier":{"system":"https://fhir.nhs.uk/Id/ods-organization-code","value":")";

// What the area's tests share within one run: the patient, what was recorded, the requests to find in the log.
struct State {
  std::string run_id, patient_id;
  std::vector<std::pair<std::string, std::string>> consents;  // id, body as recorded (for the withdrawal)
  std::string denied, broke_glass, granted;                  // X-Request-IDs
  bool opted_out = false;                                    // the national data opt-out recorded
};
State& state(const Context& ctx) {
  static State s;
  if (s.run_id != ctx.run_id) {
    s = State{};
    s.run_id = ctx.run_id;
  }
  return s;
}

std::string instant(std::time_t t) {
  char buf[32];
  std::strftime(buf, sizeof buf, "%Y-%m-%dT%H:%M:%SZ", std::gmtime(&t));
  return buf;
}

std::string search_path(const std::string& nhs) { return "/Patient?identifier=https://fhir.nhs.uk/Id/nhs-number%7C" + nhs; }

// What the area needs; false (the test skipped) when something is not given. Finds the patient's id once.
bool ready(Context& ctx, Result& r) {
  const Target& t = ctx.target;
  if (!t.has_fhir()) return r.skip("no --target http(s)://BASE given: the product's consent rules were not exercised"), false;
  if (t.gpc_patient.empty()) return r.skip("no --gpc-patient NHS_NUMBER given (a test patient the product holds)"), false;
  if (!t.org2.given() || t.org2.ods.empty())
    return r.skip("no second organisation given (--org2-iss, --org2-ods, --org2-key): nobody to ask for the record as"), false;
  if (!t.patient_idp.given()) return r.skip("no --patient-iss/--patient-key given: the suite cannot act as the patient"), false;
  State& s = state(ctx);
  if (!s.patient_id.empty()) return true;
  HttpAnswer h = http_call(t, "GET", search_path(t.gpc_patient), "", true, "the test patient's id (the suite's credentials)", r.evidence);
  rapidjson::Document d;
  if (h.status == 0) return r.error("no answer: " + h.error), false;
  if (h.status != 200 || !parse_resource(h.body, "Bundle", d) || !d.HasMember("entry") || !d["entry"].IsArray() || d["entry"].Empty() ||
      !d["entry"][0].HasMember("resource") || !d["entry"][0]["resource"].HasMember("id") || !d["entry"][0]["resource"]["id"].IsString())
    return r.error("the test patient " + t.gpc_patient + " was not found with the suite's credentials (answered " + std::to_string(h.status) + ")"), false;
  s.patient_id = d["entry"][0]["resource"]["id"].GetString();
  return true;
}

std::string patient_ref(const State& s) { return R"({"reference":"Patient/)" + s.patient_id + R"("})"; }

// Records a Consent as the patient: its id kept for the withdrawal; false when refused.
bool record(Context& ctx, Result& r, const std::string& what, const std::string& policy, const std::string& provision, const char* scope = kPrivacy) {
  State& s = state(ctx);
  std::string body = R"({"resourceType":"Consent","status":"active",)" + std::string(scope) + R"("patient":)" + patient_ref(s) +
                     R"(,"dateTime":")" + instant(std::time(nullptr)) + R"(","performer":[)" + patient_ref(s) + R"(],"policyRule":{"coding":[)" +
                     policy + R"(]},"provision":)" + provision + "}";
  Target as = as_bearer(ctx.target, patient_token(ctx.target, ctx.target.gpc_patient));
  HttpAnswer h = http_call(as, "POST", "/Consent", body, true, "the patient records " + what, r.evidence);
  rapidjson::Document d;
  if (h.status == 0) return r.error("no answer: " + h.error), false;
  if (h.status != 201 && h.status != 200) return r.fail("the patient's " + what + " was answered " + std::to_string(h.status) + ", not 201"), false;
  std::string id = parse_resource(h.body, "Consent", d) && d.HasMember("id") && d["id"].IsString() ? d["id"].GetString() : "";
  if (id.empty()) {  // no body: the Location header names it
    std::string loc = header_value(h.headers, "Location");
    auto at = loc.find("Consent/");
    if (at != std::string::npos) id = loc.substr(at + 8, loc.find('/', at + 8) == std::string::npos ? std::string::npos : loc.find('/', at + 8) - at - 8);
  }
  if (!id.empty()) s.consents.emplace_back(id, body);
  return true;
}

// The second organisation asks for the patient (their record's Patient by NHS number, or `path`).
HttpAnswer ask_as_org2(Context& ctx, Result& r, const std::string& label, const std::string& request_id, const std::string& purpose,
                       const std::string& break_glass = {}, const std::string& path = {}) {
  Target as = as_bearer(ctx.target, organisation_token(ctx.target, ctx.target.org2, purpose, break_glass));
  return http_call(as, "GET", path.empty() ? search_path(ctx.target.gpc_patient) : path, "", true,
                   label + " (as " + ctx.target.org2.ods + ", " + purpose + (break_glass.empty() ? "" : ", break-glass") + ")", r.evidence,
                   {"X-Request-ID: " + request_id});
}

// "403 NO_PATIENT_CONSENT": the status and the Spine code, when there is one.
std::string answered(const HttpAnswer& h) {
  std::string code = spine_code(h.body);
  return std::to_string(h.status) + (code.empty() ? "" : " " + code);
}

// A 200 searchset holding the patient; else the test fails saying what came.
bool granted(Result& r, const HttpAnswer& h, const std::string& what) {
  if (h.status == 0) return r.error("no answer: " + h.error), false;
  if (h.status != 200) return r.fail(what + " was answered " + answered(h) + ", not 200 with the record"), false;
  if (bundle_count(h.body) < 1) return r.fail(what + ": the answer does not hold the patient"), false;
  return true;
}

// 403 NO_PATIENT_CONSENT, else the test fails saying what `what` was answered.
void refused_no_consent(Result& r, const HttpAnswer& h, const std::string& what) {
  if (h.status == 0) return r.error("no answer: " + h.error);
  if (h.status != 403 || spine_code(h.body) != "NO_PATIENT_CONSENT") r.fail(what + " was answered " + answered(h) + ", not 403 NO_PATIENT_CONSENT");
}

void dissent(Context& ctx, Result& r) {
  if (!ready(ctx, r)) return;
  if (!record(ctx, r, "dissent from sharing", R"({"system":"http://terminology.hl7.org/CodeSystem/v3-ActCode","code":"OPTOUT"})", R"({"type":"deny"})"))
    return;
  State& s = state(ctx);
  s.denied = "hwconf-" + ctx.run_id + "-dissent";
  refused_no_consent(r, ask_as_org2(ctx, r, "the record, after the patient dissented", s.denied, "directcare"),
                     "a direct-care request after the patient dissented");
}

// The GP Connect structured record (as the provider area asks it, docs/FEDERATION.md) of the
// patient who dissented, asked for by the second organisation for direct care.
void gpc_dissent(Context& ctx, Result& r) {
  if (!ready(ctx, r)) return;
  State& s = state(ctx);
  if (s.denied.empty()) return r.error("ACCESS-DISSENT did not record the patient's dissent");
  Target as = as_bearer(ctx.target, organisation_token(ctx.target, ctx.target.org2, "directcare"));
  std::string body = R"({"resourceType":"Parameters","parameter":[{"name":"patientNHSNumber","valueIdentifier":{"system":"https://fhir.nhs.uk/Id/nhs-number","value":")" +
                     ctx.target.gpc_patient + R"("}},{"name":"includeAllergies","part":[{"name":"includeResolvedAllergies","valueBoolean":false}]}]})";
  HttpAnswer h = http_call(as, "POST", "/Patient/$gpc.getstructuredrecord", body, true,
                           "the GP record of the patient who dissented (as " + ctx.target.org2.ods + ", directcare)", r.evidence,
                           {"Ssp-InteractionID: urn:nhs:names:services:gpconnect:fhir:operation:gpc.getstructuredrecord-1",
                            "X-Request-ID: hwconf-" + ctx.run_id + "-gpc-dissent"});
  if (h.status != 0) note_gpc_access(ctx, {"hwconf-" + ctx.run_id + "-gpc-dissent", ctx.target.org2.ods, h.status, header_value(h.headers, "X-Request-ID")});
  refused_no_consent(r, h, "GP Connect: the record of a patient who dissented");
}

void break_glass(Context& ctx, Result& r) {
  if (!ready(ctx, r)) return;
  State& s = state(ctx);
  s.broke_glass = "hwconf-" + ctx.run_id + "-break-glass";
  HttpAnswer h = ask_as_org2(ctx, r, "the record, breaking the glass through the dissent", s.broke_glass, "emergency",
                             "conformance test: unconscious patient, medication history needed");
  granted(r, h, "an emergency request breaking the glass");
}

// Break-glass outside what the policy allows, the dissent still in force: for direct care (not an
// emergency), and in an emergency with no reason or a reason of blanks. Each is refused as the
// dissent says, not let through.
void break_glass_refused(Context& ctx, Result& r) {
  if (!ready(ctx, r)) return;
  if (state(ctx).denied.empty()) return r.error("ACCESS-DISSENT did not record the patient's dissent");
  struct Case {
    const char* what;
    const char* purpose;
    const char* reason;
  };
  const Case cases[] = {{"a direct-care request giving a break-glass reason", "directcare", "conformance test: clinician wants to look, no emergency"},
                        {"an emergency request giving no break-glass reason", "emergency", ""},
                        {"an emergency request whose break-glass reason is blanks", "emergency", "   "}};
  int n = 0;
  for (const Case& c : cases)
    refused_no_consent(r, ask_as_org2(ctx, r, std::string("the record, ") + c.what + ", the dissent in force",
                                      "hwconf-" + ctx.run_id + "-break-glass-refused-" + std::to_string(++n), c.purpose, c.reason),
                       c.what);
}

constexpr const char* kOptIn = R"({"system":"http://terminology.hl7.org/CodeSystem/v3-ActCode","code":"OPTIN"})";

void point_of_care(Context& ctx, Result& r) {
  if (!ready(ctx, r)) return;
  std::time_t now = std::time(nullptr);
  std::string provision = R"({"type":"permit","period":{"start":")" + instant(now - 3600) + R"(","end":")" + instant(now + 3600) +
                          R"("},"actor":[)" + kRecipient + ctx.target.org2.ods + R"("}}}]})";
  if (!record(ctx, r, "a point-of-care consent for " + ctx.target.org2.ods, kOptIn, provision)) return;
  State& s = state(ctx);
  s.granted = "hwconf-" + ctx.run_id + "-point-of-care";
  granted(r, ask_as_org2(ctx, r, "the record, with the patient's consent at the point of care", s.granted, "directcare"),
          "a direct-care request with a point-of-care consent in force");
}

// A resource of `type` about the patient (`fields`: its JSON members before the subject); its id,
// empty when not stored.
std::string store(Context& ctx, Result& r, const std::string& type, const std::string& fields, const std::string& what) {
  std::string body = R"({"resourceType":")" + type + R"(",)" + fields + R"("subject":)" + patient_ref(state(ctx)) + "}";
  HttpAnswer h = http_call(ctx.target, "POST", "/" + type, body, true, what, r.evidence);
  rapidjson::Document d;
  if (h.status != 201 && h.status != 200) return r.error("the suite could not record " + what + " (answered " + std::to_string(h.status) + ")"), "";
  return parse_resource(h.body, type, d) && d.HasMember("id") && d["id"].IsString() ? d["id"].GetString() : "";
}

// An Observation about the patient, labelled `label` (empty: none) and of `category` (an
// observation-category code; empty: none); its id, empty when not stored.
std::string observe(Context& ctx, Result& r, const std::string& label, const std::string& text, const std::string& category = {}) {
  std::string meta = label.empty() ? "" : R"("meta":{"security":[{"system":"http://terminology.hl7.org/CodeSystem/v3-ActCode","code":")" + label + R"("}]},)";
  std::string cat = category.empty() ? "" : R"("category":[{"coding":[{"system":"http://terminology.hl7.org/CodeSystem/observation-category","code":")" + category + R"("}]}],)";
  return store(ctx, r, "Observation", meta + R"("status":"final",)" + cat + R"("code":{"coding":[{"system":"http://snomed.info/sct","code":"363788007","display":"Clinical history/examination observable"}]},"effectiveDateTime":")" +
                   instant(std::time(nullptr)) + R"(","valueString":")" + text + R"(",)",
               "an Observation for the patient" + (label.empty() ? "" : ", labelled " + label) + (category.empty() ? "" : ", category " + category));
}

// A restriction of `data` (provision members) from the second organisation, recorded as the patient.
bool restrict_from_org2(Context& ctx, Result& r, const std::string& what, const std::string& data) {
  std::string provision = R"({"type":"deny","actor":[)" + std::string(kRecipient) + ctx.target.org2.ods + R"("}}}],)" + data + "}";
  return record(ctx, r, "a restriction of " + what + " from " + ctx.target.org2.ods,
                R"({"system":"http://terminology.hl7.org/CodeSystem/v3-ActCode","code":"OPTINR"})", provision);
}

// The second organisation searches `path`: `hidden` (the restricted `what`) must be left out and
// not named, `shown` (when given) still there, and the answer must say something was withheld.
void withheld(Context& ctx, Result& r, const std::string& path, const std::string& label, const std::string& hidden, const std::string& what,
              const std::string& shown) {
  HttpAnswer h = ask_as_org2(ctx, r, label, "hwconf-" + ctx.run_id + "-restriction-" + std::to_string(r.evidence.size()), "directcare", "", path);
  if (h.status == 0) return r.error("no answer: " + h.error);
  if (h.status != 200) return r.fail(label + " was answered " + std::to_string(h.status) + ", not 200 with what is not restricted");
  rapidjson::Document d;
  if (!parse_resource(h.body, "Bundle", d) || !d.HasMember("entry") || !d["entry"].IsArray()) return r.fail("the answer is not a searchset with entries");
  bool has_shown = false, has_hidden = false, marker = false;
  for (const auto& e : d["entry"].GetArray()) {
    if (!e.IsObject() || !e.HasMember("resource") || !e["resource"].IsObject()) continue;
    const auto& res = e["resource"];
    std::string id = res.HasMember("id") && res["id"].IsString() ? res["id"].GetString() : "";
    has_shown = has_shown || id == shown;
    has_hidden = has_hidden || id == hidden;
    marker = marker || (res.HasMember("resourceType") && res["resourceType"] == "OperationOutcome");
  }
  if (has_hidden) return r.fail("the restricted " + what + " was given to " + ctx.target.org2.ods + ", whom the patient restricted it from");
  if (!shown.empty() && !has_shown) return r.fail("the Observation that is not restricted was withheld too: the rest of the record must still flow");
  if (!marker) return r.fail("the answer does not say that something was withheld (an OperationOutcome entry, search mode outcome)");
  if (h.body.find(hidden) != std::string::npos) r.fail("the answer names what was withheld (the restricted " + what + "'s id)");
}

void restriction(Context& ctx, Result& r) {
  if (!ready(ctx, r)) return;
  std::string hidden = observe(ctx, r, "SEX", "conformance test: sexual-health record, restricted");
  std::string shown = observe(ctx, r, "", "conformance test: blood pressure taken, not restricted");
  if (hidden.empty() || shown.empty()) return r.error("the suite's Observations were stored without an id");
  if (!restrict_from_org2(ctx, r, "sexual-health records", R"("securityLabel":[{"system":"http://terminology.hl7.org/CodeSystem/v3-ActCode","code":"SEX"}])"))
    return;
  withheld(ctx, r, "/Observation?patient=Patient/" + state(ctx).patient_id, "the patient's Observations, one restricted from the caller", hidden,
           "Observation (labelled SEX)", shown);
}

// Restrictions by data class without a security label: by resource type (Conditions) and by
// category (social-history Observations), each its own Consent; what neither covers still flows.
void restriction_by_class(Context& ctx, Result& r) {
  if (!ready(ctx, r)) return;
  std::string social = observe(ctx, r, "", "conformance test: lives alone, restricted by category", "social-history");
  std::string vitals = observe(ctx, r, "", "conformance test: pulse 72, not restricted", "vital-signs");
  std::string condition = store(ctx, r, "Condition",
                                R"("clinicalStatus":{"coding":[{"system":"http://terminology.hl7.org/CodeSystem/condition-clinical","code":"active"}]},)"
                                R"("code":{"coding":[{"system":"http://snomed.info/sct","code":"35489007","display":"Depressive disorder"}]},)",
                                "a Condition for the patient");
  if (social.empty() || vitals.empty() || condition.empty()) return r.error("the suite's Observations or Condition were stored without an id");
  if (!restrict_from_org2(ctx, r, "Conditions (by resource type)", R"("class":[{"system":"http://hl7.org/fhir/resource-types","code":"Condition"}])") ||
      !restrict_from_org2(ctx, r, "social-history Observations (by category)",
                          R"("class":[{"system":"http://terminology.hl7.org/CodeSystem/observation-category","code":"social-history"}])"))
    return;
  const std::string& id = state(ctx).patient_id;
  withheld(ctx, r, "/Observation?patient=Patient/" + id, "the patient's Observations, one of a category restricted from the caller", social,
           "Observation (category social-history)", vitals);
  withheld(ctx, r, "/Condition?patient=Patient/" + id, "the patient's Conditions, a resource type restricted from the caller", condition,
           "Condition (by resource type)", "");
}

void opt_out_not_direct_care(Context& ctx, Result& r) {
  if (!ready(ctx, r)) return;
  constexpr const char* research = R"("scope":{"coding":[{"system":"http://terminology.hl7.org/CodeSystem/consentscope","code":"research"}]},)"
                                   R"("category":[{"coding":[{"system":"http://loinc.org","code":"59284-0"}]}],)";
  if (!record(ctx, r, "the national data opt-out", R"({"system":"urn:hidewire:consent-policy","code":"national-data-opt-out"})", R"({"type":"deny"})", research))
    return;
  state(ctx).opted_out = true;
  granted(r, ask_as_org2(ctx, r, "the record for direct care, the patient having opted out of secondary use", "hwconf-" + ctx.run_id + "-opt-out", "directcare"),
          "a direct-care request from an organisation with consent, the national data opt-out in force");
}

// The NHS numbers of the Patients in a Bundle's entries.
std::vector<std::string> nhs_numbers_in(const rapidjson::Document& d) {
  std::vector<std::string> out;
  if (!d.HasMember("entry") || !d["entry"].IsArray()) return out;
  for (const auto& e : d["entry"].GetArray()) {
    if (!e.IsObject() || !e.HasMember("resource") || !e["resource"].IsObject() || !e["resource"].HasMember("identifier") ||
        !e["resource"]["identifier"].IsArray())
      continue;
    for (const auto& id : e["resource"]["identifier"].GetArray())
      if (id.IsObject() && id.HasMember("system") && id["system"] == "https://fhir.nhs.uk/Id/nhs-number" && id.HasMember("value") && id["value"].IsString())
        out.push_back(id["value"].GetString());
  }
  return out;
}

// A national data collection (MU-OPTOUT-01): the product's secondary-use export (--export-query),
// asked for by the suite's clinician system with purpose secondary use, while the patient's
// national data opt-out is in force, must leave them out and hold a patient without one.
void export_without_opted_out(Context& ctx, Result& r) {
  if (!ready(ctx, r)) return;
  const Target& t = ctx.target;
  if (!t.clinician.given()) return r.skip("no --jwt-iss/--jwt-key given: the suite cannot ask for the export as the product's own system");
  if (!state(ctx).opted_out) return r.error("ACCESS-OPTOUT-DIRECT-CARE did not record the national data opt-out");
  std::string present = nhs_number_from(std::hash<std::string>{}(ctx.run_id + "export-present"));
  std::string body = R"({"resourceType":"Patient","identifier":[{"system":"https://fhir.nhs.uk/Id/nhs-number","value":")" + present +
                     R"("}],"name":[{"family":"EXPORTED","given":["TEST"]}],"gender":"male","birthDate":"1972-03-08"})";
  HttpAnswer p = http_call(t, "POST", "/Patient", body, true, "a patient without an opt-out (the suite's credentials)", r.evidence);
  if (p.status != 200 && p.status != 201) return r.error("the suite could not record a patient without an opt-out (answered " + std::to_string(p.status) + ")");
  Target as = as_bearer(t, organisation_token(t, t.clinician, "secondaryuse"));
  HttpAnswer h = http_call(as, "GET", t.export_query, "", true, "the secondary-use export (as " + t.clinician.iss + ", secondary use)", r.evidence);
  rapidjson::Document d;
  if (h.status == 0) return r.error("no answer: " + h.error);
  if (h.status != 200 || !parse_resource(h.body, "Bundle", d)) return r.fail("the secondary-use export was answered " + std::to_string(h.status) + ", not 200 with a Bundle");
  std::vector<std::string> in = nhs_numbers_in(d);
  auto holds = [&](const std::string& n) { return std::find(in.begin(), in.end(), n) != in.end(); };
  if (holds(t.gpc_patient)) return r.fail("the patient who opted out (national data opt-out) is in the secondary-use export");
  if (!holds(present)) r.fail("the patient without an opt-out is not in the secondary-use export: it leaves out more than the opted-out");
}

// An element of the array `field` of `v` with a coding whose code is `code`.
bool coded(const rapidjson::Value& v, const char* field, std::string_view code) {
  if (!v.IsObject() || !v.HasMember(field) || !v[field].IsArray()) return false;
  for (const auto& cc : v[field].GetArray())
    if (cc.IsObject() && cc.HasMember("coding") && cc["coding"].IsArray())
      for (const auto& c : cc["coding"].GetArray())
        if (c.IsObject() && c.HasMember("code") && c["code"].IsString() && code == c["code"].GetString()) return true;
  return false;
}

// The patient's access log holds every access: refused (outcome not 0), break-glass (BTG), granted.
// Then what the area recorded is withdrawn.
void every_access_audited(Context& ctx, Result& r) {
  if (!ready(ctx, r)) return;
  State& s = state(ctx);
  std::vector<std::string> ids;
  for (const std::string* id : {&s.denied, &s.broke_glass, &s.granted})
    if (!id->empty()) ids.push_back(*id);
  if (ids.size() < 3) r.error("an earlier consent test did not make its request: nothing to look for in the log");
  rapidjson::Document d;
  AccessLog log = read_access_log(ctx, ctx.target.gpc_patient, ids, d, r);
  if (log.status == 0) r.error("no answer: " + log.error);
  else if (log.status != 200 || !log.bundle) r.fail("the patient's access log, asked for as " + log.who + ", was answered " + std::to_string(log.status) + ", not a Bundle");
  auto outcome = [](const rapidjson::Value* a) { return a && a->HasMember("outcome") && (*a)["outcome"].IsString() ? std::string((*a)["outcome"].GetString()) : "?"; };
  if (log.bundle) {
    const rapidjson::Value* denied = s.denied.empty() ? nullptr : audit_of_request(d, s.denied);
    const rapidjson::Value* btg = s.broke_glass.empty() ? nullptr : audit_of_request(d, s.broke_glass);
    const rapidjson::Value* ok = s.granted.empty() ? nullptr : audit_of_request(d, s.granted);
    if (!s.denied.empty() && !denied) r.fail("the refused request (X-Request-ID " + s.denied + ") is not in the patient's access log");
    else if (denied && outcome(denied) == "0") r.fail("the refused request is in the access log as a success (outcome 0)");
    if (!s.broke_glass.empty() && !btg) r.fail("the break-glass access (X-Request-ID " + s.broke_glass + ") is not in the patient's access log");
    else if (btg && (outcome(btg) != "0" || !coded(*btg, "purposeOfEvent", "BTG")))
      r.fail("the break-glass access is not audited as one (outcome 0, purposeOfEvent BTG)");
    if (!s.granted.empty() && !ok) r.fail("the access under a point-of-care consent (X-Request-ID " + s.granted + ") is not in the patient's access log");
  }
  // Withdrawn whatever the log said, so the next run starts from the patient's usual wishes.
  for (const auto& [id, body] : s.consents) {
    std::string inactive = R"({"resourceType":"Consent","id":")" + id + R"(","status":"inactive",)" + body.substr(body.find("\"status\":\"active\",") + 18);
    Target as = as_bearer(ctx.target, patient_token(ctx.target, ctx.target.gpc_patient));
    HttpAnswer h = http_call(as, "PUT", "/Consent/" + id, inactive, true, "the patient withdraws Consent/" + id, r.evidence);
    if (h.status != 200 && h.status != 201) r.fail("the patient could not withdraw Consent/" + id + " (answered " + std::to_string(h.status) + ")");
  }
  s.consents.clear();
}

}  // namespace

void add_consent_tests(std::vector<TestCase>& out) {
  out.push_back({"ACCESS-DISSENT", "the patient's dissent is honoured: another organisation asking for direct care is refused 403 NO_PATIENT_CONSENT",
                 "access", {"MU-SHARE-01"}, dissent});
  out.push_back({"GPC-DISSENT", "GP Connect: the structured record of a patient who dissented is refused 403 NO_PATIENT_CONSENT to another organisation",
                 "gpconnect-provider", {"GPC-ASR-07"}, gpc_dissent});
  out.push_back({"ACCESS-BREAK-GLASS", "break-glass in an emergency overrides the dissent: the record is given", "access", {"MU-SHARE-01"}, break_glass});
  out.push_back({"ACCESS-BREAK-GLASS-REFUSED",
                 "break-glass where the policy does not allow it (not an emergency, no reason, a blank reason) is refused 403 NO_PATIENT_CONSENT",
                 "access", {"MU-SHARE-01"}, break_glass_refused});
  out.push_back({"ACCESS-POINT-OF-CARE", "a point-of-care consent lets the organisation it names see the record despite the dissent", "access",
                 {"MU-SHARE-01"}, point_of_care});
  out.push_back({"ACCESS-RESTRICTION", "a restricted data class is withheld from the named recipient, the rest flows, and the answer says something was withheld",
                 "access", {"MU-SHARE-01"}, restriction});
  out.push_back({"ACCESS-RESTRICTION-CLASS",
                 "restrictions by resource type and by category (no security label) are withheld from the named recipient, the rest flows",
                 "access", {"MU-SHARE-01"}, restriction_by_class});
  out.push_back({"ACCESS-OPTOUT-DIRECT-CARE", "the national data opt-out does not stop direct care", "access", {"MU-SHARE-01"},
                 opt_out_not_direct_care});
  out.push_back({"EXPORT-OPTOUT", "a national data collection (the secondary-use export) leaves out a patient with the national data opt-out, and holds one without",
                 "access", {"MU-OPTOUT-01"}, export_without_opted_out});
  out.push_back({"ACCESS-AUDIT-ALL", "every access, refused, break-glass or granted, is audited as such and in the patient's access log", "access",
                 {"MU-SHARE-01", "MU-ONLINE-02"}, every_access_audited});
}

}  // namespace hidewire::conformance::suite
