// MLLP sender: one connection, frames sent in order, each waiting for its ACK (with a timeout).
// Over TLS the server's certificate and its host name (or IP address) are checked by default.
#pragma once

#include <chrono>
#include <memory>
#include <string>
#include <string_view>

namespace hidewire::mllp {

struct ClientOptions {
  std::chrono::milliseconds timeout{10000};  // connect, and each ACK
  bool tls = false;
  std::string tls_ca_file;  // verify the server against this CA (PEM); empty: the system store
  std::string tls_cert_file, tls_key_file;  // PEM; both set: present this certificate (mutual TLS)
  // The name the server's certificate must carry (and the SNI sent); empty: the host connected to.
  std::string tls_server_name;
  // Neither the certificate nor its name checked: for `hidewire send --insecure` only.
  bool tls_insecure = false;
};

class Client {
 public:
  // Connects to host:port; throws std::runtime_error with the reason.
  Client(const std::string& host, std::uint16_t port, const ClientOptions& opts = {});
  ~Client();
  // Sends one message and returns the ACK payload; throws std::runtime_error on timeout,
  // connection loss or a reply that is not a frame.
  std::string send(std::string_view message);

 private:
  struct Impl;
  std::unique_ptr<Impl> impl_;
};

}  // namespace hidewire::mllp
