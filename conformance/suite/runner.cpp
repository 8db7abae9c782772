#include "conformance/suite/runner.hpp"

#include <utility>  // before Boost 1.74's awaitable.hpp, which uses std::exchange without it

#include <boost/asio/io_context.hpp>
#include <boost/asio/ip/address.hpp>
#include <boost/asio/steady_timer.hpp>
#include <rapidjson/document.h>

#include <algorithm>
#include <ctime>
#include <filesystem>
#include <fstream>
#include <mutex>
#include <random>
#include <sstream>
#include <stdexcept>
#include <thread>

#include "conformance/profile_gate.hpp"
#include "hl7v2/ack.hpp"
#include "net/http/server.hpp"
#include "net/mllp/server.hpp"

namespace hidewire::conformance::suite {
namespace {

using Clock = std::chrono::steady_clock;

std::string instant_now() {
  std::time_t now = std::time(nullptr);
  char buf[32];
  std::strftime(buf, sizeof buf, "%Y-%m-%dT%H:%M:%SZ", std::gmtime(&now));
  return buf;
}

// The suite as the receiving end of the product's messages: an MLLP listener answering AA (AR
// for what does not parse), and the folder read once the window closes.
class Collector {
 public:
  Collector(const RunOptions& o, std::shared_ptr<ProviderScript> script)
      : options_(o), script_(std::move(script)), until_(Clock::now() + std::chrono::milliseconds(static_cast<long>(o.window_seconds * 1000))) {
    got_.window_seconds = o.window_seconds;
    got_.folder_given = !o.folder.empty();
    got_.folder = o.folder;
    if (!o.listen.empty()) {
      mllp::ServerOptions so;
      so.name = "conformance MLLP listener";
      if (o.listen_tls) {  // mllps://: the suite's certificate; mutual TLS with --listen-ca
        so.tls_cert_file = o.listen_cert;
        so.tls_key_file = o.listen_key;
        so.tls_client_ca_file = o.listen_ca;
      }
      server_ = std::make_unique<mllp::Server>(
          io_, endpoint(o.listen, "mllp"), mllp::FrameHandler([this](std::string_view m) { return take(m); }),
          [](const std::string& e) { return hl7v2::build_reject("", hl7v2::ParseError{e}, {"HWCONFACK", "", e}); }, so);
      got_.listened = true;
      got_.listen_at = o.listen;
    }
    if (!o.listen_http.empty()) {
      http::ServerOptions so;
      so.name = "conformance HTTP listener";
      so.max_body_bytes = 64u << 20;
      if (o.listen_http_tls) {  // https://
        so.tls.cert_file = o.listen_cert;
        so.tls.key_file = o.listen_key;
        so.tls.client_ca_file = o.listen_ca;
      }
      http_ = std::make_unique<http::Server>(io_, endpoint(o.listen_http, "http"), http::Handler([this](const http::Request& q) { return take(q); }), so);
      got_.http_listened = true;
      got_.http_at = o.listen_http;
    }
    if (!o.gpc_listen.empty()) {
      http::ServerOptions so;
      so.name = "conformance GP Connect provider";
      so.tls.cert_file = o.listen_cert;
      so.tls.key_file = o.listen_key;
      so.tls.client_ca_file = o.listen_ca;
      gpc_ = std::make_unique<http::Server>(
          io_, endpoint(o.gpc_listen, "https"),
          http::AsyncHandler([this](const http::Request& q, std::function<void(http::Response)> reply) { provide(q, std::move(reply)); }), so);
      got_.gpc_listened = true;
      got_.gpc_at = o.gpc_listen;
    }
    if (server_ || http_ || gpc_) thread_ = std::thread([this] { io_.run(); });
  }
  ~Collector() { stop(); }

  const Received& wait() {
    std::call_once(done_, [this] {
      if (got_.listened || got_.http_listened || got_.gpc_listened || got_.folder_given) std::this_thread::sleep_until(until_);
      stop();
      if (got_.folder_given) read_folder();
    });
    return got_;
  }

 private:
  static boost::asio::ip::tcp::endpoint endpoint(const std::string& at, const char* scheme) {
    auto colon = at.rfind(':');
    boost::system::error_code ec;
    auto address = boost::asio::ip::make_address(colon == std::string::npos ? "" : at.substr(0, colon), ec);
    int port = colon == std::string::npos ? 0 : std::atoi(at.c_str() + colon + 1);
    if (ec || port <= 0 || port > 65535) throw std::runtime_error(std::string("--listen: expected ") + scheme + "://IP:PORT, got '" + at + "'");
    return {address, static_cast<std::uint16_t>(port)};
  }
  // A FHIR POST (or PUT) from the product: kept for SND-FHIR-PROFILES, answered as accepted.
  http::Response take(const http::Request& q) {
    http::Response r;
    if (q.method != "POST" && q.method != "PUT") {
      r.status = 405;
      r.body = R"({"resourceType":"OperationOutcome","issue":[{"severity":"error","code":"not-supported","diagnostics":"the conformance suite takes POST and PUT only"}]})";
      return r;
    }
    std::size_t n;
    {
      std::lock_guard lock(mu_);
      got_.fhir_files.emplace_back(q.method + " " + q.path + " #" + std::to_string(++posts_), q.body);
      got_.fhir_at.push_back(static_cast<std::int64_t>(std::time(nullptr)));
      n = posts_;
    }
    r.status = 201;
    r.body = std::string(R"({"resourceType":"OperationOutcome","issue":[{"severity":"information","code":"informational","diagnostics":"received by the conformance suite, number )") +
             std::to_string(n) + "\"}]}";
    return r;
  }
  // A GP Connect consumer's call: kept for GPC-CONSUMER-REQUEST, answered as a test scripted for
  // its patient (GPC-CONSUMER-ANSWERS), else as GP Connect answers a patient it does not hold.
  void provide(const http::Request& q, std::function<void(http::Response)> reply) {
    {
      std::lock_guard lock(mu_);
      got_.gpc_calls.push_back({q.method, q.path, q.body, q.headers});
    }
    http::Response r;
    r.headers["Cache-Control"] = "no-store";
    ProviderAnswer a;
    if (!script_ || !script_->find(requested_nhs_number(q.body), a)) {
      a.status = 404;
      a.body = R"({"resourceType":"OperationOutcome","meta":{"profile":["https://fhir.nhs.uk/STU3/StructureDefinition/GPConnect-OperationOutcome-1"]},)"
               R"("issue":[{"severity":"error","code":"not-found","details":{"coding":[{"system":"https://fhir.nhs.uk/STU3/ValueSet/Spine-ErrorOrWarningCode-1",)"
               R"("code":"PATIENT_NOT_FOUND","display":"Patient not found"}]},"diagnostics":"the conformance suite holds no records"}]})";
    }
    r.status = a.status;
    r.body = std::move(a.body);
    if (a.delay_ms <= 0) return reply(std::move(r));
    // Held back (a timeout for the product); answered later, or dropped when the window closes.
    auto timer = std::make_shared<boost::asio::steady_timer>(io_, std::chrono::milliseconds(a.delay_ms));
    timer->async_wait([timer, reply = std::move(reply), r = std::move(r)](const boost::system::error_code& ec) mutable {
      if (!ec) reply(std::move(r));
    });
  }
  // patientNHSNumber's value in a structured-record request's Parameters; empty when none.
  static std::string requested_nhs_number(const std::string& body) {
    rapidjson::Document d;
    d.Parse(body.c_str(), body.size());
    if (d.HasParseError() || !d.IsObject() || !d.HasMember("parameter") || !d["parameter"].IsArray()) return {};
    for (const auto& p : d["parameter"].GetArray())
      if (p.IsObject() && p.HasMember("name") && p["name"] == "patientNHSNumber" && p.HasMember("valueIdentifier") && p["valueIdentifier"].IsObject() &&
          p["valueIdentifier"].HasMember("value") && p["valueIdentifier"]["value"].IsString())
        return p["valueIdentifier"]["value"].GetString();
    return {};
  }
  std::string take(std::string_view m) {
    {
      std::lock_guard lock(mu_);
      got_.v2.emplace_back(m);
      got_.v2_at.push_back(static_cast<std::int64_t>(std::time(nullptr)));
    }
    hl7v2::ParseError perr;
    auto msg = hl7v2::parse(m, perr);
    std::string id = "HWCONFACK" + std::to_string(++acks_);
    return msg ? hl7v2::build_ack(*msg, hl7v2::AckCode::AA, {}, {id, "", ""}) : hl7v2::build_reject(m, perr, {id, "", ""});
  }
  void stop() {
    if (server_) server_->stop();
    if (http_) http_->stop();
    if (gpc_) gpc_->stop();
    io_.stop();
    if (thread_.joinable()) thread_.join();
  }
  void read_folder() {
    std::error_code ec;
    std::vector<std::filesystem::path> files;
    for (const auto& e : std::filesystem::directory_iterator(options_.folder, ec)) {
      std::string ext = e.path().extension().string();
      if (e.is_regular_file() && (ext == ".json" || ext == ".xml") && e.path().filename().string()[0] != '.') files.push_back(e.path());
    }
    std::sort(files.begin(), files.end());
    for (const auto& f : files) {
      std::ifstream in(f, std::ios::binary);
      std::stringstream s;
      s << in.rdbuf();
      got_.fhir_files.emplace_back(f.filename().string(), s.str());
      std::error_code tec;
      auto written = std::filesystem::last_write_time(f, tec);
      got_.fhir_at.push_back(tec ? static_cast<std::int64_t>(std::time(nullptr))
                                 : std::chrono::duration_cast<std::chrono::seconds>(
                                       (std::chrono::system_clock::now() + (written - std::filesystem::file_time_type::clock::now())).time_since_epoch())
                                       .count());
    }
  }

  const RunOptions& options_;
  std::shared_ptr<ProviderScript> script_;
  Clock::time_point until_;
  boost::asio::io_context io_;
  std::unique_ptr<mllp::Server> server_;
  std::unique_ptr<http::Server> http_, gpc_;
  std::thread thread_;
  std::mutex mu_;
  std::once_flag done_;
  Received got_;
  std::uint64_t acks_ = 0;
  std::size_t posts_ = 0;
};

}  // namespace

std::size_t Run::count(Status s) const {
  return static_cast<std::size_t>(std::count_if(outcomes.begin(), outcomes.end(), [s](const Outcome& o) { return o.result.status == s; }));
}

bool Run::passed() const {
  return !outcomes.empty() &&
         std::all_of(outcomes.begin(), outcomes.end(), [](const Outcome& o) { return !o.required || o.result.status == Status::Pass; });
}

std::vector<std::pair<const TestCase*, bool>> select_tests(const std::string& pack, const std::string& milestone) {
  const Requirements& reqs = requirements();
  if (!reqs.pack(pack)) throw std::runtime_error("unknown pack '" + pack + "' (hidewire conformance list shows the packs)");
  int upto = milestone.empty() ? static_cast<int>(reqs.milestones.size()) - 1 : reqs.milestone_index(milestone);
  if (upto < 0) throw std::runtime_error("unknown milestone '" + milestone + "'");
  std::vector<std::pair<const TestCase*, bool>> out;
  for (const TestCase& t : tests()) {
    bool applies = false, required = false;
    for (const std::string& id : t.requirements) {
      const Requirement* r = reqs.find(id);
      if (r->in_pack(pack) && reqs.milestone_index(r->milestone) <= upto) {
        applies = true;
        required = required || r->required();
      }
    }
    if (applies) out.emplace_back(&t, required);
  }
  return out;
}

Run run_pack(const RunOptions& options) {
  const Requirements& reqs = requirements();
  Run run;
  run.pack = options.pack;
  run.milestone = options.milestone.empty() ? reqs.milestones.back().id : options.milestone;
  auto selected = select_tests(options.pack, options.milestone);
  int upto = reqs.milestone_index(run.milestone);
  for (const Requirement& r : reqs.requirements)
    if (r.in_pack(options.pack) && reqs.milestone_index(r.milestone) <= upto) run.requirements.push_back(&r);
  std::unique_ptr<ProfileGate> gate;
  if (!options.igs.empty()) {
    gate = std::make_unique<ProfileGate>(options.igs);
    if (auto missing = gate->unknown({false, options.profiles}); !missing.empty())
      throw std::runtime_error("--profile " + missing.front() + ": no loaded IG defines it");
  }
  std::random_device rd;
  run.run_id = std::to_string(std::time(nullptr) % 100000000) + std::to_string(rd() % 1000);
  run.started = instant_now();
  auto script = std::make_shared<ProviderScript>();
  Collector collector(options, script);
  Context ctx;
  ctx.target = options.target;
  ctx.pack = options.pack;
  ctx.holds_health_data = reqs.pack(options.pack)->holds_health_data;
  ctx.profiles = gate.get();
  ctx.require_profiles = options.profiles;
  ctx.run_id = run.run_id;
  ctx.provider = script;
  ctx.gpc_listen_at = options.gpc_listen;
  ctx.received = [&collector]() -> const Received& { return collector.wait(); };
  for (const auto& [test, required] : selected) {
    Outcome o{test, {}, required};
    auto t0 = Clock::now();
    try {
      test->run(ctx, o.result);
    } catch (const std::exception& e) {
      o.result.error(std::string("the test itself failed: ") + e.what());
    }
    o.result.took = std::chrono::duration_cast<std::chrono::milliseconds>(Clock::now() - t0);
    run.outcomes.push_back(std::move(o));
  }
  run.finished = instant_now();
  run.metrics = ctx.metrics;
  return run;
}

void write_reports(const Run& run, const std::string& dir) {
  std::error_code ec;
  std::filesystem::create_directories(dir, ec);
  if (ec) throw std::runtime_error("--report " + dir + ": " + ec.message());
  auto write = [&](const char* name, const std::string& text) {
    std::string path = (std::filesystem::path(dir) / name).string();
    std::ofstream out(path, std::ios::binary | std::ios::trunc);
    out << text;
    out.close();
    if (!out) throw std::runtime_error("cannot write " + path);
  };
  write("junit.xml", junit_xml(run));
  write("report.html", html_report(run));
  write("TestReport.json", test_report_json(run));
  write("summary.json", summary_json(run));
}

}  // namespace hidewire::conformance::suite
