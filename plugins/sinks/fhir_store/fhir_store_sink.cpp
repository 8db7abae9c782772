#include "plugins/sinks/fhir_store/fhir_store_sink.hpp"

namespace hidewire::plugins::fhir_store_sink {
namespace {

using node::DeliveryResult;

class FhirStoreSink final : public node::Sink {
 public:
  FhirStoreSink(node::FhirStore& store, std::string name) : store_(store), name_(std::move(name)) {}
  const std::string& name() const override { return name_; }
  bool local() const override { return true; }
  const node::RetryPolicy& retry() const override { return retry_; }

  std::vector<DeliveryResult> deliver(const std::vector<node::Parcel>& parcels) override {
    std::vector<node::FhirStore::BatchItem> items;
    for (const node::Parcel& p : parcels) items.push_back({&p.entry->output, "journal:" + std::to_string(p.journal_id)});
    // A store that cannot write (node::StorageUnavailable) throws: the router retries the batch.
    // Only a Bundle refused for its content (4xx) is dead-lettered; any other error may pass later.
    std::vector<DeliveryResult> out;
    for (const node::FhirStore::BatchResult& r : store_.transaction_batch(items)) {
      if (r.ok) out.push_back({DeliveryResult::Status::Delivered, ""});
      else if (r.status >= 400 && r.status < 500) out.push_back({DeliveryResult::Status::Rejected, r.error});
      else out.push_back({DeliveryResult::Status::Retry, r.error});
    }
    return out;
  }

 private:
  node::FhirStore& store_;
  std::string name_;
  node::RetryPolicy retry_{0, 200, 10000};  // what the store cannot take now is taken later
};

}  // namespace

node::SinkBuilder factory(node::ConfigReader&) {
  return [](node::SinkContext& ctx) { return std::make_unique<FhirStoreSink>(ctx.store, ctx.name); };
}

}  // namespace hidewire::plugins::fhir_store_sink
