#include "tools/hidewire/break_glass_notifier.hpp"

#include <curl/curl.h>
#include <openssl/evp.h>

#include <chrono>

#include "fhir/clock.hpp"
#include "fhir/json_escape.hpp"
#include "log/log.hpp"

namespace hidewire::cli {
namespace {

constexpr int kMaxAttempts = 10;

std::size_t discard(char*, std::size_t s, std::size_t n, void*) { return s * n; }

std::string base64(const std::string& s) {
  std::string out(4 * ((s.size() + 2) / 3), '\0');
  int n = EVP_EncodeBlock(reinterpret_cast<unsigned char*>(out.data()), reinterpret_cast<const unsigned char*>(s.data()),
                          static_cast<int>(s.size()));
  out.resize(static_cast<std::size_t>(n));
  return out;
}

std::string q(const std::string& s) { return "\"" + fhir::json_escape(s) + "\""; }

}  // namespace

std::string break_glass_communication(const http::BreakGlassAlert& a, const std::string& node_ods, const std::string& node_name,
                                      const std::string& sent_at) {
  const node::Caller& c = a.caller;
  std::string who = c.person_present ? (c.person.name.empty() ? c.person.id : c.person.name) + " (" + c.person.sds_role + ")" : c.id;
  std::string text = "Break-glass access to this patient's record held by " + node_name + " (" + node_ods + ") by " + who + " of " +
                     c.ods_code + " at " + sent_at + ". Reason given: " + c.break_glass_reason;
  std::string ods = "https://fhir.nhs.uk/Id/ods-organization-code";
  return R"({"resourceType":"Communication","status":"completed",)"
         R"("category":[{"coding":[{"system":"http://terminology.hl7.org/CodeSystem/communication-category","code":"alert"}]}],)"
         R"("priority":"urgent","subject":{"identifier":{"system":"https://fhir.nhs.uk/Id/nhs-number","value":)" + q(a.nhs_number) + "}}," +
         R"("sent":)" + q(sent_at) + R"(,"sender":{"identifier":{"system":)" + q(ods) + R"(,"value":)" + q(node_ods) + "}}," +
         R"("recipient":[{"identifier":{"system":)" + q(ods) + R"(,"value":)" + q(a.registered_gp_ods) + "}}]," +
         R"("reasonCode":[{"text":"break-glass privacy alert"}],)"
         R"("payload":[{"contentString":)" + q(text) + R"(},{"contentAttachment":{"contentType":"application/fhir+json","data":)" +
         q(base64(a.audit_event_json)) + R"(,"title":"privacy-alert AuditEvent"}}]})";
}

BreakGlassNotifier::BreakGlassNotifier(const node::NodeConfig& cfg) : cfg_(cfg) {
  thread_ = std::thread([this] { run(); });
}

BreakGlassNotifier::~BreakGlassNotifier() { stop(); }

void BreakGlassNotifier::stop() {
  {
    std::lock_guard lock(mu_);
    if (stopping_) return;
    stopping_ = true;
  }
  cv_.notify_all();
  if (thread_.joinable()) thread_.join();
}

void BreakGlassNotifier::notify(const http::BreakGlassAlert& a) {
  const node::PeerConfig* gp = nullptr;
  for (const auto& p : cfg_.peers)
    if (p.ods_code == a.registered_gp_ods && !p.url.empty()) gp = &p;
  if (a.registered_gp_ods == cfg_.ods_code) return;  // this node is the practice: the alert is in its own audit log
  if (!gp) {
    log::warn("break-glass: the registered practice is not among peers[]: not notified", {{"practice", a.registered_gp_ods}});
    return;
  }
  Job job{gp->url + "/Communication", break_glass_communication(a, cfg_.ods_code, cfg_.name, fhir::utc_now_instant()), gp->tls, 0};
  {
    std::lock_guard lock(mu_);
    queue_.push_back(std::move(job));
  }
  cv_.notify_one();
}

bool BreakGlassNotifier::post(const Job& job, std::string& why) {
  CURL* c = curl_easy_init();
  if (!c) return why = "libcurl could not start", false;
  curl_slist* headers = curl_slist_append(nullptr, "Content-Type: application/fhir+json");
  curl_easy_setopt(c, CURLOPT_URL, job.url.c_str());
  curl_easy_setopt(c, CURLOPT_POSTFIELDS, job.body.c_str());
  curl_easy_setopt(c, CURLOPT_POSTFIELDSIZE, static_cast<long>(job.body.size()));
  curl_easy_setopt(c, CURLOPT_HTTPHEADER, headers);
  curl_easy_setopt(c, CURLOPT_TIMEOUT_MS, 10000L);
  curl_easy_setopt(c, CURLOPT_WRITEFUNCTION, discard);
  curl_easy_setopt(c, CURLOPT_NOSIGNAL, 1L);
  if (job.tls.enabled()) {
    curl_easy_setopt(c, CURLOPT_SSLCERT, job.tls.cert_file.c_str());
    curl_easy_setopt(c, CURLOPT_SSLKEY, job.tls.key_file.c_str());
    if (!job.tls.ca_file.empty()) curl_easy_setopt(c, CURLOPT_CAINFO, job.tls.ca_file.c_str());
  }
  CURLcode rc = curl_easy_perform(c);
  long status = 0;
  curl_easy_getinfo(c, CURLINFO_RESPONSE_CODE, &status);
  curl_slist_free_all(headers);
  curl_easy_cleanup(c);
  if (rc != CURLE_OK) return why = curl_easy_strerror(rc), false;
  if (status >= 200 && status < 300) return true;
  why = "answered " + std::to_string(status);
  return false;
}

void BreakGlassNotifier::run() {
  for (;;) {
    Job job;
    {
      std::unique_lock lock(mu_);
      cv_.wait(lock, [&] { return stopping_ || !queue_.empty(); });
      if (queue_.empty()) return;
      job = std::move(queue_.front());
      queue_.pop_front();
    }
    std::string why;
    if (post(job, why)) {
      log::info("break-glass: registered practice notified", {{"url", job.url}});
      continue;
    }
    if (++job.attempts >= kMaxAttempts) {
      log::error("break-glass: the registered practice could not be notified; the privacy alert stays in the audit log",
                 {{"url", job.url}, {"error", why}});
      continue;
    }
    log::warn("break-glass: notifying the registered practice failed, will retry", {{"url", job.url}, {"error", why}});
    std::unique_lock lock(mu_);
    // Back off 1, 2, 4 ... s, unless stopping; then the job goes to the back of the queue.
    if (cv_.wait_for(lock, std::chrono::seconds(1 << std::min(job.attempts, 6)), [&] { return stopping_; })) return;
    queue_.push_back(std::move(job));
  }
}

}  // namespace hidewire::cli
