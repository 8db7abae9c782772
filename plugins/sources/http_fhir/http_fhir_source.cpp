#include "plugins/sources/http_fhir/http_fhir_source.hpp"

#include "api/fhir_api.hpp"
#include "api/write_rules.hpp"
#include "log/log.hpp"
#include "fhir/diagnostics.hpp"
#include "net/http/server.hpp"
#include "node/intake.hpp"
#include "plugins/common/fhir_answer.hpp"
#include "plugins/common/fhir_format.hpp"
#include "plugins/common/limits.hpp"
#include "plugins/common/source_auth.hpp"
#include "plugins/common/split_submit.hpp"
#include "node/source.hpp"

namespace hidewire::plugins::http_fhir_source {
namespace {

using node::Outcome;

http::Response respond(const Outcome& o, const std::string& answer) {
  http::Response r;
  r.body = answer;
  switch (o.kind) {
    case Outcome::Kind::Accepted:
      return http::operation_outcome(202, "informational", "accepted as message " + std::to_string(o.journal_id));
    case Outcome::Kind::Duplicate:
      if (o.first_status == "rejected") break;  // refused again, with the first answer
      return http::operation_outcome(200, "informational", "already received as message " + std::to_string(o.journal_id));
    case Outcome::Kind::Unreadable:
      r.status = 400;
      return r;
    case Outcome::Kind::Unavailable:
      r.status = 503;
      return r;
    default:
      break;
  }
  r.status = 422;
  return r;
}

class HttpFhirSource final : public node::Source {
 public:
  HttpFhirSource(Settings s, node::SourceContext& ctx)
      : s_(std::move(s)), io_(ctx.io), channel_(ctx.channel), name_(ctx.name), auth_(ctx.auth) {}

  void start() override {
    boost::asio::ip::tcp::endpoint at = endpoint_of(s_.listen);
    server_ = std::make_unique<http::Server>(
        io_, at,
        http::AsyncHandler([this](const http::Request& r, std::function<void(http::Response)> reply) {
          if (r.method != "POST") return reply(http::operation_outcome(405, "not-supported", "POST a FHIR resource or Bundle"));
          // Who sends, and whether they may write what they sent, before anything is journalled.
          node::AuthOutcome who = authenticate_sender(auth_, {}, credentials(r));
          if (!who.ok) return reply(refused(who.status, who.code, who.message, r));
          // STU3 (a GP Connect structured record) goes to its own converter; the intake checks
          // the R4 types it becomes against the sender's grants.
          std::string format = s_.format.empty() ? fhir_format(r.content_type, r.body) : s_.format;
          if (format != "fhir" && format != "fhir-stu3") {
            std::vector<std::string> parts = channel_.split(r.body, format, who.caller);
            if (!parts.empty())
              return submit_parts(channel_, std::move(parts), format, who.caller, responder_, [reply = std::move(reply)](const PartsOutcome& o) {
                int status = o.unavailable ? 503 : o.accepted == o.parts ? 202 : 422;
                reply(http::operation_outcome(status, status == 202 ? "informational" : status == 503 ? "transient" : "processing", o.summary));
              });
          }
          // Anonymous (no authentication, or development.allow_anonymous) has no grants to check.
          if (who.caller.kind != node::Caller::Kind::Anonymous && format == "fhir") {
            if (auto no = api::check_types(who.caller, r.body)) return reply(refused(no->status, no->code, no->message, r));
            if (auto no = api::check_source_patients(r.body)) return reply(refused(no->status, no->code, no->message, r));
          }
          channel_.submit(r.body, format, std::move(who.caller), responder_,
                          [reply = std::move(reply)](const Outcome& o, const std::string& answer) { reply(respond(o, answer)); });
        }),
        options());
  }
  http::ServerOptions options() const {
    http::ServerOptions o;
    o.name = "source " + name_;
    o.max_body_bytes = s_.max_message_bytes;
    o.tls = {s_.tls.cert_file, s_.tls.key_file, s_.tls.ca_file};
    o.limits = to_net(s_.limits);
    return o;
  }
  void stop() override {
    if (server_) server_->stop();
  }
  node::Credentials credentials(const http::Request& r) const { return http::credentials_of(r, "source " + name_); }
  http::Response refused(int status, const std::string& code, const std::string& why, const http::Request& r) const {
    log::warn("sender refused", {{"listener", "source " + name_}, {"address", r.peer_address}, {"status", status}, {"reason", why}});
    http::Response out = http::operation_outcome(status, code.empty() ? (status == 401 ? "login" : "forbidden") : code, why);
    if (status == 401) out.headers["WWW-Authenticate"] = "Bearer";
    return out;
  }
  std::string endpoint() const override { return s_.listen.host + ":" + std::to_string(server_ ? server_->port() : s_.listen.port); }
  std::string describe() const override {
    return std::string("HTTP") + (s_.tls.enabled() ? "S" : "") + " FHIR on " + s_.listen.host + ":" +
           std::to_string(server_ ? server_->port() : s_.listen.port);
  }

 private:
  Settings s_;
  boost::asio::io_context& io_;
  node::Channel& channel_;
  std::string name_;
  node::Authentication* auth_;
  FhirResponder responder_;
  std::unique_ptr<http::Server> server_;
};

}  // namespace

node::SourceBuilder factory(node::ConfigReader& r) {
  Settings s;
  read_listener(r, s);
  r.str("format", s.format);  // checked against the registered converters by the node's config reader
  return [s](node::SourceContext& ctx) { return std::make_unique<HttpFhirSource>(s, ctx); };
}

}  // namespace hidewire::plugins::http_fhir_source
