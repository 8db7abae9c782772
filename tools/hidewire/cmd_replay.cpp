// hidewire replay: sends journalled messages through a running node again, by id or every one
// in the dead letters (rejected or failed), through the node's admin endpoint. A rejected
// message is converted again first, so a fixed map lets it through; each outcome is printed.
#include <curl/curl.h>
#include <rapidjson/document.h>

#include <iostream>
#include <string>
#include <vector>

#include "tools/hidewire/cli.hpp"

namespace hidewire::cli {
namespace {

std::size_t collect(char* p, std::size_t s, std::size_t n, void* out) {
  static_cast<std::string*>(out)->append(p, s * n);
  return s * n;
}

// The admin port over TLS: the CA to trust it by, and the client certificate it may require.
struct Tls {
  std::string ca, cert, key;
};

// One admin request; returns the HTTP status (0: no answer) and the body.
long request(const std::string& url, bool post, std::string& body, const Tls& tls) {
  CURL* c = curl_easy_init();
  if (!c) return 0;
  body.clear();
  curl_easy_setopt(c, CURLOPT_URL, url.c_str());
  if (!tls.ca.empty()) curl_easy_setopt(c, CURLOPT_CAINFO, tls.ca.c_str());
  if (!tls.cert.empty()) {
    curl_easy_setopt(c, CURLOPT_SSLCERT, tls.cert.c_str());
    curl_easy_setopt(c, CURLOPT_SSLKEY, tls.key.c_str());
  }
  curl_easy_setopt(c, CURLOPT_WRITEFUNCTION, collect);
  curl_easy_setopt(c, CURLOPT_WRITEDATA, &body);
  curl_easy_setopt(c, CURLOPT_TIMEOUT, 60L);
  curl_easy_setopt(c, CURLOPT_NOSIGNAL, 1L);
  if (post) curl_easy_setopt(c, CURLOPT_POSTFIELDS, "");
  long status = 0;
  if (curl_easy_perform(c) == CURLE_OK) curl_easy_getinfo(c, CURLINFO_RESPONSE_CODE, &status);
  else body = "no answer from " + url + (tls.ca.empty() ? "" : " (over TLS)");
  curl_easy_cleanup(c);
  return status;
}

}  // namespace

int run_replay(const Args& args) {
  std::string admin, status;
  Tls tls;
  std::vector<std::string> ids;
  for (std::size_t i = 0; i < args.size(); ++i) {
    if (args[i] == "--admin" && i + 1 < args.size()) admin = args[++i];
    else if (args[i] == "--status" && i + 1 < args.size()) status = args[++i];
    else if (args[i] == "--ca" && i + 1 < args.size()) tls.ca = args[++i];
    else if (args[i] == "--cert" && i + 1 < args.size()) tls.cert = args[++i];
    else if (args[i] == "--key" && i + 1 < args.size()) tls.key = args[++i];
    else if (!args[i].empty() && args[i].find_first_not_of("0123456789") == std::string_view::npos) ids.emplace_back(args[i]);
    else {
      std::cerr << "hidewire replay: unknown argument '" << args[i] << "'\n";
      return kUsage;
    }
  }
  if (admin.empty() || ids.empty() == status.empty() || (!status.empty() && status != "rejected" && status != "failed") ||
      tls.cert.empty() != tls.key.empty() || (!tls.cert.empty() && tls.ca.empty())) {
    std::cerr << "hidewire replay: --admin HOST:PORT and either message ids or --status rejected|failed are required"
                 " (over TLS: --ca PEM, and --cert PEM --key PEM when the node asks for a client certificate)\n";
    return kUsage;
  }
  std::string base = (tls.ca.empty() ? "http://" : "https://") + admin;
  std::string body;
  // Every dead letter, page by page (the listing gives at most 1,000 at a time).
  for (std::string after = "0"; !status.empty();) {
    long code = request(base + "/messages?status=" + status + "&after=" + after, false, body, tls);
    rapidjson::Document d;
    if (code != 200 || d.Parse(body.c_str()).HasParseError() || !d.IsArray()) {
      std::cerr << "hidewire replay: could not list " << status << " messages: " << (code ? "HTTP " + std::to_string(code) : body) << "\n";
      return kUnreadable;
    }
    std::string last = after;
    for (const auto& m : d.GetArray())
      if (m.IsObject() && m.HasMember("id") && m["id"].IsInt64()) ids.push_back(after = std::to_string(m["id"].GetInt64()));
    if (after == last) break;  // an empty page (or one without ids): the listing is done
  }
  int refused = 0;
  for (const std::string& id : ids) {
    long code = request(base + "/messages/" + id + "/replay", true, body, tls);
    if (code == 0) {
      std::cerr << "hidewire replay: " << body << "\n";
      return kUnreadable;
    }
    // The node answers with the replay's real outcome: 200 delivered, 202 still retrying, else refused.
    std::cout << id << ": "
              << (code == 200   ? "replayed and delivered"
                  : code == 202 ? "not yet delivered (still retrying) " + body
                                : "refused (HTTP " + std::to_string(code) + ") " + body)
              << "\n";
    refused += code != 200;
  }
  std::cout << ids.size() - static_cast<std::size_t>(refused) << " replayed, " << refused << " refused\n";
  return refused ? kInvalid : kOk;
}

}  // namespace hidewire::cli
