#include "tools/hidewire/admin_client.hpp"

#include <curl/curl.h>

#include <fstream>
#include <iostream>
#include <iterator>

namespace hidewire::cli {

std::size_t curl_collect(char* p, std::size_t s, std::size_t n, void* out) {
  static_cast<std::string*>(out)->append(p, s * n);
  return s * n;
}

bool read_token(std::string& token, std::string& error) {
  if (token == "-") {
    std::getline(std::cin, token);
  } else if (!token.empty() && token[0] == '@') {
    std::ifstream in(token.substr(1));
    if (!in) return error = "cannot read " + token.substr(1), false;
    token.assign(std::istreambuf_iterator<char>(in), std::istreambuf_iterator<char>());
  }
  while (!token.empty() && (token.back() == '\n' || token.back() == '\r' || token.back() == ' ')) token.pop_back();
  if (token.empty()) return error = "the token is empty", false;
  return true;
}

std::string AdminTarget::problem() const {
  if (admin.empty()) return "--admin HOST:PORT is required";
  if (cert.empty() != key.empty() || (!cert.empty() && ca.empty())) return "over TLS: --ca PEM, and --cert PEM --key PEM together";
  return {};
}

bool take_admin_option(const Args& args, std::size_t& i, AdminTarget& t) {
  if (i + 1 >= args.size()) return false;
  std::string* out = args[i] == "--admin" ? &t.admin : args[i] == "--ca" ? &t.ca : args[i] == "--cert" ? &t.cert
                   : args[i] == "--key"   ? &t.key   : args[i] == "--token" ? &t.token : nullptr;
  if (!out) return false;
  *out = args[++i];
  return true;
}

long admin_request(const AdminTarget& t, const std::string& method, const std::string& path, const std::string& request_body, std::string& body) {
  body.clear();
  std::string token = t.token, error;
  if (!token.empty() && !read_token(token, error)) return body = error, 0;
  CURL* c = curl_easy_init();
  if (!c) return body = "libcurl could not start", 0;
  std::string url = t.base() + path;
  curl_easy_setopt(c, CURLOPT_URL, url.c_str());
  if (!t.ca.empty()) curl_easy_setopt(c, CURLOPT_CAINFO, t.ca.c_str());
  if (!t.cert.empty()) {
    curl_easy_setopt(c, CURLOPT_SSLCERT, t.cert.c_str());
    curl_easy_setopt(c, CURLOPT_SSLKEY, t.key.c_str());
  }
  curl_slist* headers = nullptr;
  std::string auth = "Authorization: Bearer " + token;
  if (!token.empty()) headers = curl_slist_append(headers, auth.c_str());
  if (method == "POST") {
    headers = curl_slist_append(headers, "Content-Type: application/json");
    curl_easy_setopt(c, CURLOPT_POSTFIELDS, request_body.c_str());
    curl_easy_setopt(c, CURLOPT_POSTFIELDSIZE_LARGE, static_cast<curl_off_t>(request_body.size()));
  }
  curl_easy_setopt(c, CURLOPT_HTTPHEADER, headers);
  curl_easy_setopt(c, CURLOPT_WRITEFUNCTION, curl_collect);
  curl_easy_setopt(c, CURLOPT_WRITEDATA, &body);
  curl_easy_setopt(c, CURLOPT_TIMEOUT, 60L);
  curl_easy_setopt(c, CURLOPT_NOSIGNAL, 1L);
  long status = 0;
  if (curl_easy_perform(c) == CURLE_OK) curl_easy_getinfo(c, CURLINFO_RESPONSE_CODE, &status);
  else body = "no answer from " + url + (t.ca.empty() ? "" : " (over TLS)");
  curl_slist_free_all(headers);
  curl_easy_cleanup(c);
  return status;
}

}  // namespace hidewire::cli
