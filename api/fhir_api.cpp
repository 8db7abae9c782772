#include "api/fhir_api.hpp"

#include <rapidjson/document.h>
#include <rapidjson/stringbuffer.h>
#include <rapidjson/writer.h>

#include "fhir/codec.hpp"
#include "fhir/validator.hpp"
#include "fhirpath/invariants.hpp"
#include "api/fhir_search.hpp"
#include "fhir/json_numbers.hpp"
#include "fhir/nhs_number.hpp"
#include "api/fhir_api_parts.hpp"
#include "api/record_gate.hpp"
#include "api/write_rules.hpp"
#include "auth/patient_facts.hpp"

namespace hidewire::http {

Response operation_outcome(int status, const std::string& code, const std::string& message) {
  Response r;
  r.status = status;
  // Success is information, not an error (a 202 once said "error" while accepting).
  r.body = std::string(R"({"resourceType":"OperationOutcome","issue":[{"severity":")") + (status < 400 ? "information" : "error") +
           R"(","code":)" + json_string(code) +
           R"(,"diagnostics":)" + json_string(message) + "}]}";
  return r;
}

namespace {

// The action a request asks for, as the access policy names it, and its BALP subtype.
struct Action {
  std::string_view policy, interaction;
};

Action action_of(const Request& req, const std::vector<std::string>& parts) {
  if (req.method == "GET") {
    if (parts.size() == 1) return {"search", "search-type"};
    if (parts.size() == 2 && parts[0] == "Patient" && parts[1] == "$hidewire-export") return {"export", "operation"};
    if (parts.size() == 3 && parts[2] == "$everything") return {"operation", "operation"};
    if (parts.size() == 3) return {"read", "history-instance"};
    if (parts.size() == 4) return {"read", "vread"};
    return {"read", "read"};
  }
  if (req.method == "PUT") return {"update", "update"};
  if (req.method == "POST" && parts.size() == 2 && parts[1].rfind('$', 0) == 0) return {"operation", "operation"};
  if (req.method == "POST") return parts.empty() ? Action{"transaction", "transaction"} : Action{"create", "create"};
  return {"other", "operation"};
}

std::string query_string(const Request& req) {
  std::string q;
  for (const auto& [k, v] : req.query) q += (q.empty() ? "" : "&") + k + "=" + v;
  return q;
}


// What the gate says of a resource's current version: an older version is shown only when the
// current one would be too, so a label or a move to another patient added later also covers
// the versions before it (vread and history cannot go round a restriction).
RecordGate::Verdict current_verdict(RecordGate& gate, node::FhirStore& store, const std::string& type, const std::string& id) {
  auto cur = store.read(type, id);
  if (!cur || cur->deleted || cur->json.empty()) return RecordGate::Verdict::Pass;
  auto v = gate.check(cur->json);
  return v == RecordGate::Verdict::Refused ? RecordGate::Verdict::Withheld : v;
}

}  // namespace

Response FhirApi::serve(const Request& req, const node::Caller& caller, AccessTrail& trail) {
  auto parts = split_path(req.path);
  Action action = action_of(req, parts);
  trail.interaction = std::string(action.interaction);
  trail.type = parts.empty() ? "" : parts[0];
  trail.id = parts.size() > 1 ? parts[1] : "";
  if (req.method == "GET" && parts.size() == 1) trail.query = query_string(req);
  try {
    if (!parts.empty() && parts[0] == "AuditEvent") {
      // The access log is the node's own, kept tamper-evident apart from the store: nobody writes
      // into it through the API, and it is read by search only.
      if (req.method == "GET" && parts.size() == 1) return audit_search(req, caller, trail);
      return refused(trail, operation_outcome(405, "not-supported", "AuditEvents are written by the node itself and read by search: GET /AuditEvent"),
                     "AuditEvent write or read refused");
    }
    // A patient writing their own wishes; systems write Consents as any type they are granted.
    std::string_view policy_action = action.policy;
    if (caller.kind == node::Caller::Kind::Patient && !parts.empty() && parts[0] == "Consent" && req.method != "GET") {
      policy_action = "consent-write";
      trail.interaction = "consent-write";
    }
    node::AccessDecision d = policy_.decide({caller, policy_action, trail.type, trail.id});
    if (!d.allowed)
      return refused(trail, operation_outcome(d.status ? d.status : 403, d.code.empty() ? "forbidden" : d.code, d.reason), d.reason);
    if (parts.empty()) {
      if (req.method == "POST") return bundle(req, caller, trail);
      return operation_outcome(405, "not-supported", "use GET /metadata or a resource type");
    }
    const std::string& type = parts[0];
    if (!schema_.resource(type)) return operation_outcome(404, "not-supported", "unknown resource type '" + type + "'");
    if (parts.size() == 1) {
      if (req.method == "GET") return search(req, caller, trail, type);
      if (req.method == "POST") return write(req, caller, trail, type, "");
    } else if (parts.size() == 2 && req.method == "POST" && type == "Patient" && is_holder_operation(parts[1].substr(1))) {
      return holder_operation(req, caller, trail, parts[1].substr(1));
    } else if (parts.size() == 2 && req.method == "GET" && type == "Patient" && parts[1] == "$hidewire-export") {
      return export_patients(req, caller, trail);
    } else if (parts.size() == 2 && parts[1] == "$everything") {
      return operation_outcome(400, "invalid", "$everything needs a patient id: Patient/{id}/$everything");
    } else if (parts.size() == 2) {
      if (req.method == "GET") return read(req, caller, trail, type, parts[1], 0);
      if (req.method == "PUT") return write(req, caller, trail, type, parts[1]);
    } else if (parts.size() == 3 && parts[2] == "$everything" && type == "Patient" && req.method == "GET") {
      return everything(req, caller, trail, parts[1]);
    } else if (parts.size() == 3 && parts[2] == "_history" && req.method == "GET") {
      return history(req, caller, trail, type, parts[1]);
    } else if (parts.size() == 4 && parts[2] == "_history" && req.method == "GET") {
      int v = 0;
      try {
        v = std::stoi(parts[3]);
      } catch (...) {
        return operation_outcome(400, "invalid", "version must be a number");
      }
      return read(req, caller, trail, type, parts[1], v);
    }
    return operation_outcome(405, "not-supported", req.method + " " + req.path + " is not supported");
  } catch (const node::StoreError& e) {
    trail.outcome = e.http_status >= 500 ? 8 : 4;
    trail.outcome_text = e.what();
    return operation_outcome(e.http_status, e.http_status == 412 ? "conflict" : "processing", e.what());
  } catch (const node::StorageUnavailable& e) {
    // A full disk: the write is not done and may be sent again later; reads go on being served.
    trail.outcome = 8;
    trail.outcome_text = e.what();
    return operation_outcome(503, "transient", std::string("the store cannot write now: ") + e.what());
  }
}

Response FhirApi::read(const Request& req, const node::Caller& caller, AccessTrail& trail, const std::string& type,
                       const std::string& id, int version) {
  auto r = version ? store_.vread(type, id, version) : store_.read(type, id);
  if (!r && type == "Patient")  // as a sensitive Patient is answered: the two must not be told apart
    return RecordGate::refusal({node::PatientDecision::Result::NotFound, "unknown patient", "", {}});
  if (!r) return operation_outcome(404, "not-found", type + "/" + id + (version ? "/_history/" + std::to_string(version) : "") + " is not known");
  RecordGate gate(store_, policy_, caller, "read", guard_.node_ods, trail);
  RecordGate::Verdict verdict = gate.check(r->json);
  if (version && verdict == RecordGate::Verdict::Pass) verdict = current_verdict(gate, store_, type, id);
  switch (verdict) {
    case RecordGate::Verdict::Refused:
      return refused(trail, RecordGate::refusal(gate.decide(auth::patient_of(r->json).value_or(""))), "refused for the patient");
    case RecordGate::Verdict::Withheld:
      return refused(trail, withheld_answer(), "withheld by a restriction");
    case RecordGate::Verdict::Pass: break;
  }
  if (r->deleted) return operation_outcome(410, "deleted", type + "/" + id + " was deleted");
  return resource_response(*r, 200);
}

Response FhirApi::history(const Request& req, const node::Caller& caller, AccessTrail& trail, const std::string& type,
                          const std::string& id) {
  auto h = store_.history(type, id);
  if (h.empty()) return operation_outcome(404, "not-found", type + "/" + id + " is not known");
  RecordGate gate(store_, policy_, caller, "read", guard_.node_ods, trail);
  RecordGate::Verdict now = current_verdict(gate, store_, type, id);
  std::vector<node::StoredResource> shown;
  for (auto& v : h) {
    auto verdict = gate.check(v.json);
    if (verdict == RecordGate::Verdict::Pass) verdict = now;
    if (verdict == RecordGate::Verdict::Refused)
      return refused(trail, RecordGate::refusal(gate.decide(auth::patient_of(v.json).value_or(""))), "refused for the patient");
    if (verdict == RecordGate::Verdict::Pass) shown.push_back(std::move(v));
  }
  return bundle_of("history", shown, req.base_url, "", gate.withheld() ? withheld_entry() : "");
}

Response FhirApi::search(const Request& req, const node::Caller& caller, AccessTrail& trail, const std::string& type) {
  SearchQuery q = read_search_query(req.query);
  if (!q.error.empty()) return operation_outcome(400, q.error_code, q.error);
  // GP Connect Foundations' patient search: a number that cannot be an NHS number is an error.
  if (type == "Patient" && q.params.identifier_system == fhir::kNhsNumberSystem)
    if (std::string why = fhir::check_nhs_number(q.params.identifier_value); !why.empty())
      return spine_outcome(400, "value", "INVALID_NHS_NUMBER", "Invalid NHS number", "identifier is not a valid NHS number: " + why);
  RecordGate gate(store_, policy_, caller, "search", guard_.node_ods, trail);
  // Outside the holder a search names what it is about (patient, identifier or _id): an
  // emergency service has a relationship with every patient, one at a time, not a list of them.
  bool own = caller.kind == node::Caller::Kind::Anonymous || (caller.kind != node::Caller::Kind::Patient && caller.ods_code == guard_.node_ods);
  if (!own && q.params.patient.empty() && q.params.identifier_value.empty() && !q.by_id)
    return refused(trail, operation_outcome(403, "forbidden", "outside the holder's own systems a search names the patient (patient=, identifier= or _id=)"),
                   "search without a patient refused");
  // A search about one patient answers that patient's refusal; a wider one leaves them out.
  if (!q.params.patient.empty()) {
    std::string pid = q.params.patient.rfind("Patient/", 0) == 0 ? q.params.patient.substr(8) : q.params.patient;
    const node::PatientDecision& d = gate.decide(pid);
    if (!d.allowed()) return refused(trail, RecordGate::refusal(d), "refused for the patient");
  }
  std::vector<node::StoredResource> found;
  std::string next;
  if (q.by_id) {
    if (auto r = store_.read(type, q.id)) found.push_back(*r);
  } else {
    node::SearchPage page = store_.search(type, q.params);
    if (q.params.count == 0) {
      // A total alone tells how many records match without showing them: the holder's own only.
      if (caller.kind != node::Caller::Kind::Anonymous && caller.ods_code != guard_.node_ods)
        return refused(trail, operation_outcome(403, "forbidden", "a total alone (_count=0) is for the holder's own systems"),
                       "total refused");
      Response out;
      out.body = R"({"resourceType":"Bundle","type":"searchset","total":)" + std::to_string(page.total) + "}";
      return out;
    }
    found = std::move(page.resources);
    if (!page.next.empty()) next = req.base_url + "/" + type + "?" + next_query(req.query, q.params.count, page.next);
  }
  std::vector<node::StoredResource> shown;
  bool one_patient = type == "Patient" && !q.params.identifier_value.empty();
  for (auto& r : found) {
    auto verdict = gate.check(r.json);
    if (verdict == RecordGate::Verdict::Pass) shown.push_back(std::move(r));
    else if (verdict == RecordGate::Verdict::Refused && one_patient) {
      const node::PatientDecision& d = gate.decide(auth::patient_of(r.json).value_or(""));
      // A sensitive record is answered as an unknown NHS number is (an empty searchset): a 404
      // here told a caller that the number belongs to someone this holder hides.
      if (d.result == node::PatientDecision::Result::NotFound) continue;
      return refused(trail, RecordGate::refusal(d), "refused for the patient");
    }
  }
  std::string note;  // a capped _count is said in the Bundle, as an outcome entry
  if (q.capped_from)
    note = R"({"resource":{"resourceType":"OperationOutcome","issue":[{"severity":"information","code":"informational","diagnostics":)" +
           json_string("_count " + std::to_string(q.capped_from) + " is above the maximum of " + std::to_string(kMaxCount) +
                       ": pages hold " + std::to_string(kMaxCount)) +
           R"(}]},"search":{"mode":"outcome"}})";
  if (gate.withheld()) note += (note.empty() ? "" : ",") + withheld_entry();
  return bundle_of("searchset", shown, req.base_url, next, note);
}

std::optional<Response> FhirApi::refuse(const Request& req, fhir::Node& node) {
  fhir::Diagnostics d;
  if (!fhir::parse_json(req.body, schema_, node, d)) return operation_outcome(400, "structure", d.issues().front().message);
  fhir::validate(node, schema_, d);
  fhirpath::check_invariants(node, schema_, d);
  if (!d.has_errors()) return std::nullopt;
  Response r;
  r.status = 422;
  r.body = fhir::to_operation_outcome_json(d);
  return r;
}

Response FhirApi::write(const Request& req, const node::Caller& caller, AccessTrail& trail, const std::string& type,
                        const std::string& id) {
  fhir::Node node;
  if (auto refusal = refuse(req, node)) return *refusal;
  if (node.resource_type() != type) return operation_outcome(400, "invalid", "the body is a " + std::string(node.resource_type()) + ", not a " + type);
  node::Caller writer = caller;
  if (caller.kind == node::Caller::Kind::Patient) {
    if (auto no = own_consent(caller, req.body, id, trail)) return *no;
    writer.write_types = {"Consent"};  // their own wishes, and nothing else
  }
  if (auto no = api::check_write(writer, req.body, store_, id))
    return refused(trail, operation_outcome(no->status, no->code, no->message), no->message);
  if (auto patient = auth::patient_of(req.body)) trail.patient(*patient);
  const std::string& if_match = req.header("if-match");
  int expected = if_match.empty() ? 0 : node::version_of_etag(if_match);
  if (!if_match.empty() && expected == 0) return operation_outcome(400, "invalid", "If-Match must be a version ETag such as W/\"3\"");
  // Written once it is audited (api/fhir_api_write.cpp); If-Match is the store's to judge then.
  return deferred_write(trail, [this, type, id, expected, body = req.body](AccessTrail&) {
    if (id.empty()) return resource_response(store_.create(body), 201);
    bool existed = store_.read(type, id).has_value();
    if (expected && !existed) return operation_outcome(412, "conflict", type + "/" + id + " does not exist: If-Match cannot hold");
    return resource_response(store_.update(type, id, body, expected), existed ? 200 : 201);
  });
}

Response FhirApi::capability(const Request& req) {
  std::string types;
  for (const fhir::TypeDef* t : schema_.resource_types()) {
    if (!types.empty()) types += ',';
    types += R"({"type":)" + json_string(t->name) +
             R"(,"interaction":[{"code":"read"},{"code":"vread"},{"code":"history-instance"},{"code":"create"},{"code":"update"},{"code":"search-type"}],)"
             R"("searchParam":[{"name":"identifier","type":"token"},{"name":"patient","type":"reference"},{"name":"_lastUpdated","type":"date"}]})";
  }
  // The operations this node was given (the federated record when federation is on), so a
  // peer or the conformance suite can tell from /metadata what the node does.
  std::string extra;
  for (const auto& op : guard_.patient_operations)
    extra += R"(,{"name":)" + json_string(op.first) + R"(,"definition":)" + json_string("urn:hidewire:OperationDefinition/" + op.first) + "}";
  Response r;
  r.body = R"({"resourceType":"CapabilityStatement","status":"active","date":"2026-11-24","kind":"instance","software":{"name":"hidewire"},)"
           R"("implementation":{"description":"hidewire node","url":)" + json_string(req.base_url) +
           R"(},"fhirVersion":"4.0.1","format":["json"],"rest":[{"mode":"server","resource":[)" + types +
           R"(],"interaction":[{"code":"transaction"},{"code":"batch"}],"operation":[{"name":"everything","definition":"http://hl7.org/fhir/OperationDefinition/Patient-everything"},)"
           R"({"name":"gpc.getstructuredrecord","definition":"https://fhir.nhs.uk/STU3/OperationDefinition/GPConnect-GetStructuredRecord-Operation-1"},)"
           R"({"name":"hidewire-holds-record","definition":"urn:hidewire:OperationDefinition/hidewire-holds-record"},)"
           R"({"name":"hidewire-patient-record","definition":"urn:hidewire:OperationDefinition/hidewire-patient-record"})" + extra +
           "]}]}";
  return r;
}

}  // namespace hidewire::http
