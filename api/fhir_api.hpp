// The FHIR R4 REST API over the node's store: CapabilityStatement, read, vread, history,
// search (identifier, patient, _lastUpdated, _count with paging by key: fhir_search.hpp), create and update (validated,
// If-Match honoured), transaction and batch Bundles, Patient/$everything, and the access log
// (AuditEvent) and Consent for patients. Errors are OperationOutcomes with the matching status.
//
// Every request is authenticated (node::Authentication), put to the access policy (the request,
// then each patient and resource of the answer: api/record_gate.hpp) and audited (one AuditEvent
// per patient touched, durable before the answer is sent: no acknowledged access goes unaudited).
#pragma once

#include <atomic>
#include <functional>
#include <map>
#include <memory>
#include <optional>

#include "api/access_trail.hpp"
#include "fhir/node.hpp"
#include "fhir/schema.hpp"
#include "net/http/server.hpp"
#include "node/access_policy.hpp"
#include "node/audit_log.hpp"
#include "node/authentication.hpp"
#include "node/fhir_store.hpp"

namespace boost::asio {
class thread_pool;
}

namespace hidewire::http {

// Break-glass reached a record: the registered GP's node is told (cmd_run sends it to the peer).
struct BreakGlassAlert {
  node::Caller caller;
  std::string patient_id, nhs_number, registered_gp_ods;
  std::string audit_event_json;  // the privacy-alert AuditEvent
};

// An operation served by something other than the API's own store (the federated record query
// of docs/FEDERATION.md, which asks the peers): `POST [base]/Patient/$NAME`. Called on an I/O
// thread once the caller is authenticated; it must not block, and answers through `done` (from
// any thread, once) with what the audit of this access says. The API adds the audit and the
// common headers as for its own answers.
using OperationDone = std::function<void(Response, AccessTrail)>;
using AsyncOperation = std::function<void(const Request& req, const node::Caller& caller, OperationDone done)>;

struct ApiGuard {
  node::Authentication* auth = nullptr;  // null: every caller is the development Anonymous one (REST unit tests)
  node::AuditLog* audit = nullptr;       // null: not audited (REST unit tests)
  std::string node_ods, node_name;
  std::function<void(const BreakGlassAlert&)> on_break_glass;
  std::map<std::string, AsyncOperation> patient_operations;  // by NAME, without the $
  std::string node_kind;  // node.kind (gp-practice, acute-trust...), for discovery's organizationKind
};

class FhirApi {
 public:
  FhirApi(node::FhirStore& store, const node::AccessPolicy& policy, const fhir::Schema& schema = fhir::Schema::r4())
      : FhirApi(store, policy, ApiGuard{}, schema) {}
  FhirApi(node::FhirStore& store, const node::AccessPolicy& policy, ApiGuard guard, const fhir::Schema& schema = fhir::Schema::r4());
  // Waits for the writes already audited to be applied and answered.
  ~FhirApi();
  FhirApi(const FhirApi&) = delete;
  FhirApi& operator=(const FhirApi&) = delete;
  // Authenticates, serves, audits, then answers (from the audit log's writer thread; a write
  // from the API's own writer thread, once it is audited and applied).
  void handle_async(const Request& req, std::function<void(Response)> reply);
  // The same, waiting for the audit.
  Response handle(const Request& req);
  // What an authenticated caller gets; `trail` says what it was, for the audit. A write is only
  // checked here: its store write is `trail.apply`, which finish() runs once it is audited.
  Response serve(const Request& req, const node::Caller& caller, AccessTrail& trail);
  // GP Connect structured records served to another organisation's ambulance, NHS 111 or acute
  // trust callers (admin /stats: the locality's GP-record reads by urgent care).
  const std::atomic<std::uint64_t>& gp_records_to_urgent_care() const { return gp_records_to_urgent_care_; }

 private:
  Response read(const Request& req, const node::Caller& caller, AccessTrail& trail, const std::string& type, const std::string& id,
                int version);
  Response history(const Request& req, const node::Caller& caller, AccessTrail& trail, const std::string& type,
                   const std::string& id);
  Response search(const Request& req, const node::Caller& caller, AccessTrail& trail, const std::string& type);
  Response write(const Request& req, const node::Caller& caller, AccessTrail& trail, const std::string& type,
                 const std::string& id);
  Response bundle(const Request& req, const node::Caller& caller, AccessTrail& trail);
  Response everything(const Request& req, const node::Caller& caller, AccessTrail& trail, const std::string& id);
  // GET Patient/$hidewire-export: the secondary-use export (api/fhir_api_export.cpp).
  Response export_patients(const Request& req, const node::Caller& caller, AccessTrail& trail);
  Response audit_search(const Request& req, const node::Caller& caller, AccessTrail& trail);
  Response capability(const Request& req);
  // The holder's federation operations (api/fhir_api_gpconnect.cpp): POST Patient/$NAME.
  static bool is_holder_operation(const std::string& name);
  Response holder_operation(const Request& req, const node::Caller& caller, AccessTrail& trail, const std::string& name);
  Response structured_record(const Request& req, const node::Caller& caller, AccessTrail& trail);
  Response holds_record(const Request& req, const node::Caller& caller, AccessTrail& trail);
  Response patient_record(const Request& req, const node::Caller& caller, AccessTrail& trail);
  // Reads and checks a request body (structure and invariants): the refusal to send, if any.
  std::optional<Response> refuse(const Request& req, fhir::Node& node);
  // A Consent written by a patient must be about themselves.
  // `id`: the Consent a PUT writes over, which must be the patient's own as well.
  std::optional<Response> own_consent(const node::Caller& caller, const std::string& body, const std::string& id, AccessTrail& trail);
  std::vector<node::AuditRecord> audit_records(const node::Caller& caller, const AccessTrail& trail);
  void alert_break_glass(const node::Caller& caller, const AccessTrail& trail, std::vector<node::AuditRecord>& records);
  // The registered async operation a request names, if any.
  const AsyncOperation* patient_operation(const Request& req) const;
  // Headers, audit, then the answer: the common end of every request.
  void finish(const node::Caller& caller, AccessTrail trail, Response r, std::function<void(Response)> reply);
  // A checked write (trail.apply): audited as authorised, durable, then applied on writer_, and
  // audited again if the store refused or failed it (api/fhir_api_write.cpp).
  struct PendingWrite;
  void audited_write(const node::Caller& caller, AccessTrail trail, std::function<void(Response)> reply);
  void apply_write(PendingWrite& w);

  node::FhirStore& store_;
  const node::AccessPolicy& policy_;
  ApiGuard guard_;
  const fhir::Schema& schema_;
  // Store writes of audited requests, in the order their audits became durable: off the audit
  // log's writer thread (it serves every access) and off the I/O threads (which never wait for
  // an audit sync).
  std::unique_ptr<boost::asio::thread_pool> writer_;
  std::atomic<std::uint64_t> gp_records_to_urgent_care_{0};
};

Response operation_outcome(int status, const std::string& code, const std::string& message);
// Sends `answer` once `records` are durable in `audit`; if they cannot be written, a 503 instead:
// an access that cannot be audited is not served. Used by every guarded listener.
void answer_when_audited(node::AuditLog& audit, std::vector<node::AuditRecord> records, Response answer,
                         std::function<void(Response)> reply);
// The caller of a request, as the listener's transport and headers establish it.
node::Credentials credentials_of(const Request& req, const std::string& listener);

}  // namespace hidewire::http
