// hidewire run --config FILE: one organisation's node. Sources (MLLP HL7 v2, HTTP FHIR, file
// drop) -> journal -> conversion and validation -> routing -> destinations; the FHIR REST API
// over the local store; admin endpoints (health, counters, messages, replay).
#include <utility>  // before Boost 1.74's awaitable.hpp, which uses std::exchange without it

#include <boost/asio/io_context.hpp>
#include <boost/asio/signal_set.hpp>

#include <cerrno>
#include <cstring>
#include <filesystem>
#include <fstream>
#include <iostream>
#include <thread>

#include "adapters/file_drop/file_drop.hpp"
#include "adapters/hl7v2_mllp/intake.hpp"
#include "adapters/http_fhir/intake.hpp"
#include "adapters/mllp/server.hpp"
#include "fhir/codec.hpp"
#include "fhir/validator.hpp"
#include "fhirpath/invariants.hpp"
#include "router/delivery.hpp"
#include "router/http/fhir_api.hpp"
#include "tools/hidewire/cli.hpp"
#include "tools/hidewire/node_admin.hpp"

namespace hidewire::cli {
namespace {

namespace fs = std::filesystem;
namespace asio = boost::asio;

std::string under(const std::string& dir, const std::string& path) {
  return fs::path(path).is_absolute() ? path : (fs::path(dir) / path).string();
}

asio::ip::tcp::endpoint endpoint_of(const router::Endpoint& e) {
  return {asio::ip::make_address(e.host == "localhost" ? "127.0.0.1" : e.host), e.port};
}

// Certificate, key and CA files named in the configuration must be readable before anything
// starts: each problem is named by its JSON path, not left to a TLS library's terse error.
std::vector<std::string> unreadable_tls_files(const router::NodeConfig& cfg) {
  std::vector<std::string> out;
  auto check = [&](const std::string& at, const router::TlsConfig& t) {
    for (auto [key, file] : {std::pair{"cert", &t.cert_file}, std::pair{"key", &t.key_file}, std::pair{"ca", &t.ca_file}}) {
      if (file->empty()) continue;
      std::ifstream in(*file);
      if (!in) out.push_back(at + ".tls." + key + ": cannot read " + *file + ": " + std::strerror(errno));
    }
  };
  check("$.api", cfg.api_tls);
  check("$.admin", cfg.admin_tls);
  for (std::size_t i = 0; i < cfg.sources.size(); ++i) check("$.sources[" + std::to_string(i) + "]", cfg.sources[i].tls);
  for (std::size_t i = 0; i < cfg.destinations.size(); ++i) check("$.destinations[" + std::to_string(i) + "]", cfg.destinations[i].tls);
  for (std::size_t i = 0; i < cfg.peers.size(); ++i) check("$.peers[" + std::to_string(i) + "]", cfg.peers[i].tls);
  return out;
}

// With `ca`, clients must present a certificate that CA signed (node-to-node mutual TLS).
http::TlsOptions http_tls(const router::TlsConfig& t) { return {t.cert_file, t.key_file, t.ca_file}; }

// `name` says which listener in its log lines and errors ("admin: cannot listen on ...").
http::ServerOptions http_listener(std::string name, std::size_t max_body_bytes, const router::TlsConfig& t) {
  http::ServerOptions o;
  o.name = std::move(name);
  o.max_body_bytes = max_body_bytes;
  o.tls = http_tls(t);
  return o;
}

}  // namespace

int run_node(const Args& args) {
  std::string config_path;
  for (std::size_t i = 0; i < args.size(); ++i) {
    if (args[i] == "--config" && i + 1 < args.size()) config_path = args[++i];
    else {
      std::cerr << "hidewire run: unknown argument '" << args[i] << "'\n";
      return kUsage;
    }
  }
  if (config_path.empty()) {
    std::cerr << "hidewire run: --config FILE is required\n";
    return kUsage;
  }
  router::NodeConfig cfg;
  try {
    cfg = router::load_config(config_path);
  } catch (const router::ConfigError& e) {
    std::cerr << "hidewire run: " << e.what() << "\n";
    return kUsage;
  }
  if (auto problems = unreadable_tls_files(cfg); !problems.empty()) {
    std::cerr << "hidewire run: " << config_path << ": TLS files cannot be read:\n";
    for (const std::string& p : problems) std::cerr << "  " << p << "\n";
    return kUnreadable;
  }
  try {
    fs::create_directories(cfg.data_dir);
    router::Journal journal(under(cfg.data_dir, cfg.journal_path));
    router::FhirStore store(under(cfg.data_dir, cfg.store_path));
    asio::io_context io;  // before the group commit, so it outlives the answers posted to it
    router::Router router(cfg, journal, store);
    if (std::size_t n = router.recover()) std::cout << "recovered " << n << " accepted messages not yet delivered" << std::endl;
    // Group commit: what every source takes in is journalled in shared transactions, then routed.
    router::GroupJournal group(journal, [&router](std::vector<router::Committed>&& batch) { router.route_batch(std::move(batch)); });
    std::vector<std::unique_ptr<hl7v2_mllp::Intake>> intakes;
    std::vector<std::unique_ptr<mllp::Server>> mllp_servers;
    std::vector<std::unique_ptr<http::Server>> http_servers;
    std::vector<std::unique_ptr<http_fhir::Intake>> fhir_intakes;
    std::vector<AdminContext::Source> sources;  // counters by channel, for the admin endpoints
    std::vector<std::unique_ptr<file_drop::FileDrop>> file_drops;
    // However this scope ends, the group commit stops (answering what it holds) before the
    // intakes and file drops its answers refer to are destroyed.
    struct StopFirst {
      router::GroupJournal& g;
      ~StopFirst() { g.stop(); }
    } stop_group{group};
    for (const router::SourceConfig& s : cfg.sources) {
      if (s.type == router::SourceType::MllpHl7v2) {
        auto intake = std::make_unique<hl7v2_mllp::Intake>(s.name, group);
        mllp::ServerOptions o;
        o.name = "source " + s.name;
        o.max_frame_bytes = s.max_message_bytes;
        o.tls_cert_file = s.tls.cert_file;
        o.tls_key_file = s.tls.key_file;
        o.tls_client_ca_file = s.tls.ca_file;
        hl7v2_mllp::Intake* in = intake.get();
        mllp_servers.push_back(std::make_unique<mllp::Server>(
            io, endpoint_of(s.listen),
            mllp::AsyncFrameHandler([in](std::string_view m, mllp::Reply reply) { in->handle(m, std::move(reply)); }),
            [in](const std::string& err) { return in->reject_frame(err); }, o));
        sources.push_back({s.name, &intake->stats()});
        std::cout << "source " << s.name << ": MLLP on " << s.listen.host << ":" << mllp_servers.back()->port() << std::endl;
        intakes.push_back(std::move(intake));
      } else if (s.type == router::SourceType::HttpFhir) {
        auto intake = std::make_unique<http_fhir::Intake>(s.name, group);
        http_fhir::Intake* in = intake.get();
        http_servers.push_back(std::make_unique<http::Server>(
            io, endpoint_of(s.listen),
            http::AsyncHandler([in](const http::Request& r, std::function<void(http::Response)> reply) {
              if (r.method != "POST") return reply(http::operation_outcome(405, "not-supported", "POST a FHIR resource or Bundle"));
              in->handle(r.body, std::move(reply));
            }),
            http_listener("source " + s.name, s.max_message_bytes, s.tls)));
        sources.push_back({s.name, &intake->stats()});
        fhir_intakes.push_back(std::move(intake));
        std::cout << "source " << s.name << ": HTTP" << (s.tls.enabled() ? "S" : "") << " FHIR on " << s.listen.host << ":"
                  << http_servers.back()->port() << std::endl;
      } else {
        auto intake = std::make_unique<hl7v2_mllp::Intake>(s.name, group);
        auto fhir_in = std::make_unique<http_fhir::Intake>(s.name, group);
        http_fhir::Intake* fin = fhir_in.get();
        file_drops.push_back(std::make_unique<file_drop::FileDrop>(
            io, s.directory, *intake, [fin](const std::string& text, std::function<void(bool)> done) {
              fin->handle(text, [done](const http::Response& r) { done(r.status < 300); });
            }));
        // Its HL7 v2 and its FHIR files are counted apart.
        sources.push_back({s.name, &intake->stats()});
        sources.push_back({s.name + "/fhir", &fhir_in->stats()});
        intakes.push_back(std::move(intake));
        fhir_intakes.push_back(std::move(fhir_in));
        std::cout << "source " << s.name << ": watching " << s.directory << std::endl;
      }
    }
    http::FhirApi api(store);
    http::Server api_server(io, endpoint_of(cfg.api), [&api](const http::Request& r) { return api.handle(r); },
                            http_listener("FHIR API", cfg.api_max_request_bytes, cfg.api_tls));
    std::cout << "FHIR API on http" << (cfg.api_tls.enabled() ? "s" : "") << "://" << cfg.api.host << ":" << api_server.port() << std::endl;
    AdminContext admin_ctx{cfg, journal, router, group, sources};
    http::Server admin(io, endpoint_of(cfg.admin), [&admin_ctx](const http::Request& r) { return admin_handle(admin_ctx, r); },
                       http_listener("admin", 1 << 20, cfg.admin_tls));
    std::cout << "admin on http" << (cfg.admin_tls.enabled() ? "s" : "") << "://" << cfg.admin.host << ":" << admin.port() << std::endl;
    asio::signal_set signals(io, SIGINT, SIGTERM);
    signals.async_wait([&](auto, int) { io.stop(); });
    // By default one core is left to the journal and store writers: on 2 cores a second
    // connection thread only added context switches (5,400 against 6,600 messages a second).
    std::size_t threads = cfg.io_threads ? cfg.io_threads : std::max(2u, std::thread::hardware_concurrency()) - 1;
    std::cout << "node " << cfg.name << " (" << cfg.ods_code << ") running" << std::endl;
    // Connections are coroutines without shared state, so more threads just serve more of them.
    std::vector<std::thread> pool;
    for (std::size_t i = 1; i < threads; ++i) pool.emplace_back([&io] { io.run(); });
    io.run();
    for (std::thread& t : pool) t.join();
    group.stop();  // commits what was queued (its answers go nowhere now: senders resend)
    router.stop();
    std::cout << "node stopped" << std::endl;
  } catch (const std::exception& e) {
    std::cerr << "hidewire run: " << e.what() << "\n";
    return kUnreadable;
  }
  return kOk;
}

}  // namespace hidewire::cli
