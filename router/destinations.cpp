#include "router/destinations.hpp"

#include <curl/curl.h>

#include <chrono>
#include <filesystem>
#include <fstream>

#include "adapters/hl7v2/message.hpp"
#include "adapters/mllp/client.hpp"

namespace hidewire::router {
namespace {

std::size_t discard(char*, std::size_t s, std::size_t n, void* out) {
  static_cast<std::string*>(out)->append("", 0);
  return s * n;
}

// POSTs a transaction Bundle to a FHIR server's base; 2xx is delivered, 4xx a rejection that
// retrying cannot fix, anything else (5xx, timeouts, refused connections) worth retrying.
Outcome post_bundle(const DestinationConfig& d, const std::string& body, std::string& error) {
  CURL* c = curl_easy_init();
  if (!c) {
    error = "libcurl could not start";
    return Outcome::Retry;
  }
  std::string sink;
  curl_slist* headers = curl_slist_append(nullptr, "Content-Type: application/fhir+json");
  headers = curl_slist_append(headers, "Accept: application/fhir+json");
  curl_easy_setopt(c, CURLOPT_URL, d.url.c_str());
  curl_easy_setopt(c, CURLOPT_POSTFIELDS, body.c_str());
  curl_easy_setopt(c, CURLOPT_POSTFIELDSIZE, static_cast<long>(body.size()));
  curl_easy_setopt(c, CURLOPT_HTTPHEADER, headers);
  curl_easy_setopt(c, CURLOPT_TIMEOUT_MS, static_cast<long>(d.timeout_ms));
  curl_easy_setopt(c, CURLOPT_WRITEFUNCTION, discard);
  curl_easy_setopt(c, CURLOPT_WRITEDATA, &sink);
  curl_easy_setopt(c, CURLOPT_NOSIGNAL, 1L);
  if (d.tls.enabled()) {
    curl_easy_setopt(c, CURLOPT_SSLCERT, d.tls.cert_file.c_str());
    curl_easy_setopt(c, CURLOPT_SSLKEY, d.tls.key_file.c_str());
    if (!d.tls.ca_file.empty()) curl_easy_setopt(c, CURLOPT_CAINFO, d.tls.ca_file.c_str());
  }
  CURLcode rc = curl_easy_perform(c);
  long status = 0;
  curl_easy_getinfo(c, CURLINFO_RESPONSE_CODE, &status);
  curl_slist_free_all(headers);
  curl_easy_cleanup(c);
  if (rc != CURLE_OK) {
    error = std::string("HTTP delivery to ") + d.url + " failed: " + curl_easy_strerror(rc);
    return Outcome::Retry;
  }
  if (status >= 200 && status < 300) return Outcome::Delivered;
  error = "HTTP delivery to " + d.url + " answered " + std::to_string(status);
  return status >= 400 && status < 500 && status != 408 && status != 429 ? Outcome::Rejected : Outcome::Retry;
}

}  // namespace

Outcome deliver_to(const DestinationConfig& d, std::int64_t journal_id, const std::string& payload, std::string& error) {
  try {
    switch (d.type) {
      case DestinationType::FhirStore:
        error = "the FHIR store is delivered to in batches by the router";
        return Outcome::Rejected;
      case DestinationType::File: {
        std::filesystem::create_directories(d.directory);
        std::string path = d.directory + "/message-" + std::to_string(journal_id) + ".json";
        std::ofstream out(path + ".tmp", std::ios::binary);
        out << payload;
        out.close();
        if (!out) throw std::runtime_error("cannot write " + path);
        std::filesystem::rename(path + ".tmp", path);  // readers never see half a file
        return Outcome::Delivered;
      }
      case DestinationType::HttpFhir:
        return post_bundle(d, payload, error);
      case DestinationType::Mllp: {
        mllp::ClientOptions o;
        o.timeout = std::chrono::milliseconds(d.timeout_ms);
        o.tls = d.tls.enabled();  // never falls back to plaintext: the handshake must succeed
        o.tls_ca_file = d.tls.ca_file;
        o.tls_cert_file = d.tls.cert_file;
        o.tls_key_file = d.tls.key_file;
        mllp::Client client(d.target.host, d.target.port, o);
        hl7v2::ParseError perr;
        auto ack = hl7v2::parse(client.send(payload), perr);
        std::string code = ack ? ack->get("MSA-1") : "";
        if (code == "AA" || code == "CA") return Outcome::Delivered;
        error = "MLLP delivery to " + d.target.host + " answered " + (code.empty() ? "no readable ACK" : code);
        return code == "AR" || code == "CR" || code.empty() ? Outcome::Retry : Outcome::Rejected;
      }
    }
  } catch (const std::exception& ex) {
    error = d.name + ": " + ex.what();
  }
  return Outcome::Retry;
}

}  // namespace hidewire::router
