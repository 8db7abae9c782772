#include "plugins/sinks/mllp/mllp_sink.hpp"

#include "hl7v2/message.hpp"
#include "net/mllp/client.hpp"

namespace hidewire::plugins::mllp_sink {
namespace {

using node::DeliveryResult;

class MllpSink final : public node::Sink {
 public:
  MllpSink(Settings s, std::string name) : s_(std::move(s)), name_(std::move(name)) {}
  const std::string& name() const override { return name_; }
  const node::RetryPolicy& retry() const override { return s_.retry; }

  std::vector<DeliveryResult> deliver(const std::vector<node::Parcel>& parcels) override {
    std::vector<DeliveryResult> out;
    for (const node::Parcel& p : parcels) out.push_back(send(p.entry->raw));
    return out;
  }

 private:
  DeliveryResult send(const std::string& raw) {
    try {
      mllp::ClientOptions o;
      o.timeout = std::chrono::milliseconds(s_.timeout_ms);
      o.tls = s_.tls.enabled();  // never falls back to plaintext: the handshake must succeed
      o.tls_ca_file = s_.tls.ca_file;
      o.tls_cert_file = s_.tls.cert_file;
      o.tls_key_file = s_.tls.key_file;
      mllp::Client client(s_.target.host, s_.target.port, o);
      hl7v2::ParseError perr;
      auto ack = hl7v2::parse(client.send(raw), perr);
      std::string code = ack ? ack->get("MSA-1") : "";
      if (code == "AA" || code == "CA") return {DeliveryResult::Status::Delivered, ""};
      std::string why = "MLLP delivery to " + s_.target.host + " answered " + (code.empty() ? "no readable ACK" : code);
      bool retry = code == "AR" || code == "CR" || code.empty();
      return {retry ? DeliveryResult::Status::Retry : DeliveryResult::Status::Rejected, why};
    } catch (const std::exception& e) {
      return {DeliveryResult::Status::Retry, name_ + ": " + e.what()};
    }
  }

  Settings s_;
  std::string name_;
};

}  // namespace

node::SinkBuilder factory(node::ConfigReader& r) {
  Settings s;
  r.endpoint("target", s.target, true);
  r.num("timeout_ms", s.timeout_ms, 100, 600000);
  node::read_retry(r, s.retry);
  r.tls(s.tls);
  return [s](node::SinkContext& ctx) { return std::make_unique<MllpSink>(s, ctx.name); };
}

}  // namespace hidewire::plugins::mllp_sink
