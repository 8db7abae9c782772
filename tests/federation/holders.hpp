// Small HTTPS holders for the fan-out tests, started in the test: a community CA and a stranger
// CA made with openssl, one server per peer organisation requiring a client certificate from the
// community CA (mutual TLS, as between nodes), each authenticating the requester with a real
// auth::Authenticator (its certificate's ODS code, the JWT signed with its key, the audience) and
// answering the federation operations as the test says, now or after a delay.
#pragma once

#include <doctest/doctest.h>
#include <unistd.h>

#include <boost/asio/io_context.hpp>
#include <boost/asio/steady_timer.hpp>

#include <atomic>
#include <cstdlib>
#include <filesystem>
#include <functional>
#include <map>
#include <memory>
#include <mutex>
#include <thread>

#include "auth/authenticator.hpp"
#include "auth/jwt.hpp"
#include "net/http/server.hpp"

namespace hw_fed_test {

namespace fs = std::filesystem;

struct Pki {
  fs::path dir = fs::temp_directory_path() / ("hw-fed-pki-" + std::to_string(::getpid()));
  Pki() {
    fs::create_directories(dir);
    ca("ca", "Test Health Community CA");
    ca("stranger-ca", "Stranger CA");
    for (auto [name, ods] : {std::pair{"rx9", "RX9"}, {"a81001", "A81001"}, {"rxx", "RXX"}, {"x99", "X99"}, {"ry8", "RY8"}}) cert(name, ods, "ca");
    cert("rogue", "RR8", "stranger-ca");
    hidewire::auth::generate_key_pair("ES256", file("rx9-jwt"));
  }
  ~Pki() { fs::remove_all(dir); }
  std::string file(const std::string& name) const { return (dir / name).string(); }
  void run(const std::string& cmd) const { REQUIRE_MESSAGE(std::system((cmd + " >/dev/null 2>&1").c_str()) == 0, cmd); }
  void ca(const std::string& name, const std::string& cn) const {
    run("openssl req -x509 -newkey ec -pkeyopt ec_paramgen_curve:P-256 -nodes -subj '/CN=" + cn + "' -days 1 -keyout " + file(name + ".key") +
        " -out " + file(name + ".crt"));
  }
  // NAME.crt / NAME.key for 127.0.0.1 and the ODS code, signed by `ca`.
  void cert(const std::string& name, const std::string& ods, const std::string& ca) const {
    run("openssl req -newkey ec -pkeyopt ec_paramgen_curve:P-256 -nodes -subj '/CN=" + name + "/OU=" + ods + "' -keyout " + file(name + ".key") +
        " -out " + file(name + ".csr"));
    std::FILE* f = std::fopen(file(name + ".ext").c_str(), "w");
    std::fprintf(f, "subjectAltName=IP:127.0.0.1,URI:urn:nhs:ods:%s\n", ods.c_str());
    std::fclose(f);
    run("openssl x509 -req -in " + file(name + ".csr") + " -CA " + file(ca + ".crt") + " -CAkey " + file(ca + ".key") +
        " -CAcreateserial -days 1 -extfile " + file(name + ".ext") + " -out " + file(name + ".crt"));
  }
};

inline const Pki& pki() {
  static Pki p;
  return p;
}

using Reply = std::function<void(hidewire::http::Response)>;

// One peer's node. `answer(operation, request, caller, reply)` answers an authenticated request.
struct Holder {
  std::string ods, kind, cert;
  boost::asio::io_context io;
  std::unique_ptr<hidewire::http::Server> server;
  std::unique_ptr<hidewire::auth::Authenticator> auth;
  std::thread thread;
  std::mutex mu;
  std::vector<std::pair<std::string, hidewire::node::Caller>> seen;  // operation, caller
  std::vector<std::string> bodies, addresses;  // what was sent, and from which client port
  std::function<void(const std::string& op, const hidewire::http::Request&, Reply)> answer;
  bool open = false;  // answer without authenticating (the client's own tests)

  Holder(std::string ods_code, std::string org_kind, std::string cert_name = {}) : ods(std::move(ods_code)), kind(std::move(org_kind)) {
    cert = cert_name.empty() ? lower(ods) : cert_name;
    hidewire::http::TlsOptions tls{pki().file(cert + ".crt"), pki().file(cert + ".key"), pki().file("ca.crt"), false};
    server = std::make_unique<hidewire::http::Server>(
        io, boost::asio::ip::tcp::endpoint(boost::asio::ip::make_address("127.0.0.1"), 0),
        hidewire::http::AsyncHandler([this](const hidewire::http::Request& r, Reply reply) { handle(r, std::move(reply)); }), 16u << 20, tls);
    hidewire::node::AuthConfig a;
    a.node_ods = ods;
    a.node_kind = kind;
    a.audience = url();
    a.peers.push_back({"RX9", "ambulance-service", {pki().file("rx9-jwt.pub")}, false, {}, {}});
    auth = std::make_unique<hidewire::auth::Authenticator>(a);
    thread = std::thread([this] { io.run(); });
  }
  ~Holder() {
    server->stop();
    io.stop();
    thread.join();
  }
  static std::string lower(std::string s) {
    for (char& c : s) c = static_cast<char>(std::tolower(static_cast<unsigned char>(c)));
    return s;
  }
  std::string url() const { return "https://127.0.0.1:" + std::to_string(server->port()); }
  std::size_t calls(const std::string& op) {
    std::lock_guard lock(mu);
    std::size_t n = 0;
    for (const auto& s : seen) n += s.first == op;
    return n;
  }

  void handle(const hidewire::http::Request& r, Reply reply) {
    hidewire::node::Credentials c;
    c.listener = "FHIR API";
    c.address = r.peer_address;
    c.client_cert = r.peer_cert.present;
    c.cert_cn = r.peer_cert.cn;
    c.cert_ods = r.peer_cert.ods;
    c.authorization = r.header("authorization");
    c.request_id = r.header("x-request-id");
    hidewire::node::AuthOutcome o;
    if (open) o.ok = true;
    else o = auth->authenticate(c);
    if (!o.ok) return reply(json(o.status, R"({"resourceType":"OperationOutcome","issue":[{"severity":"error","code":"security","diagnostics":"refused"}]})"));
    std::string op = r.path.substr(r.path.rfind('/') + 1);
    {
      std::lock_guard lock(mu);
      seen.emplace_back(op, o.caller);
      bodies.push_back(r.body);
      addresses.push_back(r.peer_address);
    }
    if (!answer) return reply(json(404, "{}"));
    answer(op, r, std::move(reply));
  }

  // Answers after `ms` without holding up this holder's other connections.
  void later(int ms, hidewire::http::Response r, Reply reply) {
    auto t = std::make_shared<boost::asio::steady_timer>(io, std::chrono::milliseconds(ms));
    t->async_wait([t, r = std::move(r), reply = std::move(reply)](auto) mutable { reply(std::move(r)); });
  }

  static hidewire::http::Response json(int status, std::string body) {
    hidewire::http::Response r;
    r.status = status;
    r.body = std::move(body);
    return r;
  }
  static hidewire::http::Response holds(bool holds, bool registered_gp, const std::string& ods) {
    return json(200, std::string(R"({"resourceType":"Parameters","parameter":[{"name":"holdsRecord","valueBoolean":)") + (holds ? "true" : "false") +
                         R"(},{"name":"organization","valueIdentifier":{"system":"https://fhir.nhs.uk/Id/ods-organization-code","value":")" + ods +
                         R"("}},{"name":"registeredGp","valueBoolean":)" + (registered_gp ? "true" : "false") + "}]}");
  }
  static hidewire::http::Response spine(int status, const std::string& code, const std::string& diagnostics) {
    return json(status, R"({"resourceType":"OperationOutcome","issue":[{"severity":"error","code":"forbidden","details":{"coding":[{"system":"https://fhir.nhs.uk/R4/CodeSystem/Spine-ErrorOrWarningCode","code":")" +
                            code + R"("}]},"diagnostics":")" + diagnostics + "\"}]}");
  }
};

// A port nothing listens on.
inline std::uint16_t closed_port() {
  boost::asio::io_context io;
  boost::asio::ip::tcp::acceptor a(io, boost::asio::ip::tcp::endpoint(boost::asio::ip::make_address("127.0.0.1"), 0));
  std::uint16_t port = a.local_endpoint().port();
  a.close();
  return port;
}

}  // namespace hw_fed_test
