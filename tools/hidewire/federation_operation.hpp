// `$hidewire-federated-record` on the node's FHIR API: federation::Federation answers, and this
// turns its answer into the API's Response and the AccessTrail the API audits the request by.
#pragma once

#include "api/fhir_api.hpp"
#include "federation/federated_record.hpp"

namespace hidewire::cli {

// The operation for ApiGuard::patient_operations["hidewire-federated-record"]; `fed` outlives it.
http::AsyncOperation federated_record_operation(federation::Federation& fed);

}  // namespace hidewire::cli
