#include "adapters/http_fhir/intake.hpp"

#include <openssl/evp.h>

#include "conformance/gate.hpp"
#include "fhir/codec.hpp"
#include "router/http/fhir_api.hpp"

namespace hidewire::http_fhir {
namespace {

std::string sha256_hex(const std::string& data) {
  unsigned char md[EVP_MAX_MD_SIZE];
  unsigned int len = 0;
  EVP_Digest(data.data(), data.size(), md, &len, EVP_sha256(), nullptr);
  static const char* kHex = "0123456789abcdef";
  std::string out = "sha256:";
  for (unsigned int i = 0; i < len; ++i) {
    out += kHex[md[i] >> 4];
    out += kHex[md[i] & 15];
  }
  return out;
}

}  // namespace

Intake::Intake(std::string channel, router::GroupJournal& journal) : channel_(std::move(channel)), journal_(journal) {}

void Intake::handle(const std::string& body, std::function<void(http::Response)> reply) {
  ++stats_.received;
  fhir::Node node;
  fhir::Diagnostics d;
  router::JournalEntry e;
  e.channel = channel_;
  e.raw = body;
  e.message_id = sha256_hex(body);
  bool readable = fhir::parse_any(body, fhir::Schema::r4(), node, d);
  if (readable) conformance::check(node, d);  // the same gate as converted HL7 v2
  int status = 202;
  if (!readable || d.has_errors()) {
    if (!readable) ++stats_.unreadable;
    status = readable ? 422 : 400;
    e.status = "rejected";
    e.reason = d.issues().empty() ? "unreadable" : d.issues().front().message;
    e.ack = fhir::to_operation_outcome_json(d);
  } else {
    e.status = "accepted";
    e.output = node.resource_type() == "Bundle"
                   ? body
                   : R"({"resourceType":"Bundle","type":"transaction","entry":[{"resource":)" + fhir::write_json(node) +
                         R"(,"request":{"method":"POST","url":")" + std::string(node.resource_type()) + "\"}}]}";
  }
  std::string outcome = e.ack;
  journal_.submit(std::move(e), [this, reply = std::move(reply), status, outcome](const router::Journal::Appended& r,
                                                                                  const std::string* error) {
    if (error) {
      reply(http::operation_outcome(503, "transient", "the message could not be stored: " + *error));
      return;
    }
    if (r.duplicate) {
      ++stats_.duplicates;
      if (r.status == "rejected") {
        http::Response again;
        again.status = 422;
        again.body = r.ack;
        reply(std::move(again));
      } else {
        reply(http::operation_outcome(200, "informational", "already received as message " + std::to_string(r.id)));
      }
      return;
    }
    if (status != 202) {
      ++stats_.rejected;
      http::Response refused;
      refused.status = status;
      refused.body = outcome;
      reply(std::move(refused));
      return;
    }
    ++stats_.accepted;
    reply(http::operation_outcome(202, "informational", "accepted as message " + std::to_string(r.id)));
  });
}

}  // namespace hidewire::http_fhir
