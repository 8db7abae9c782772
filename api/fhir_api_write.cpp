// A write through the FHIR API is audited before it takes effect: authenticate, check (policy,
// validation, write rules), append the audit record of the write as authorised and wait until
// it is durable, then write the store; if the store then refuses or fails, a second record of
// the same request says so before the answer (docs/ACCESS.md, "The audit of writes"). So no
// change is ever stored without its record, and the I/O threads never wait for the sync.
#include <boost/asio/post.hpp>
#include <boost/asio/thread_pool.hpp>

#include "api/fhir_api.hpp"
#include "api/fhir_api_parts.hpp"
#include "auth/jwt.hpp"
#include "log/log.hpp"

namespace hidewire::http {
namespace {

// The first record's outcome text: how the pair reads.
constexpr const char* kAuthorised = "write authorised: applied unless a later record of this request says it was not";

}  // namespace

struct FhirApi::PendingWrite {
  node::Caller caller;
  AccessTrail trail;
  std::function<void(Response)> reply;
};

FhirApi::FhirApi(node::FhirStore& store, const node::AccessPolicy& policy, ApiGuard guard, const fhir::Schema& schema)
    : store_(store), policy_(policy), guard_(std::move(guard)), schema_(schema), writer_(std::make_unique<boost::asio::thread_pool>(1)) {}

FhirApi::~FhirApi() { writer_->join(); }

Response deferred_write(AccessTrail& trail, std::function<Response(AccessTrail& after)> apply) {
  trail.apply = std::move(apply);
  Response placeholder;
  placeholder.status = 202;
  return placeholder;
}

void FhirApi::audited_write(const node::Caller& caller, AccessTrail trail, std::function<void(Response)> reply) {
  auto w = std::make_shared<PendingWrite>(PendingWrite{caller, std::move(trail), std::move(reply)});
  if (!guard_.audit) return apply_write(*w);  // REST unit tests: nothing to audit, written at once
  // The two records of a write are read together by the request's id: it must have one.
  if (w->caller.request_id.empty()) w->caller.request_id = auth::random_uuid();
  w->trail.outcome_text = kAuthorised;
  guard_.audit->append(audit_records(w->caller, w->trail), [this, w](bool ok, const std::string& error) {
    if (!ok) {
      Response r = operation_outcome(503, "transient", "the write could not be audited, so it was not made: " + error);
      r.headers["X-Request-ID"] = w->caller.request_id;
      return w->reply(std::move(r));
    }
    // This is the audit log's writer thread, which serves every access: the store is written on ours.
    boost::asio::post(*writer_, [this, w] { apply_write(*w); });
  });
}

void FhirApi::apply_write(PendingWrite& w) {
  AccessTrail after = w.trail;
  after.apply = nullptr;
  after.outcome = 0;
  after.outcome_text.clear();
  Response r;
  try {
    r = w.trail.apply(after);
  } catch (const node::StoreError& e) {  // a 412 or 409 in the write's own transaction
    after.outcome = e.http_status >= 500 ? 8 : 4;
    after.outcome_text = e.what();
    r = operation_outcome(e.http_status, e.http_status == 412 ? "conflict" : "processing", e.what());
  } catch (const node::StorageUnavailable& e) {  // a full disk: nothing written, send again later
    after.outcome = 8;
    after.outcome_text = e.what();
    r = operation_outcome(503, "transient", std::string("the store cannot write now: ") + e.what());
  } catch (const std::exception& e) {
    after.outcome = 8;
    after.outcome_text = e.what();
    r = operation_outcome(500, "exception", std::string("the write failed: ") + e.what());
  }
  if (!w.caller.request_id.empty()) r.headers["X-Request-ID"] = w.caller.request_id;
  if (r.status >= 400 && after.outcome == 0) {
    after.outcome = r.status >= 500 ? 8 : 4;
    after.outcome_text = "answered " + std::to_string(r.status);
  }
  if (after.outcome == 0 || !guard_.audit) return w.reply(std::move(r));  // the first record holds
  after.outcome_text = "not applied: " + after.outcome_text;
  if (r.status >= 400) return answer_when_audited(*guard_.audit, audit_records(w.caller, after), std::move(r), std::move(w.reply));
  // A batch whose other entries were written: its answer goes out whatever becomes of the record
  // of what was not (the first record then says more than was done, never less).
  auto held = std::make_shared<Response>(std::move(r));
  guard_.audit->append(audit_records(w.caller, after), [held, reply = std::move(w.reply)](bool ok, const std::string& error) {
    if (!ok) log::error("audit: the entries a batch did not apply could not be recorded", {{"error", error}});
    reply(std::move(*held));
  });
}

}  // namespace hidewire::http
