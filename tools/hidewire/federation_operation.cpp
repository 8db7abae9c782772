#include "tools/hidewire/federation_operation.hpp"

namespace hidewire::cli {

http::AsyncOperation federated_record_operation(federation::Federation& fed) {
  return [&fed](const http::Request& req, const node::Caller& caller, http::OperationDone done) {
    fed.record(req.body, caller, [done = std::move(done)](federation::Answer a) {
      http::Response r;
      r.status = a.status;
      r.body = std::move(a.body);
      r.headers["Cache-Control"] = "no-store";  // a patient's record: no cache keeps it (there is no central store)
      http::AccessTrail t;
      t.interaction = "operation";
      t.type = "Patient";
      t.outcome = a.audit_outcome;
      t.outcome_text = std::move(a.outcome_text);
      if (!a.nhs_number.empty()) t.patients.push_back({{}, a.nhs_number, false, false, {}, {}});
      done(std::move(r), std::move(t));
    });
  };
}

}  // namespace hidewire::cli
