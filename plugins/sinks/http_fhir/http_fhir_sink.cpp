#include "plugins/sinks/http_fhir/http_fhir_sink.hpp"

#include <curl/curl.h>

#include <random>

#include "audit/audit_event.hpp"
#include "node/audit_log.hpp"

namespace hidewire::plugins::http_fhir_sink {
namespace {

using node::DeliveryResult;

std::size_t discard(char*, std::size_t s, std::size_t n, void*) { return s * n; }

class HttpFhirSink final : public node::Sink {
 public:
  HttpFhirSink(Settings s, node::SinkContext& ctx)
      : s_(std::move(s)), name_(ctx.name), audit_(ctx.audit), node_ods_(ctx.node_ods), node_name_(ctx.node_name) {}
  const std::string& name() const override { return name_; }
  const node::RetryPolicy& retry() const override { return s_.retry; }

  std::vector<DeliveryResult> deliver(const std::vector<node::Parcel>& parcels) override {
    std::vector<DeliveryResult> out;
    for (const node::Parcel& p : parcels) {
      // Each send has its own X-Request-ID, in this node's audit and in the receiver's: the two
      // logs tell the same story from both ends.
      std::string request_id = "hw-" + node_ods_ + "-" + std::to_string(p.journal_id) + "-" + random_suffix();
      out.push_back(post(p.entry->output, request_id));
      audit_export(p, request_id, out.back());
    }
    return out;
  }

 private:
  static std::string random_suffix() {
    thread_local std::mt19937_64 rng{std::random_device{}()};
    char buf[17];
    std::snprintf(buf, sizeof buf, "%016llx", static_cast<unsigned long long>(rng()));
    return buf;
  }

  void audit_export(const node::Parcel& p, const std::string& request_id, const DeliveryResult& result) {
    if (!audit_) return;
    node::Caller self;  // this node, sending on its own behalf
    self.kind = node::Caller::Kind::System;
    self.id = name_;
    self.ods_code = node_ods_;
    self.request_id = request_id;
    self.purpose = "direct-care";
    audit::Access a{self};
    a.interaction = "export";
    a.resource_type = "Bundle";
    a.resource_id = s_.url;
    a.patient_nhs = audit::nhs_number_in(p.entry->output);
    a.outcome = result.status == DeliveryResult::Status::Delivered ? 0 : result.status == DeliveryResult::Status::Rejected ? 4 : 8;
    a.outcome_text = result.reason;
    a.node_ods = node_ods_;
    a.node_name = node_name_;
    a.journal_id = p.journal_id;
    audit_->append({audit::make_record(a)}, [](bool, const std::string&) {});
  }

  DeliveryResult post(const std::string& body, const std::string& request_id) {
    CURL* c = curl_easy_init();
    if (!c) return {DeliveryResult::Status::Retry, "libcurl could not start"};
    curl_slist* headers = curl_slist_append(nullptr, "Content-Type: application/fhir+json");
    headers = curl_slist_append(headers, ("X-Request-ID: " + request_id).c_str());
    headers = curl_slist_append(headers, "Accept: application/fhir+json");
    curl_easy_setopt(c, CURLOPT_URL, s_.url.c_str());
    curl_easy_setopt(c, CURLOPT_POSTFIELDS, body.c_str());
    curl_easy_setopt(c, CURLOPT_POSTFIELDSIZE, static_cast<long>(body.size()));
    curl_easy_setopt(c, CURLOPT_HTTPHEADER, headers);
    curl_easy_setopt(c, CURLOPT_TIMEOUT_MS, static_cast<long>(s_.timeout_ms));
    curl_easy_setopt(c, CURLOPT_WRITEFUNCTION, discard);
    curl_easy_setopt(c, CURLOPT_NOSIGNAL, 1L);
    if (s_.tls.enabled()) {
      curl_easy_setopt(c, CURLOPT_SSLCERT, s_.tls.cert_file.c_str());
      curl_easy_setopt(c, CURLOPT_SSLKEY, s_.tls.key_file.c_str());
      if (!s_.tls.ca_file.empty()) curl_easy_setopt(c, CURLOPT_CAINFO, s_.tls.ca_file.c_str());
    }
    CURLcode rc = curl_easy_perform(c);
    long status = 0;
    curl_easy_getinfo(c, CURLINFO_RESPONSE_CODE, &status);
    curl_slist_free_all(headers);
    curl_easy_cleanup(c);
    if (rc != CURLE_OK) return {DeliveryResult::Status::Retry, "HTTP delivery to " + s_.url + " failed: " + curl_easy_strerror(rc)};
    if (status >= 200 && status < 300) return {DeliveryResult::Status::Delivered, ""};
    bool final = status >= 400 && status < 500 && status != 408 && status != 429;
    return {final ? DeliveryResult::Status::Rejected : DeliveryResult::Status::Retry,
            "HTTP delivery to " + s_.url + " answered " + std::to_string(status)};
  }

  Settings s_;
  std::string name_;
  node::AuditLog* audit_;
  std::string node_ods_, node_name_;
};

}  // namespace

node::SinkBuilder factory(node::ConfigReader& r) {
  Settings s;
  r.str("url", s.url, true);
  if (!s.url.empty() && s.url.rfind("http://", 0) != 0 && s.url.rfind("https://", 0) != 0)
    r.problem("url", "expected an http:// or https:// URL");
  r.num("timeout_ms", s.timeout_ms, 100, 600000);
  node::read_retry(r, s.retry);
  r.tls(s.tls);
  return [s](node::SinkContext& ctx) { return std::make_unique<HttpFhirSink>(s, ctx); };
}

}  // namespace hidewire::plugins::http_fhir_sink
