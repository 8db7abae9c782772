// The admin port as the CLI speaks to it (hidewire replay, hidewire match): plain HTTP or HTTPS
// with the node's CA and a client certificate, and a bearer token where the caller has one.
#pragma once

#include <string>

#include "tools/hidewire/cli.hpp"

namespace hidewire::cli {

struct AdminTarget {
  std::string admin;           // HOST:PORT
  std::string ca, cert, key;   // TLS: the CA to trust the node by, the client certificate it may require
  std::string token;           // a bearer token, "-" (standard input) or "@FILE"
  std::string base() const { return (ca.empty() ? "http://" : "https://") + admin; }
  // Empty when usable; otherwise what is wrong with the options.
  std::string problem() const;
};

// Takes --admin, --ca, --cert, --key, --token at args[i] (advancing i past the value).
bool take_admin_option(const Args& args, std::size_t& i, AdminTarget& target);
// One request; returns the HTTP status (0: no answer, `body` says why) and the body.
long admin_request(const AdminTarget& target, const std::string& method, const std::string& path, const std::string& request_body,
                   std::string& body);
// libcurl's write callback appending to the std::string at `out`.
std::size_t curl_collect(char* p, std::size_t size, std::size_t n, void* out);
// Reads a token given as "-" (standard input) or "@FILE" in place; false with `error` when it cannot.
bool read_token(std::string& token, std::string& error);

}  // namespace hidewire::cli
