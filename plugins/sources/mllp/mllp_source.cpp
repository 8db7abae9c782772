#include "plugins/sources/mllp/mllp_source.hpp"

#include "log/log.hpp"
#include "net/mllp/server.hpp"
#include "node/intake.hpp"
#include "node/source.hpp"
#include "plugins/common/limits.hpp"
#include "plugins/common/source_auth.hpp"
#include "plugins/common/v2_answer.hpp"
#include "plugins/common/v2_batch.hpp"
#include "hl7v2/batch.hpp"

namespace hidewire::plugins::mllp_source {
namespace {

class MllpSource final : public node::Source {
 public:
  MllpSource(Settings s, node::SourceContext& ctx)
      : s_(std::move(s)), io_(ctx.io), channel_(ctx.channel), name_(ctx.name), auth_(ctx.auth) {}

  void start() override {
    mllp::ServerOptions o;
    o.name = "source " + name_;
    o.limits = to_net(s_.limits);
    o.max_frame_bytes = s_.max_message_bytes;
    o.tls_cert_file = s_.tls.cert_file;
    o.tls_key_file = s_.tls.key_file;
    o.tls_client_ca_file = s_.tls.ca_file;
    boost::asio::ip::tcp::endpoint at = endpoint_of(s_.listen);
    server_ = std::make_unique<mllp::Server>(
        io_, at,
        mllp::ConnectionFrameHandler([this](mllp::Connection& conn, std::string_view m, mllp::Reply reply) {
          const Accepted& a = sender(conn);
          const node::AuthOutcome& who = a.outcome;
          if (!who.ok) {
            conn.close_after_answer = true;
            return reply(responder_.refuse_sender(m, "sender not accepted: " + who.message));
          }
          if (hl7v2::is_batch(m))  // FHS / BHS, or several messages in one frame: each answered, in one ACK batch
            return submit_v2_batch(channel_, m, who.caller, responder_,
                                   [reply = std::move(reply)](const BatchOutcome& b) { reply(b.answer); });
          channel_.submit(std::string(m), "hl7v2", a.sender, responder_,
                          [reply = std::move(reply)](const node::Outcome&, const std::string& ack) { reply(ack); });
        }),
        [this](const std::string& err) {
          // Too large to take: answered AR at once; the sender keeps it.
          return responder_.reject_frame(err);
        },
        o);
  }
  void stop() override {
    if (server_) server_->stop();
  }
  std::string endpoint() const override { return s_.listen.host + ":" + std::to_string(server_ ? server_->port() : s_.listen.port); }
  std::string describe() const override {
    return std::string("MLLP") + (s_.tls.enabled() ? " over TLS" : "") + " on " + s_.listen.host + ":" +
           std::to_string(server_ ? server_->port() : s_.listen.port);
  }

 private:
  struct Accepted {
    node::AuthOutcome outcome;
    node::SenderRef sender;  // when ok: handed on with each message
  };

  // Once per connection, at its first frame: a certificate or a configured system does not
  // change while the connection lasts.
  const Accepted& sender(mllp::Connection& conn) {
    if (!conn.state) {
      node::Credentials c;
      c.listener = "source " + name_;
      c.address = conn.peer_address;
      c.client_cert = conn.peer_cert.present;
      c.cert_cn = conn.peer_cert.cn;
      c.cert_ods = conn.peer_cert.ods;
      auto a = std::make_shared<Accepted>();
      a->outcome = authenticate_sender(auth_, s_.system, c);
      const node::AuthOutcome& who = a->outcome;
      if (who.ok) a->sender = node::make_sender(who.caller);
      else log::warn("sender refused", {{"listener", c.listener}, {"address", c.address}, {"status", who.status}, {"reason", who.message}});
      conn.state = a;
    }
    return *static_cast<const Accepted*>(conn.state.get());
  }

  Settings s_;
  boost::asio::io_context& io_;
  node::Channel& channel_;
  std::string name_;
  node::Authentication* auth_;
  V2Responder responder_;
  std::unique_ptr<mllp::Server> server_;
};

}  // namespace

node::SourceBuilder factory(node::ConfigReader& r) {
  Settings s;
  read_listener(r, s);
  r.str("system", s.system);
  // Without client certificates, whoever can connect is taken as that system: so only a
  // listener on loopback (a system on the same host, or behind a local tunnel) may do that.
  bool loopback = s.listen.host == "127.0.0.1" || s.listen.host == "::1" || s.listen.host == "localhost";
  if (!s.system.empty() && s.tls.ca_file.empty() && !loopback)
    r.problem("system", "a source's system without client certificates (tls.ca) must listen on loopback: anyone who can reach " +
                            s.listen.host + " would be taken as " + s.system);
  return [s](node::SourceContext& ctx) { return std::make_unique<MllpSource>(s, ctx); };
}

}  // namespace hidewire::plugins::mllp_source
