#include "router/delivery.hpp"

#include <curl/curl.h>

#include <algorithm>
#include <chrono>
#include <filesystem>
#include <fstream>

#include "adapters/hl7v2/message.hpp"
#include "adapters/mllp/client.hpp"
#include "fhir/codec.hpp"

namespace hidewire::router {
namespace {

std::size_t discard(char*, std::size_t s, std::size_t n, void* out) {
  static_cast<std::string*>(out)->append("", 0);
  return s * n;
}

// POSTs a transaction Bundle to a FHIR server's base; 2xx is delivered, 4xx a rejection that
// retrying cannot fix, anything else (5xx, timeouts, refused connections) worth retrying.
enum class HttpOutcome { Delivered, Rejected, Retry };
HttpOutcome post_bundle(const DestinationConfig& d, const std::string& body, std::string& error) {
  CURL* c = curl_easy_init();
  if (!c) {
    error = "libcurl could not start";
    return HttpOutcome::Retry;
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
    return HttpOutcome::Retry;
  }
  if (status >= 200 && status < 300) return HttpOutcome::Delivered;
  error = "HTTP delivery to " + d.url + " answered " + std::to_string(status);
  return status >= 400 && status < 500 && status != 408 && status != 429 ? HttpOutcome::Rejected : HttpOutcome::Retry;
}

}  // namespace

Router::Router(const NodeConfig& cfg, Journal& journal, FhirStore& store) : cfg_(cfg), journal_(journal), store_(store) {
  thread_ = std::thread([this] { worker(); });
}

Router::~Router() { stop(); }

void Router::stop() {
  {
    std::lock_guard lock(mu_);
    if (stopping_) return;
    stopping_ = true;
  }
  cv_.notify_all();
  if (thread_.joinable()) thread_.join();
}

std::vector<std::string> Router::destinations_for(const JournalEntry& e) {
  std::vector<std::string> out;
  fhir::Node bundle;
  fhir::Diagnostics d;
  bool parsed = fhir::parse_json(e.output, fhir::Schema::r4(), bundle, d);
  hl7v2::ParseError perr;
  auto msg = hl7v2::parse(e.raw, perr);
  std::string type = msg ? std::string(msg->message_code()) + "^" + std::string(msg->trigger_event()) : "";
  for (const RouteConfig& r : cfg_.routes) {
    const RouteMatch& m = r.match;
    if (!m.sources.empty() && std::find(m.sources.begin(), m.sources.end(), e.channel) == m.sources.end()) continue;
    if (!m.message_types.empty() && std::find(m.message_types.begin(), m.message_types.end(), type) == m.message_types.end()) continue;
    bool any = m.resource_types.empty() && m.fhirpath.empty();
    if (!any && parsed) {
      for (const fhir::Node& entry : bundle.children) {
        const fhir::Node* res = entry.name == "entry" ? entry.child("resource") : nullptr;
        if (!res) continue;
        if (!m.resource_types.empty() &&
            std::find(m.resource_types.begin(), m.resource_types.end(), std::string(res->resource_type())) == m.resource_types.end())
          continue;
        if (!m.fhirpath.empty()) {
          fhirpath::EvalContext ctx;
          ctx.resource = res;
          try {
            if (fhirpath::as_boolean(predicates_.get(m.fhirpath)->evaluate(ctx)) != true) continue;
          } catch (const std::exception&) {
            continue;  // a predicate that cannot be evaluated on this resource does not match it
          }
        }
        any = true;
        break;
      }
    }
    if (!any) continue;
    for (const std::string& dname : r.destinations)
      if (std::find(out.begin(), out.end(), dname) == out.end()) out.push_back(dname);
  }
  if (out.empty()) {
    ++counters_.unmatched;
    out = cfg_.unmatched_destinations;
  }
  return out;
}

void Router::count(const std::string& channel, std::uint64_t ChannelCounts::*field) {
  std::lock_guard lock(counts_mu_);
  ++(channels_[channel].*field);
}

std::map<std::string, ChannelCounts> Router::channel_counts() {
  std::lock_guard lock(counts_mu_);
  return channels_;
}

void Router::route(std::int64_t id, const JournalEntry& e) {
  ++counters_.routed;
  count(e.channel, &ChannelCounts::routed);
  bool local_ok = true;
  std::vector<Job> remote;
  for (const std::string& name : destinations_for(e)) {
    const DestinationConfig* d = cfg_.destination(name);
    if (!d) continue;
    Job job{id, d, d->type == DestinationType::Mllp ? e.raw : e.output, e.channel, 0};
    if (d->type == DestinationType::FhirStore || d->type == DestinationType::File) {
      std::string error;
      if (deliver(job, error)) {
        ++counters_.delivered;
        count(e.channel, &ChannelCounts::delivered);
      } else {
        local_ok = false;
        count(e.channel, &ChannelCounts::failed);
        count(e.channel, &ChannelCounts::dead_lettered);
        fail(id, error);
      }
      continue;
    }
    remote.push_back(std::move(job));
  }
  if (!local_ok) return;  // marked failed: replayed by hand, not recovered
  if (remote.empty()) {
    journal_.mark_delivered(id);
    return;
  }
  // Marked delivered when the last remote delivery succeeds; until then a crash leaves it to
  // recovery at start-up, which delivers it again (local destinations skip it by their keys).
  std::lock_guard lock(mu_);
  pending_[id] = static_cast<int>(remote.size());
  for (Job& j : remote) queue_.push_back(std::move(j));
  cv_.notify_one();
}

void Router::remote_done(std::int64_t id, bool ok) {
  bool all_done = false;
  {
    std::lock_guard lock(mu_);
    auto it = pending_.find(id);
    if (it == pending_.end()) return;
    if (!ok) {
      pending_.erase(it);
      return;
    }
    all_done = --it->second == 0;
    if (all_done) pending_.erase(it);
  }
  if (all_done) journal_.mark_delivered(id);
}

std::size_t Router::recover() {
  std::size_t n = 0;
  for (const JournalEntry& e : journal_.undelivered()) {
    route(e.id, e);
    ++n;
  }
  return n;
}

bool Router::deliver(const Job& job, std::string& error) {
  const DestinationConfig& d = *job.dest;
  try {
    switch (d.type) {
      case DestinationType::FhirStore:
        store_.transaction(job.payload, "journal:" + std::to_string(job.journal_id));
        return true;
      case DestinationType::File: {
        std::filesystem::create_directories(d.directory);
        std::string path = d.directory + "/message-" + std::to_string(job.journal_id) + ".json";
        std::ofstream out(path + ".tmp", std::ios::binary);
        out << job.payload;
        out.close();
        if (!out) throw std::runtime_error("cannot write " + path);
        std::filesystem::rename(path + ".tmp", path);  // readers never see half a file
        return true;
      }
      case DestinationType::HttpFhir:
        return post_bundle(d, job.payload, error) == HttpOutcome::Delivered;
      case DestinationType::Mllp: {
        mllp::ClientOptions o;
        o.timeout = std::chrono::milliseconds(d.timeout_ms);
        mllp::Client client(d.target.host, d.target.port, o);
        hl7v2::ParseError perr;
        auto ack = hl7v2::parse(client.send(job.payload), perr);
        std::string code = ack ? ack->get("MSA-1") : "";
        if (code == "AA" || code == "CA") return true;
        error = "MLLP delivery to " + d.target.host + " answered " + (code.empty() ? "no readable ACK" : code);
        return false;
      }
    }
  } catch (const std::exception& ex) {
    error = d.name + ": " + ex.what();
  }
  return false;
}

void Router::fail(std::int64_t id, const std::string& why) {
  ++counters_.failed;
  ++counters_.dead_lettered;
  if (auto e = journal_.get(id)) journal_.update_outcome(id, "failed", why, e->output);
}

void Router::worker() {
  for (;;) {
    Job job;
    {
      std::unique_lock lock(mu_);
      cv_.wait(lock, [&] { return stopping_ || !queue_.empty(); });
      if (stopping_) return;
      job = std::move(queue_.front());
      queue_.pop_front();
    }
    std::string error;
    while (true) {
      ++job.attempt;
      if (deliver(job, error)) {
        ++counters_.delivered;
        count(job.channel, &ChannelCounts::delivered);
        remote_done(job.journal_id, true);
        break;
      }
      if (job.attempt >= job.dest->retry.max_attempts) {
        count(job.channel, &ChannelCounts::failed);
        count(job.channel, &ChannelCounts::dead_lettered);
        fail(job.journal_id, error + " (after " + std::to_string(job.attempt) + " attempts)");
        remote_done(job.journal_id, false);
        break;
      }
      // Exponential backoff, capped; stopping ends the wait (the journal keeps the message).
      long long wait = std::min<long long>(job.dest->retry.max_backoff_ms,
                                           static_cast<long long>(job.dest->retry.initial_backoff_ms) << std::min(job.attempt - 1, 20));
      std::unique_lock lock(mu_);
      if (cv_.wait_for(lock, std::chrono::milliseconds(wait), [&] { return stopping_; })) return;
    }
  }
}

bool Router::replay(std::int64_t id, std::string& error) {
  auto e = journal_.get(id);
  if (!e) {
    error = "no journal entry " + std::to_string(id);
    return false;
  }
  if (e->output.empty()) {
    error = "journal entry " + std::to_string(id) + " has no converted output to deliver (status " + e->status + ")";
    return false;
  }
  journal_.update_outcome(id, "accepted", "", e->output);
  route(id, *e);
  return true;
}

}  // namespace hidewire::router
