// The `http-fhir` source: a peer node or a local system POSTs a FHIR resource or transaction
// Bundle (JSON or XML). It goes to the intake as format `fhir`, and the answer is given once
// the outcome is durable: 202 accepted, 422 refused (400 unreadable) with an OperationOutcome,
// 200 for a resend of an accepted body, 503 when it could not be stored (the sender keeps it).
// Each request is authenticated first (a bearer token or signed JWT, the verified client
// certificate, X-Request-ID): 401 (with WWW-Authenticate: Bearer) or 403 with an
// OperationOutcome, and a resource type the caller may not write (any entry of a Bundle) 403,
// all before anything is journalled. With `format` (a registered converter's), every body is of
// that format (a council's CSV export: `delimited`, docs/SOCIAL_CARE.md); a body its converter
// splits is submitted message by message, and answered once all are journalled: 202 when every
// one was accepted, 422 when some were refused (the others are kept), 503 when some could not
// be stored, with one line per message.
#pragma once

#include "node/registry.hpp"
#include "plugins/common/limits.hpp"

namespace hidewire::plugins::http_fhir_source {

struct Settings : ListenerSettings {
  std::string format;  // empty: FHIR (R4, or STU3 by its Content-Type or content)
};

node::SourceBuilder factory(node::ConfigReader& settings);

}  // namespace hidewire::plugins::http_fhir_source
