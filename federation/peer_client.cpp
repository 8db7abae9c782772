#include "federation/peer_client.hpp"

#include <curl/curl.h>

#include <algorithm>

namespace hidewire::federation {

struct PeerClient::Transfer {
  PeerCall call;
  std::function<void(PeerReply)> done;
  CURL* easy = nullptr;
  curl_slist* headers = nullptr;
  PeerReply reply;
  std::size_t max_bytes = 0;
  bool too_large = false;
  Clock::time_point started;
  char error[CURL_ERROR_SIZE] = {0};
};

namespace {

// Past its deadline by this much, a call libcurl has not ended yet is ended by the client.
constexpr auto kGrace = std::chrono::milliseconds(20);

std::size_t collect(char* p, std::size_t s, std::size_t n, void* user) {
  auto* t = static_cast<PeerClient::Transfer*>(user);
  std::size_t bytes = s * n;
  if (t->reply.body.size() + bytes > t->max_bytes) {
    t->too_large = true;
    return 0;  // curl ends the transfer: CURLE_WRITE_ERROR
  }
  t->reply.body.append(p, bytes);
  return bytes;
}

// Pre-sizes the body from Content-Length: a 1 MB record is one allocation, not twenty.
std::size_t header(char* p, std::size_t s, std::size_t n, void* user) {
  auto* t = static_cast<PeerClient::Transfer*>(user);
  std::string_view line(p, s * n);
  constexpr std::string_view kLength = "content-length:";
  if (line.size() > kLength.size()) {
    bool match = true;
    for (std::size_t i = 0; i < kLength.size() && match; ++i)
      match = static_cast<char>(std::tolower(static_cast<unsigned char>(line[i]))) == kLength[i];
    if (match) {
      std::size_t v = 0;
      for (char ch : line.substr(kLength.size()))
        if (ch >= '0' && ch <= '9') v = v * 10 + static_cast<std::size_t>(ch - '0');
      if (v <= t->max_bytes) t->reply.body.reserve(v);
    }
  }
  return s * n;
}

}  // namespace

PeerClient::PeerClient(ClientLimits limits) : limits_(limits) {
  curl_global_init(CURL_GLOBAL_DEFAULT);
  CURLM* m = curl_multi_init();
  if (!m) throw std::runtime_error("libcurl could not start a multi handle");
  curl_multi_setopt(m, CURLMOPT_MAX_TOTAL_CONNECTIONS, static_cast<long>(limits_.max_connections));
  curl_multi_setopt(m, CURLMOPT_MAX_HOST_CONNECTIONS, static_cast<long>(limits_.max_per_host));
  curl_multi_setopt(m, CURLMOPT_MAXCONNECTS, static_cast<long>(limits_.max_connections));  // kept open for reuse
  multi_ = m;
  thread_ = std::thread([this] { run(); });
}

PeerClient::~PeerClient() {
  stop();
  curl_multi_cleanup(static_cast<CURLM*>(multi_));
}

void PeerClient::stop() {
  {
    std::lock_guard lock(mu_);
    if (stopping_) return;
    stopping_ = true;
  }
  curl_multi_wakeup(static_cast<CURLM*>(multi_));
  if (thread_.joinable()) thread_.join();
}

void PeerClient::post(PeerCall call, std::function<void(PeerReply)> done) {
  auto t = std::make_unique<Transfer>();
  t->call = std::move(call);
  t->done = std::move(done);
  t->max_bytes = limits_.max_answer_bytes;
  {
    std::lock_guard lock(mu_);
    if (!stopping_) {
      queued_.push_back(std::move(t));
      t = nullptr;
    }
  }
  if (t) {  // stopping: answered at once, on the caller's thread
    t->reply.kind = PeerReply::Kind::Stopped;
    t->reply.error = "the node is stopping";
    t->done(std::move(t->reply));
    return;
  }
  curl_multi_wakeup(static_cast<CURLM*>(multi_));
}

void PeerClient::start(std::unique_ptr<Transfer> t) {
  t->started = Clock::now();
  auto left = std::chrono::duration_cast<std::chrono::milliseconds>(t->call.deadline - t->started).count();
  CURL* c = curl_easy_init();
  if (!c || left <= 0) {
    if (c) curl_easy_cleanup(c);
    t->reply.kind = left <= 0 ? PeerReply::Kind::TimedOut : PeerReply::Kind::Unreachable;
    t->reply.error = left <= 0 ? "no time left before the deadline" : "libcurl could not start";
    t->done(std::move(t->reply));
    return;
  }
  t->easy = c;
  t->headers = nullptr;
  if (!t->call.get) t->headers = curl_slist_append(t->headers, "Content-Type: application/fhir+json");
  // A caller's own Accept (GP Connect's, with its charset) replaces the default.
  bool accept = std::any_of(t->call.headers.begin(), t->call.headers.end(), [](const std::string& h) { return h.rfind("Accept:", 0) == 0; });
  if (!accept) t->headers = curl_slist_append(t->headers, "Accept: application/fhir+json");
  for (const std::string& h : t->call.headers) t->headers = curl_slist_append(t->headers, h.c_str());
  curl_easy_setopt(c, CURLOPT_URL, t->call.url.c_str());
  curl_easy_setopt(c, CURLOPT_PROTOCOLS_STR, "https");  // health data never goes in the clear, nor by redirect
  if (t->call.get) {
    curl_easy_setopt(c, CURLOPT_HTTPGET, 1L);
  } else {
    curl_easy_setopt(c, CURLOPT_POSTFIELDS, t->call.body.c_str());
    curl_easy_setopt(c, CURLOPT_POSTFIELDSIZE_LARGE, static_cast<curl_off_t>(t->call.body.size()));
  }
  curl_easy_setopt(c, CURLOPT_HTTPHEADER, t->headers);
  curl_easy_setopt(c, CURLOPT_TIMEOUT_MS, static_cast<long>(left));
  curl_easy_setopt(c, CURLOPT_CONNECTTIMEOUT_MS, static_cast<long>(left));
  curl_easy_setopt(c, CURLOPT_WRITEFUNCTION, collect);
  curl_easy_setopt(c, CURLOPT_WRITEDATA, t.get());
  curl_easy_setopt(c, CURLOPT_HEADERFUNCTION, header);
  curl_easy_setopt(c, CURLOPT_HEADERDATA, t.get());
  curl_easy_setopt(c, CURLOPT_ERRORBUFFER, t->error);
  curl_easy_setopt(c, CURLOPT_NOSIGNAL, 1L);
  curl_easy_setopt(c, CURLOPT_PRIVATE, t.get());
  curl_easy_setopt(c, CURLOPT_SSLVERSION, static_cast<long>(CURL_SSLVERSION_TLSv1_2));
  curl_easy_setopt(c, CURLOPT_SSLCERT, t->call.tls.cert_file.c_str());
  curl_easy_setopt(c, CURLOPT_SSLKEY, t->call.tls.key_file.c_str());
  // The peer's CA alone: its server certificate must chain to it (and name its host), whatever
  // the system trusts.
  curl_easy_setopt(c, CURLOPT_CAINFO, t->call.tls.ca_file.c_str());
  curl_easy_setopt(c, CURLOPT_CAPATH, nullptr);
  curl_easy_setopt(c, CURLOPT_SSL_VERIFYPEER, 1L);
  curl_easy_setopt(c, CURLOPT_SSL_VERIFYHOST, 2L);
  curl_multi_add_handle(static_cast<CURLM*>(multi_), c);
  running_.push_back(std::move(t));
}

void PeerClient::finish(Transfer* t, int code) {
  auto rc = static_cast<CURLcode>(code);
  PeerReply& r = t->reply;
  r.seconds = std::chrono::duration<double>(Clock::now() - t->started).count();
  if (rc == CURLE_OK) {
    r.kind = PeerReply::Kind::Answered;
    curl_easy_getinfo(t->easy, CURLINFO_RESPONSE_CODE, &r.status);
  } else {
    r.body.clear();
    r.error = t->error[0] ? t->error : curl_easy_strerror(rc);
    switch (rc) {
      case CURLE_OPERATION_TIMEDOUT: r.kind = PeerReply::Kind::TimedOut; break;
      case CURLE_PEER_FAILED_VERIFICATION:
      case CURLE_SSL_CONNECT_ERROR:
      case CURLE_SSL_CERTPROBLEM:
      case CURLE_SSL_CACERT_BADFILE: r.kind = PeerReply::Kind::TlsRefused; break;
      case CURLE_WRITE_ERROR: r.kind = t->too_large ? PeerReply::Kind::TooLarge : PeerReply::Kind::Unreachable; break;
      default: r.kind = PeerReply::Kind::Unreachable;
    }
    if (t->too_large) r.error = "its answer is larger than " + std::to_string(t->max_bytes) + " bytes";
  }
  curl_multi_remove_handle(static_cast<CURLM*>(multi_), t->easy);
  curl_easy_cleanup(t->easy);
  curl_slist_free_all(t->headers);
  t->easy = nullptr;
  t->headers = nullptr;
}

void PeerClient::run() {
  auto* m = static_cast<CURLM*>(multi_);
  for (;;) {
    std::deque<std::unique_ptr<Transfer>> fresh;
    bool stopping;
    {
      std::lock_guard lock(mu_);
      fresh.swap(queued_);
      stopping = stopping_;
    }
    if (stopping) {
      for (auto& t : fresh) running_.push_back(std::move(t));
      for (auto& t : running_) {
        if (t->easy) {
          curl_multi_remove_handle(m, t->easy);
          curl_easy_cleanup(t->easy);
          curl_slist_free_all(t->headers);
        }
        t->reply.kind = PeerReply::Kind::Stopped;
        t->reply.body.clear();
        t->reply.error = "the node is stopping";
        t->done(std::move(t->reply));
      }
      running_.clear();
      return;
    }
    for (auto& t : fresh) start(std::move(t));
    int still = 0;
    curl_multi_perform(m, &still);
    int left = 0;
    while (CURLMsg* msg = curl_multi_info_read(m, &left)) {
      if (msg->msg != CURLMSG_DONE) continue;
      Transfer* t = nullptr;
      curl_easy_getinfo(msg->easy_handle, CURLINFO_PRIVATE, reinterpret_cast<char**>(&t));
      int code = msg->data.result;
      finish(t, code);
      auto it = std::find_if(running_.begin(), running_.end(), [t](const auto& p) { return p.get() == t; });
      std::unique_ptr<Transfer> owned = std::move(*it);
      running_.erase(it);
      owned->done(std::move(owned->reply));  // may post more calls: they are taken at the next turn
    }
    // libcurl times each transfer from its start; one still waiting for a connection to the
    // peer could outlive its deadline, so every call is also ended here once its deadline passes.
    Clock::time_point now = Clock::now(), next = now + std::chrono::seconds(1);
    for (std::size_t i = 0; i < running_.size();) {
      Transfer* t = running_[i].get();
      if (now < t->call.deadline + kGrace) {
        next = std::min(next, t->call.deadline + kGrace);
        ++i;
        continue;
      }
      finish(t, CURLE_OPERATION_TIMEDOUT);
      t->reply.error = "no answer by the deadline";
      std::unique_ptr<Transfer> owned = std::move(running_[i]);
      running_.erase(running_.begin() + static_cast<std::ptrdiff_t>(i));
      owned->done(std::move(owned->reply));
    }
    auto wait = std::chrono::duration_cast<std::chrono::milliseconds>(next - Clock::now()).count();
    curl_multi_poll(m, nullptr, 0, static_cast<int>(std::clamp<long long>(wait, 0, 1000)), nullptr);
  }
}

}  // namespace hidewire::federation
