// The FHIR API's door: authentication, the audit of every access (granted, refused or failed)
// before its answer goes out, break-glass alerts, and what patients themselves may do: read
// their access log ("who saw my record") and record their wishes as Consent.
#include <rapidjson/document.h>

#include <future>
#include <utility>

#include "api/fhir_api.hpp"
#include "api/fhir_api_parts.hpp"
#include "api/record_gate.hpp"
#include "audit/audit_event.hpp"
#include "audit/verify.hpp"
#include "auth/patient_facts.hpp"
#include "auth/request_id.hpp"
#include "fhir/clock.hpp"
#include "log/log.hpp"

namespace hidewire::http {

node::Credentials credentials_of(const Request& req, const std::string& listener) {
  node::Credentials c;
  c.listener = listener;
  c.address = req.peer_address;
  c.client_cert = req.peer_cert.present;
  c.cert_cn = req.peer_cert.cn;
  c.cert_ods = req.peer_cert.ods;
  c.authorization = req.header("authorization");
  c.request_id = auth::safe_request_id(req.header("x-request-id"));
  return c;
}

namespace {

bool is_metadata(const Request& req) { return req.method == "GET" && (req.path == "/metadata" || req.path == "metadata"); }

Response unauthenticated(const node::AuthOutcome& a) {
  Response r = operation_outcome(a.status, a.code.empty() ? "login" : a.code, a.message);
  if (a.status == 401) r.headers["WWW-Authenticate"] = "Bearer";
  return r;
}

}  // namespace

std::vector<node::AuditRecord> FhirApi::audit_records(const node::Caller& caller, const AccessTrail& trail) {
  std::vector<node::AuditRecord> out;
  audit::Access a{caller};
  a.interaction = trail.interaction;
  a.resource_type = trail.type;
  a.resource_id = trail.id;
  a.query = trail.query;
  a.outcome = trail.outcome;
  a.outcome_text = trail.outcome_text;
  a.node_ods = guard_.node_ods;
  a.node_name = guard_.node_name;
  if (trail.patients.empty()) out.push_back(audit::make_record(a));
  for (const TrailPatient& p : trail.patients) {  // one per patient: each can see who saw their record
    a.patient_id = p.id;
    a.patient_nhs = p.nhs_number;
    a.withheld = p.withheld;
    out.push_back(audit::make_record(a));
  }
  return out;
}

void FhirApi::alert_break_glass(const node::Caller& caller, const AccessTrail& trail, std::vector<node::AuditRecord>& records) {
  for (const TrailPatient& p : trail.patients) {
    if (!p.break_glass) continue;
    audit::Access a{caller};
    a.interaction = "break-glass";
    a.resource_type = "Patient";
    a.resource_id = p.id;
    a.patient_id = p.id;
    a.patient_nhs = p.nhs_number;
    a.outcome = 0;
    a.outcome_text = "privacy alert: break-glass by " + caller.describe() + ": " + caller.break_glass_reason;
    a.node_ods = guard_.node_ods;
    a.node_name = guard_.node_name;
    records.push_back(audit::make_record(a));
    log::warn("break-glass access", {{"caller", caller.describe()}, {"rule", p.rule}, {"request_id", caller.request_id}});
    if (guard_.on_break_glass) guard_.on_break_glass({caller, p.id, p.nhs_number, p.registered_gp_ods, records.back().event_json});
  }
}

const AsyncOperation* FhirApi::patient_operation(const Request& req) const {
  if (req.method != "POST" || guard_.patient_operations.empty()) return nullptr;
  auto parts = split_path(req.path);
  if (parts.size() != 2 || parts[0] != "Patient" || parts[1].size() < 2 || parts[1][0] != '$') return nullptr;
  auto it = guard_.patient_operations.find(parts[1].substr(1));
  return it == guard_.patient_operations.end() ? nullptr : &it->second;
}

void FhirApi::handle_async(const Request& req, std::function<void(Response)> reply) {
  if (is_metadata(req)) {  // no patient data: open, as FHIR servers are
    Response r = capability(req);
    r.headers["Cache-Control"] = "no-store";
    return reply(std::move(r));
  }
  AccessTrail trail;
  node::Caller caller;
  // Who the audit names when no credential says more: the connection, and the request's id.
  caller.address = req.peer_address;
  caller.request_id = auth::safe_request_id(req.header("x-request-id"));
  if (!guard_.auth) {
    caller.roles = {"admin", "viewer", "clinical"};
    caller.write_types = {"*"};
  } else if (node::AuthOutcome a = guard_.auth->authenticate(credentials_of(req, "FHIR API")); !a.ok) {
    trail.interaction = req.method == "GET" ? "read" : "create";
    trail.outcome = 4;
    trail.outcome_text = "authentication refused: " + a.message;
    return finish(caller, std::move(trail), unauthenticated(a), std::move(reply));
  } else {
    caller = std::move(a.caller);
  }
  if (const AsyncOperation* op = patient_operation(req)) {
    auto held = std::make_shared<node::Caller>(caller);
    auto once = std::make_shared<std::function<void(Response)>>(std::move(reply));
    return (*op)(req, caller, [this, held, once](Response r, AccessTrail t) {
      if (*once) finish(*held, std::move(t), std::move(r), std::exchange(*once, nullptr));
    });
  }
  Response r = serve(req, caller, trail);
  finish(caller, std::move(trail), std::move(r), std::move(reply));
}

void FhirApi::finish(const node::Caller& caller, AccessTrail trail, Response r, std::function<void(Response)> reply) {
  if (r.status >= 400 && trail.outcome == 0) {  // every error answer is audited as one, whatever raised it
    trail.outcome = r.status >= 500 ? 8 : 4;
    trail.outcome_text = "answered " + std::to_string(r.status);
  }
  // A checked write: audited first, then written (api/fhir_api_write.cpp). One refused since it
  // was checked is not written.
  if (trail.apply && trail.outcome == 0 && r.status < 400) return audited_write(caller, std::move(trail), std::move(reply));
  trail.apply = nullptr;
  if (!caller.request_id.empty()) r.headers["X-Request-ID"] = caller.request_id;
  r.headers["Cache-Control"] = "no-store";  // health data, and GP Connect's rule for every answer
  if (!guard_.audit) return reply(std::move(r));
  std::vector<node::AuditRecord> records = audit_records(caller, trail);
  alert_break_glass(caller, trail, records);
  answer_when_audited(*guard_.audit, std::move(records), std::move(r), std::move(reply));
}

void answer_when_audited(node::AuditLog& audit, std::vector<node::AuditRecord> records, Response answer,
                         std::function<void(Response)> reply) {
  auto held = std::make_shared<Response>(std::move(answer));
  audit.append(std::move(records), [held, reply = std::move(reply)](bool ok, const std::string& error) {
    if (ok) return reply(std::move(*held));
    Response refusal = operation_outcome(503, "transient", "the access could not be audited, so it is not served: " + error);
    refusal.headers["Cache-Control"] = "no-store";
    reply(std::move(refusal));
  });
}

Response FhirApi::handle(const Request& req) {
  std::promise<Response> answer;
  auto got = answer.get_future();
  handle_async(req, [&answer](Response r) { answer.set_value(std::move(r)); });
  return got.get();
}

Response FhirApi::audit_search(const Request& req, const node::Caller& caller, AccessTrail& trail) {
  trail.interaction = "audit-read";
  node::AccessDecision d = policy_.decide({caller, "audit-read", "AuditEvent", ""});
  if (!d.allowed) return refused(trail, operation_outcome(403, d.code.empty() ? "forbidden" : d.code, d.reason), d.reason);
  if (!guard_.audit) return operation_outcome(404, "not-supported", "this node keeps no audit log");
  node::AuditQuery q;
  if (caller.kind == node::Caller::Kind::Patient) {
    q.patient_nhs = caller.nhs_number;  // their own record's log, whatever they asked
  } else {
    // The practice exports a patient's log: AuditEvent?patient=ID or patient.identifier=[system|]NHS.
    std::string pid, nhs;
    for (const auto& [k, v] : req.query) {
      if (k == "patient") pid = v.rfind("Patient/", 0) == 0 ? v.substr(8) : v;
      if (k == "patient.identifier" || k == "patient:identifier") nhs = v.substr(v.find('|') == std::string::npos ? 0 : v.find('|') + 1);
    }
    std::string now = fhir::utc_now_instant();
    node::PatientFacts facts = !pid.empty() ? auth::gather_patient_facts(store_, pid, now, guard_.node_ods)
                                            : auth::gather_patient_facts_by_nhs(store_, nhs, now, guard_.node_ods);
    if (!facts.found) return RecordGate::refusal({node::PatientDecision::Result::NotFound, "unknown patient", "", {}});
    // The policy first: a sensitive record's log is as hidden as the record (R5), even from the practice.
    node::PatientDecision pd = policy_.decide_patient(caller, facts, "audit-read");
    if (pd.result == node::PatientDecision::Result::NotFound) return refused(trail, RecordGate::refusal(pd), "audit export refused");
    bool practice = !facts.registered_gp_ods.empty() && caller.ods_code == facts.registered_gp_ods;
    bool holder_admin = caller.ods_code == guard_.node_ods && caller.has_role("admin");
    if (!practice && !holder_admin && caller.kind != node::Caller::Kind::Anonymous)
      return refused(trail, operation_outcome(403, "forbidden", "a patient's access log is for the patient, their registered practice and this node's administrators"),
                     "audit export refused");
    q.patient_nhs = facts.nhs_number;
    trail.patient(facts.patient_id).nhs_number = facts.nhs_number;
  }
  auto count = req.query.find("_count");
  if (count != req.query.end()) q.limit = static_cast<std::size_t>(std::max(1, std::min(1000, std::atoi(count->second.c_str()))));
  std::string body = R"({"resourceType":"Bundle","type":"searchset","entry":[)";
  bool first = true;
  for (const node::AuditRecord& rec : guard_.audit->query(q)) {
    if (!first) body += ',';
    first = false;
    // The event's own id: a journal commit's entry gives one AuditEvent per message ("812.3").
    std::string id = audit::event_id(rec.event_json);
    if (id.empty()) id = std::to_string(rec.seq);
    body += R"({"fullUrl":)" + json_string(req.base_url + "/AuditEvent/" + id) + R"(,"resource":)" + rec.event_json + "}";
  }
  body += "]}";
  Response r;
  r.body = std::move(body);
  return r;
}

namespace {
// The Patient id a Consent's patient.reference names ("Patient/<id>" only), or empty.
std::string consent_patient(const std::string& json) {
  rapidjson::Document d;
  d.Parse(json.c_str());
  std::string ref;
  if (d.IsObject() && d.HasMember("patient") && d["patient"].IsObject() && d["patient"].HasMember("reference") &&
      d["patient"]["reference"].IsString())
    ref = d["patient"]["reference"].GetString();
  return ref.rfind("Patient/", 0) == 0 ? ref.substr(8) : "";
}
}  // namespace

std::optional<Response> FhirApi::own_consent(const node::Caller& caller, const std::string& body, const std::string& id, AccessTrail& trail) {
  std::string pid = consent_patient(body);
  node::PatientFacts facts = auth::gather_patient_facts(store_, pid, fhir::utc_now_instant());
  if (!facts.found || facts.nhs_number != caller.nhs_number)
    return refused(trail, operation_outcome(403, "forbidden", "a patient may record Consent only for their own record (Consent.patient)"),
                   "consent for another patient");
  // A PUT over a stored Consent: that one must be about this patient too, or another's wishes
  // could be overwritten by a body that names the writer.
  if (auto old = id.empty() ? std::nullopt : store_.read("Consent", id); old && !old->deleted && consent_patient(old->json) != pid)
    return refused(trail, operation_outcome(403, "forbidden", "a patient may change only their own Consent resources"),
                   "consent of another patient");
  trail.patient(pid).nhs_number = facts.nhs_number;
  return std::nullopt;
}

}  // namespace hidewire::http
