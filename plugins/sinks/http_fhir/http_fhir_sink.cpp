#include "plugins/sinks/http_fhir/http_fhir_sink.hpp"

#include <curl/curl.h>

namespace hidewire::plugins::http_fhir_sink {
namespace {

using node::DeliveryResult;

std::size_t discard(char*, std::size_t s, std::size_t n, void*) { return s * n; }

class HttpFhirSink final : public node::Sink {
 public:
  HttpFhirSink(Settings s, std::string name) : s_(std::move(s)), name_(std::move(name)) {}
  const std::string& name() const override { return name_; }
  const node::RetryPolicy& retry() const override { return s_.retry; }

  std::vector<DeliveryResult> deliver(const std::vector<node::Parcel>& parcels) override {
    std::vector<DeliveryResult> out;
    for (const node::Parcel& p : parcels) out.push_back(post(p.entry->output));
    return out;
  }

 private:
  DeliveryResult post(const std::string& body) {
    CURL* c = curl_easy_init();
    if (!c) return {DeliveryResult::Status::Retry, "libcurl could not start"};
    curl_slist* headers = curl_slist_append(nullptr, "Content-Type: application/fhir+json");
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
  return [s](node::SinkContext& ctx) { return std::make_unique<HttpFhirSink>(s, ctx.name); };
}

}  // namespace hidewire::plugins::http_fhir_sink
