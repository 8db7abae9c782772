// The FHIR R4 REST API over the node's store: CapabilityStatement, read, vread, history,
// search (identifier, patient, _lastUpdated, _count with paging by key: fhir_search.hpp), create and update (validated),
// transaction and batch Bundles, Patient/$everything. Errors are OperationOutcomes with the
// matching HTTP status.
#pragma once

#include <optional>

#include "fhir/node.hpp"
#include "fhir/schema.hpp"
#include "net/http/server.hpp"
#include "node/access_policy.hpp"
#include "node/fhir_store.hpp"

namespace hidewire::http {

class FhirApi {
 public:
  // Every request is put to `policy` first (allow-all until access control is configured).
  FhirApi(node::FhirStore& store, const node::AccessPolicy& policy, const fhir::Schema& schema = fhir::Schema::r4())
      : store_(store), policy_(policy), schema_(schema) {}
  Response handle(const Request& req);

 private:
  Response read(const std::string& type, const std::string& id, int version);
  Response history(const std::string& type, const std::string& id, const Request& req);
  Response search(const std::string& type, const Request& req);
  Response write(const Request& req, const std::string& type, const std::string& id);
  Response bundle(const Request& req);
  Response everything(const std::string& id, const Request& req);
  Response capability(const Request& req);
  // Reads and checks a request body (structure and invariants): the refusal to send, if any.
  std::optional<Response> refuse(const Request& req, fhir::Node& node);

  node::FhirStore& store_;
  const node::AccessPolicy& policy_;
  const fhir::Schema& schema_;
};

Response operation_outcome(int status, const std::string& code, const std::string& message);

}  // namespace hidewire::http
