// hidewire run --config FILE: one organisation's node, assembled from the plugins its config
// names (plugins/registry.cpp): sources -> intake (convert, gate, journal) -> routing -> sinks;
// the FHIR REST API over the store; admin endpoints (health, counters, messages, replay).
#include <utility>  // before Boost 1.74's awaitable.hpp, which uses std::exchange without it

#include <boost/asio/io_context.hpp>
#include <boost/asio/signal_set.hpp>
#include <boost/asio/thread_pool.hpp>

#include <sys/stat.h>

#include <cerrno>
#include <cstring>
#include <filesystem>
#include <fstream>
#include <thread>

#include "api/admin.hpp"
#include "api/admin_guard.hpp"
#include "api/fhir_api.hpp"
#include "auth/authenticator.hpp"
#include "dashboard/sessions.hpp"
#include "dashboard/ui.hpp"
#include "fhir/clock.hpp"
#include "log/log.hpp"
#include "net/http/server.hpp"
#include "node/activity.hpp"
#include "node/config.hpp"
#include "node/delivery.hpp"
#include "node/intake.hpp"
#include "node/intake_grants.hpp"
#include "plugins/common/limits.hpp"
#include "plugins/registry.hpp"
#include "tools/hidewire/audited_authentication.hpp"
#include "tools/hidewire/break_glass_notifier.hpp"
#include "tools/hidewire/cli.hpp"
#include "tools/hidewire/federation_operation.hpp"
#include "tools/hidewire/follow_admin.hpp"
#include "tools/hidewire/journal_audit.hpp"

namespace hidewire::cli {
namespace {

// Threads serving connections: configured, or one per core but one (left to the journal and
// store writers), at least one.
std::size_t io_threads_of(const node::NodeConfig& cfg) {
  return cfg.io_threads ? cfg.io_threads : std::max(2u, std::thread::hardware_concurrency()) - 1;
}

namespace fs = std::filesystem;
namespace asio = boost::asio;

// Certificate, key and CA files named in the configuration must be readable before anything
// starts: each problem is named by its JSON path, not left to a TLS library's terse error.
std::vector<std::string> unreadable_tls_files(const node::NodeConfig& cfg) {
  std::vector<std::string> out;
  for (const std::string& item : cfg.tls_files) {
    std::size_t tab = item.find('\t');
    std::string at = item.substr(0, tab), file = item.substr(tab + 1);
    std::ifstream in(file);
    if (!in) out.push_back(at + ": cannot read " + file + ": " + std::strerror(errno));
  }
  return out;
}

// `name` says which listener in its log lines and errors ("admin: cannot listen on ...").
http::ServerOptions http_listener(std::string name, const node::HttpListenerConfig& l) {
  http::ServerOptions o;
  o.name = std::move(name);
  o.max_body_bytes = l.max_request_bytes;
  // With `ca`, clients must present a certificate that CA signed (node-to-node mutual TLS).
  o.tls = {l.tls.cert_file, l.tls.key_file, l.tls.ca_file, l.tls.client_cert_optional};
  o.limits = plugins::to_net(l.limits);
  return o;
}

std::string read_text(const std::string& path) {
  std::ifstream in(path, std::ios::binary);
  return std::string(std::istreambuf_iterator<char>(in), {});
}

// Health data: the node's folder is its user's alone.
void make_private_dir(const std::string& dir) {
  fs::create_directories(dir);
  ::chmod(dir.c_str(), 0700);
}

}  // namespace

int run_node(const Args& args) {
  std::string config_path;
  for (std::size_t i = 0; i < args.size(); ++i) {
    if (args[i] == "--config" && i + 1 < args.size()) config_path = args[++i];
    else {
      log::error("hidewire run: unknown argument '" + std::string(args[i]) + "'");
      return kUsage;
    }
  }
  if (config_path.empty()) {
    log::error("hidewire run: --config FILE is required");
    return kUsage;
  }
  node::NodeConfig cfg;
  try {
    cfg = node::load_config(config_path, plugins::builtin());
  } catch (const node::ConfigError& e) {
    log::error(std::string("hidewire run: ") + e.what());
    return kUsage;
  }
  log::configure(cfg.log_level, cfg.log_format);
  if (auto problems = unreadable_tls_files(cfg); !problems.empty()) {
    for (const std::string& p : problems) log::error("hidewire run: " + config_path + ": TLS file cannot be read: " + p);
    return kUnreadable;
  }
  try {
    make_private_dir(cfg.data_dir);
    node::StorageContext storage{cfg.data_dir, cfg.name};  // the name signs the audit log's checkpoints
    std::unique_ptr<node::Journal> journal = cfg.journal(storage);
    std::unique_ptr<node::FhirStore> store = cfg.store(storage);
    std::unique_ptr<node::AccessPolicy> access = cfg.access();
    std::unique_ptr<node::AuditLog> audit = cfg.audit(storage);
    auth::Authenticator authenticator(cfg.auth);
    if (cfg.auth.allow_anonymous)
      log::warn("development.allow_anonymous is set: callers without credentials are served as anonymous, with every right. "
                "Never on a node that holds real records");
    // A JWT used before a restart stays used: exp is at most iat + 300 s, so the last 10 minutes cover it.
    authenticator.remember_token_ids(audit->token_ids_since(fhir::utc_instant_seconds_ago(600)));
    if (std::size_t n = audit_catch_up(*journal, *audit, cfg.ods_code, cfg.name))
      log::info("audit: " + std::to_string(n) + " journalled messages audited after a restart");
    std::map<std::string, std::unique_ptr<node::Converter>> converters;
    std::map<std::string, const node::Converter*> converter_of;
    for (const auto& [format, build] : cfg.converters) converter_of[format] = (converters[format] = build()).get();
    std::vector<std::unique_ptr<node::Sink>> sinks;
    std::map<std::string, node::Sink*> sink_of;
    for (const node::DestinationConfig& d : cfg.destinations) {
      node::SinkContext ctx{*store, d.name, audit.get(), cfg.ods_code, cfg.name};
      sinks.push_back(d.build(ctx));
      sink_of[d.name] = sinks.back().get();
    }
    asio::io_context io;  // before the group commit, so it outlives the answers posted to it
    node::Activity activity;  // the last hour, for the dashboard
    node::Router router(cfg, *journal, sink_of);
    router.set_activity(&activity);
    if (std::size_t n = router.recover()) log::info("recovered " + std::to_string(n) + " accepted messages not yet delivered");
    // Group commit: what every source takes in is journalled in shared transactions, then routed.
    node::GroupJournal group(*journal, [&router](std::vector<node::Committed>&& batch) { router.route_batch(std::move(batch)); });
    // Writes by message are audited from the journal: no second sync before the sender's answer.
    group.on_stored([&audit, &cfg](const std::vector<std::pair<std::int64_t, const node::JournalEntry*>>& stored) {
      if (stored.empty()) return;
      audit->append({journal_record(stored, cfg.ods_code, cfg.name)}, [](bool ok, const std::string& error) {
        if (!ok) log::error("audit: journalled messages not audited yet (they will be at the next start)", {{"error", error}});
      });
    });
    // Patients without a valid NHS number: traced, or held for an operator (docs/MATCHING.md).
    std::unique_ptr<node::PatientTracing> tracing;
    if (cfg.matching.enabled) {
      std::vector<std::unique_ptr<matching::PatientIndex>> indexes;
      for (const node::PatientIndexBuilder& b : cfg.matching.indexes) indexes.push_back(b(storage));
      std::string names;
      for (const auto& i : indexes) names += (names.empty() ? "" : ", ") + i->name();
      tracing = std::make_unique<node::PatientTracing>(std::move(indexes), cfg.matching.thresholds, cfg.matching.local_system);
      log::info("matching: patients without a valid NHS number are traced against " + names);
    }
    // The gate's profiles, compiled once before any message is taken (docs/CONFIG.md "conformance").
    std::unique_ptr<conformance::ProfileGate> profile_gate;
    std::map<std::string, conformance::ProfileRules> profile_rules;
    if (!cfg.conformance_igs.empty()) {
      profile_gate = std::make_unique<conformance::ProfileGate>(cfg.conformance_igs);
      log::info("conformance: " + std::to_string(profile_gate->set().profiles().size()) + " profiles loaded");
      for (const node::SourceConfig& s : cfg.sources) {
        if (s.profiles.empty()) continue;
        for (const std::string& url : profile_gate->unknown(s.profiles))
          throw std::runtime_error("source " + s.name + ": profile " + url + " is not in conformance.igs");
        profile_rules[s.name] = s.profiles;
      }
    }
    // A replay converts as the journalled sender, with what its credential is granted now.
    // Converters run on the intake's threads, by default as many as the I/O threads and at least
    // two: an I/O thread then only reads frames and writes answers, and reads the next messages
    // while these are converted (on two cores, one I/O thread converting inline was the ingest's
    // bottleneck); with two, a huge message being converted does not hold up the other senders.
    node::IntakeOptions intake_options{cfg.convert_threads ? cfg.convert_threads : std::max<std::size_t>(2, io_threads_of(cfg)),
                                       cfg.inline_convert_bytes,
                                       [&cfg](const node::Caller& c) { return node::configured_write_types(cfg.auth, c); }};
    intake_options.tracing = tracing.get();
    intake_options.profiles = profile_gate.get();
    intake_options.profile_rules = std::move(profile_rules);
    intake_options.activity = &activity;
    node::Intake intake(group, converter_of, std::move(intake_options));
    std::vector<std::unique_ptr<node::Source>> sources;
    AuditedAuthentication source_auth(authenticator, *audit, cfg.ods_code, cfg.name);
    // However this scope ends, sources stop taking messages and the group commit stops (answering
    // what it holds) before the sources its answers refer to are destroyed.
    struct StopFirst {
      std::vector<std::unique_ptr<node::Source>>& sources;
      node::Intake& intake;
      node::GroupJournal& group;
      ~StopFirst() {
        for (auto& s : sources) s->stop();
        intake.stop();
        group.stop();
      }
    } stop_first{sources, intake, group};
    for (const node::SourceConfig& s : cfg.sources) {
      node::SourceContext ctx{io, intake.channel(s.name, s.accept_reused_control_id), s.name, &source_auth};
      try {
        sources.push_back(s.build(ctx));
        sources.back()->start();
      } catch (const std::exception& e) {
        throw std::runtime_error("source " + s.name + ": " + e.what());
      }
      log::info("source " + s.name + ": " + sources.back()->describe());
    }
    BreakGlassNotifier notifier(cfg);
    http::ApiGuard guard;
    guard.auth = &authenticator;
    guard.audit = audit.get();
    guard.node_ods = cfg.ods_code;
    guard.node_name = cfg.name;
    guard.node_kind = cfg.auth.node_kind;
    guard.on_break_glass = [&notifier](const http::BreakGlassAlert& a) { notifier.notify(a); };
    // The requester's side of federation (docs/FEDERATION.md): its own systems ask it for a
    // patient's record, and it asks the peers that hold one.
    std::unique_ptr<federation::Federation> fed;
    std::unique_ptr<federation::Follower> follower;
    if (cfg.federation.enabled) {
      federation::Settings fs = federation::Settings::from_config(cfg);
      fs.stu3 = converter_of.count("fhir-stu3") ? converter_of.at("fhir-stu3") : nullptr;
      fed = std::make_unique<federation::Federation>(fs, federation::Directory::from_config(cfg), store.get(), audit.get());
      guard.patient_operations["hidewire-federated-record"] = federated_record_operation(*fed);
      log::info("federation: $hidewire-federated-record asks " + std::to_string(fed->directory().peers().size()) + " peer(s), deadline " +
                std::to_string(cfg.federation.deadline_ms) + " ms");
    }
    http::FhirApi api(*store, *access, guard);
    auto serve = [&](const char* what, const node::HttpListenerConfig& l, auto h) {
      try {
        return std::make_unique<http::Server>(io, plugins::endpoint_of(l.listen), std::move(h), http_listener(what, l));
      } catch (const std::exception& e) {
        throw std::runtime_error(e.what());  // the server names itself and its address
      }
    };
    auto api_server = serve("FHIR API", cfg.api, http::AsyncHandler([&api](const http::Request& r, std::function<void(http::Response)> reply) {
                              api.handle_async(r, std::move(reply));
                            }));
    log::info("FHIR API on http" + std::string(cfg.api.tls.enabled() ? "s" : "") + "://" + cfg.api.listen.host + ":" +
              std::to_string(api_server->port()));
    boost::asio::thread_pool replay_pool(1);
    api::AdminContext admin_ctx{cfg, *journal, router, group, intake};
    admin_ctx.replay_pool = &replay_pool;
    if (fed) admin_ctx.gp_record_reads = &fed->gp_record_reads();
    admin_ctx.gp_records_to_urgent_care = &api.gp_records_to_urgent_care();
    if (fed) {
      // Followed patients' GP records come in through the intake as if their provider sent them.
      follower = std::make_unique<federation::Follower>(*fed, store.get(), audit.get(), cfg.federation.follow, cfg.federation.follow_interval_s,
                                                        followed_record_intake(cfg, intake.channel("gpconnect-follow")),
                                                        cfg.data_dir + "/follow.json");
      admin_ctx.follow = [&follower](const http::Request& r) { return follow_admin(*follower, r); };
    }
    api::AdminGuard admin_guard{authenticator, *access, *audit, cfg.ods_code, cfg.name};
    // The dashboard (/ui) beside the admin API: its cookie sessions are its own, accepted nowhere else.
    dashboard::Sessions ui_sessions({cfg.dashboard.max_sessions, std::chrono::seconds(cfg.dashboard.idle_timeout_s),
                                     std::chrono::seconds(cfg.dashboard.absolute_timeout_s)});
    boost::asio::thread_pool ui_pool(2);  // the dashboard's reads, off the I/O threads
    dashboard::UiContext ui{admin_ctx, admin_guard, *store, plugins::builtin(), config_path, read_text(config_path), activity, fed.get(), ui_sessions,
                            {}, cfg.admin.tls.enabled(), &ui_pool};
    for (std::size_t i = 0; i < sources.size(); ++i) ui.source_endpoints[cfg.sources[i].name] = sources[i]->endpoint();
    auto admin = serve("admin", cfg.admin, http::AsyncHandler([&](const http::Request& r, std::function<void(http::Response)> reply) {
                         if (dashboard::is_ui_path(r.path)) return dashboard::ui_handle(ui, r, std::move(reply));
                         api::guarded_admin(admin_ctx, admin_guard, r, std::move(reply));
                       }));
    log::info("admin on http" + std::string(cfg.admin.tls.enabled() ? "s" : "") + "://" + cfg.admin.listen.host + ":" +
              std::to_string(admin->port()));
    asio::signal_set signals(io, SIGINT, SIGTERM);
    signals.async_wait([&](auto, int) { io.stop(); });
    // By default one core is left to the journal and store writers: on 2 cores a second
    // connection thread only added context switches (5,400 against 6,600 messages a second).
    std::size_t threads = io_threads_of(cfg);
    log::info("node " + cfg.name + " (" + cfg.ods_code + ") running");
    // Connections are coroutines without shared state, so more threads just serve more of them.
    std::vector<std::thread> pool;
    for (std::size_t i = 1; i < threads; ++i) pool.emplace_back([&io] { io.run(); });
    io.run();
    for (std::thread& t : pool) t.join();
    router.stop();  // wakes replays waiting for an outcome
    replay_pool.join();
    ui_pool.join();
    if (follower) follower->stop();
    if (fed) fed->stop();  // before the intake: no followed record is submitted to it after
    for (auto& s : sources) s->stop();
    intake.stop();
    group.stop();  // commits what was queued (its answers go nowhere now: senders resend)
    router.stop();
    notifier.stop();
    if (fed) fed->stop();  // queries in flight are answered with what they have, and audited
    audit->stop();  // after the group commit, whose entries it audits
    log::info("node stopped");
  } catch (const std::exception& e) {
    log::error(std::string("hidewire run: ") + e.what());
    return kUnreadable;
  }
  return kOk;
}

}  // namespace hidewire::cli
