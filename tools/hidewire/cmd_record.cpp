// hidewire record: asks this organisation's node for a patient's federated record
// (`POST [base]/Patient/$hidewire-federated-record`) on behalf of the person the token names,
// and prints the merged Bundle. The token is the caller's own JWT (a local system's, naming the
// person: `hidewire token make`); "-" reads it from standard input, "@FILE" from a file, so it
// need not be on the command line.
#include <curl/curl.h>

#include <iostream>
#include <string>

#include "auth/claims.hpp"
#include "fhir/json_escape.hpp"
#include "fhir/nhs_number.hpp"
#include "tools/hidewire/admin_client.hpp"

namespace hidewire::cli {

int run_record(const Args& args) {
  std::string nhs, purpose, token, url = "http://127.0.0.1:8080", cacert, cert, key, request_id;
  long timeout_ms = 30000;
  for (std::size_t i = 0; i < args.size(); ++i) {
    auto value = [&](std::string& out) {
      if (i + 1 >= args.size()) return false;
      out = args[++i];
      return true;
    };
    std::string t;
    bool ok = true;
    if (args[i] == "--nhs") ok = value(nhs);
    else if (args[i] == "--purpose") ok = value(purpose);
    else if (args[i] == "--token") ok = value(token);
    else if (args[i] == "--url") ok = value(url);
    else if (args[i] == "--cacert") ok = value(cacert);
    else if (args[i] == "--cert") ok = value(cert);
    else if (args[i] == "--key") ok = value(key);
    else if (args[i] == "--request-id") ok = value(request_id);
    else if (args[i] == "--timeout") {
      ok = value(t) && !t.empty() && t.find_first_not_of("0123456789") == std::string::npos && t.size() < 9;
      if (ok) timeout_ms = std::stol(t);
    } else ok = false;
    if (!ok) {
      std::cerr << "hidewire record: bad or unknown argument '" << args[i] << "'\n";
      return kUsage;
    }
  }
  nhs = fhir::normalise_nhs_number(nhs);
  if (nhs.empty() || purpose.empty() || token.empty() || cert.empty() != key.empty()) {
    std::cerr << "hidewire record: --nhs N --purpose P --token T are required (--cert and --key together)\n";
    return kUsage;
  }
  if (std::string why = fhir::check_nhs_number(nhs); !why.empty()) {
    std::cerr << "hidewire record: --nhs: not a valid NHS number: " << why << "\n";
    return kUsage;
  }
  if (auth::normalise_purpose(purpose).empty()) {
    std::cerr << "hidewire record: --purpose: '" << purpose << "' is not a purpose of use (directcare, emergency)\n";
    return kUsage;
  }
  std::string error;
  if (!read_token(token, error)) {
    std::cerr << "hidewire record: --token: " << error << "\n";
    return kUnreadable;
  }
  while (!url.empty() && url.back() == '/') url.pop_back();
  std::string body = R"({"resourceType":"Parameters","parameter":[{"name":"patientNHSNumber","valueIdentifier":{"system":"https://fhir.nhs.uk/Id/nhs-number","value":")" +
                     nhs + R"("}},{"name":"purposeOfUse","valueCode":")" + fhir::json_escape(purpose) + "\"}]}";
  CURL* c = curl_easy_init();
  if (!c) {
    std::cerr << "hidewire record: libcurl could not start\n";
    return kUnreadable;
  }
  std::string answer, endpoint = url + "/Patient/$hidewire-federated-record";
  curl_slist* headers = curl_slist_append(nullptr, "Content-Type: application/fhir+json");
  headers = curl_slist_append(headers, "Accept: application/fhir+json");
  headers = curl_slist_append(headers, ("Authorization: Bearer " + token).c_str());
  if (!request_id.empty()) headers = curl_slist_append(headers, ("X-Request-ID: " + request_id).c_str());
  curl_easy_setopt(c, CURLOPT_URL, endpoint.c_str());
  curl_easy_setopt(c, CURLOPT_POSTFIELDS, body.c_str());
  curl_easy_setopt(c, CURLOPT_POSTFIELDSIZE, static_cast<long>(body.size()));
  curl_easy_setopt(c, CURLOPT_HTTPHEADER, headers);
  curl_easy_setopt(c, CURLOPT_WRITEFUNCTION, curl_collect);
  curl_easy_setopt(c, CURLOPT_WRITEDATA, &answer);
  curl_easy_setopt(c, CURLOPT_TIMEOUT_MS, timeout_ms);
  curl_easy_setopt(c, CURLOPT_NOSIGNAL, 1L);
  if (!cacert.empty()) curl_easy_setopt(c, CURLOPT_CAINFO, cacert.c_str());
  if (!cert.empty()) {
    curl_easy_setopt(c, CURLOPT_SSLCERT, cert.c_str());
    curl_easy_setopt(c, CURLOPT_SSLKEY, key.c_str());
  }
  CURLcode rc = curl_easy_perform(c);
  long status = 0;
  curl_easy_getinfo(c, CURLINFO_RESPONSE_CODE, &status);
  curl_slist_free_all(headers);
  curl_easy_cleanup(c);
  if (rc != CURLE_OK) {
    std::cerr << "hidewire record: no answer from " << endpoint << ": " << curl_easy_strerror(rc) << "\n";
    return kUnreadable;
  }
  if (status != 200) {
    std::cerr << "hidewire record: the node answered " << status << "\n" << answer << "\n";
    return kInvalid;
  }
  std::cout << answer << "\n";
  return kOk;
}

}  // namespace hidewire::cli
