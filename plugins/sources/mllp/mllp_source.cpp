#include "plugins/sources/mllp/mllp_source.hpp"

#include "net/mllp/server.hpp"
#include "node/intake.hpp"
#include "plugins/common/limits.hpp"
#include "plugins/common/v2_answer.hpp"

namespace hidewire::plugins::mllp_source {
namespace {

class MllpSource final : public node::Source {
 public:
  MllpSource(Settings s, node::SourceContext& ctx) : s_(std::move(s)), io_(ctx.io), channel_(ctx.channel), name_(ctx.name) {}

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
        mllp::AsyncFrameHandler([this](std::string_view m, mllp::Reply reply) {
          channel_.submit(std::string(m), "hl7v2", responder_,
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
  std::string describe() const override {
    return std::string("MLLP") + (s_.tls.enabled() ? " over TLS" : "") + " on " + s_.listen.host + ":" +
           std::to_string(server_ ? server_->port() : s_.listen.port);
  }

 private:
  Settings s_;
  boost::asio::io_context& io_;
  node::Channel& channel_;
  std::string name_;
  V2Responder responder_;
  std::unique_ptr<mllp::Server> server_;
};

}  // namespace

node::SourceBuilder factory(node::ConfigReader& r) {
  Settings s;
  read_listener(r, s);
  return [s](node::SourceContext& ctx) { return std::make_unique<MllpSource>(s, ctx); };
}

}  // namespace hidewire::plugins::mllp_source
