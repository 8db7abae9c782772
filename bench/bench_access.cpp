// What access control and audit cost per request (issue 10), one operation at a time, as the
// FHIR API does them: (a) authentication of a bearer token and of an ES256 JWT, (b) the patient
// facts read from the SQLite store + the consent policy's decision + permits() per resource, (c)
// the AuditEvent built, (d) audit appends through the SQLite audit log with group commit from 1,
// 8 and 32 requesters, each waiting for its record to be durable before its next (as a request
// waits before its answer goes out). Wall and CPU time per operation; the record is
// bench/access_record.hpp (a Patient, a CareTeam, an Encounter, 4 Consents, 20 Observations).
// Usage: bench_access SECONDS DIR        (DIR: scratch directory for the store, keys and audit log)
//        bench_access record             (prints the record as a transaction Bundle)
#include <openssl/bn.h>
#include <openssl/ecdsa.h>
#include <openssl/evp.h>
#include <openssl/pem.h>
#include <rapidjson/document.h>
#include <time.h>

#include <atomic>
#include <chrono>
#include <condition_variable>
#include <cstdio>
#include <ctime>
#include <filesystem>
#include <functional>
#include <mutex>
#include <string>
#include <thread>
#include <vector>

#include "audit/audit_event.hpp"
#include "auth/authenticator.hpp"
#include "auth/jwt.hpp"
#include "auth/patient_facts.hpp"
#include "bench/access_record.hpp"
#include "fhir/clock.hpp"
#include "node/config_reader.hpp"
#include "plugins/audit/sqlite/audit_log.hpp"
#include "plugins/registry.hpp"
#include "plugins/stores/sqlite/fhir_store.hpp"

using namespace hidewire;
using Clock = std::chrono::steady_clock;

namespace {

double seconds = 2.0;

double thread_cpu_s() {
  timespec t{};
  clock_gettime(CLOCK_THREAD_CPUTIME_ID, &t);
  return static_cast<double>(t.tv_sec) + static_cast<double>(t.tv_nsec) * 1e-9;
}
double process_cpu_s() {
  timespec t{};
  clock_gettime(CLOCK_PROCESS_CPUTIME_ID, &t);
  return static_cast<double>(t.tv_sec) + static_cast<double>(t.tv_nsec) * 1e-9;
}
double since(Clock::time_point t0) { return std::chrono::duration<double>(Clock::now() - t0).count(); }

void row(const char* what, long n, double wall_s, double cpu_s) {
  std::printf("| %s | %ld | %.2f | %.2f |\n", what, n, wall_s * 1e6 / static_cast<double>(n), cpu_s * 1e6 / static_cast<double>(n));
  std::fflush(stdout);
}

// Runs `op` (one operation per call) for a warm-up of a fifth of the time, then for `seconds`.
void timed(const char* what, const std::function<void()>& op) {
  auto w = Clock::now();
  while (since(w) < seconds / 5) op();
  long n = 0;
  double c0 = thread_cpu_s();
  auto t0 = Clock::now();
  do {
    for (int i = 0; i < 16; ++i) op();
    n += 16;
  } while (since(t0) < seconds);
  row(what, n, since(t0), thread_cpu_s() - c0);
}

const std::string kToken = "epr-bearer-Zq7Lm2Xv9Tr4Kp1Wd8Hs";
const std::string kAud = "https://hidewire.rr8.nhs.example:8443";

node::AuthConfig trust_config(const std::string& pub) {
  node::AuthConfig c;
  c.node_ods = "RR8";
  c.node_kind = "acute-trust";
  c.audience = kAud;
  // Five local systems with bearer tokens, as a trust's node might have: the token is compared
  // with each one's SHA-256.
  for (const char* name : {"pas", "lab-feed", "radiology", "pharmacy", "epr"}) {
    node::SystemAuth s;
    s.name = name;
    s.token_sha256 = auth::sha256_hex(std::string(name) == "epr" ? kToken : std::string("token-of-") + name);
    s.roles = {"clinical"};
    s.write_types = {"*"};
    if (std::string(name) == "epr") s.jwt_keys = {pub};
    c.systems.push_back(s);
  }
  node::PeerAuth gp;
  gp.ods_code = "A81001";
  gp.kind = "gp-practice";
  c.peers.push_back(gp);
  return c;
}

std::string jwt_claims(const std::string& jti) {
  long long now = static_cast<long long>(std::time(nullptr));
  return R"({"iss":"epr","sub":"555254242106","aud":")" + kAud + R"(","iat":)" + std::to_string(now) + R"(,"exp":)" +
         std::to_string(now + 300) + R"(,"jti":")" + jti + R"(","reason_for_request":"directcare","requested_scope":"patient/*.read",
      "requesting_organization":{"resourceType":"Organization","identifier":[{"system":"https://fhir.nhs.uk/Id/ods-organization-code","value":"RR8"}]},
      "requesting_practitioner":{"resourceType":"Practitioner","id":"G1234567","identifier":[
        {"system":"https://fhir.nhs.uk/Id/sds-user-id","value":"G1234567"},
        {"system":"https://fhir.nhs.uk/Id/sds-role-profile-id","value":"555254242106"},
        {"system":"https://fhir.nhs.uk/Id/sds-job-role-name","value":"R8000"}],
        "name":[{"family":"Okafor","given":["Chidi"],"prefix":["Dr"]}]}})";
}

void bench_authentication(const std::filesystem::path& dir) {
  auth::generate_key_pair("ES256", (dir / "epr").string());
  auth::Key key = auth::load_key((dir / "epr.key").string());
  auth::Authenticator a(trust_config((dir / "epr.pub").string()));
  node::Credentials bearer;
  bearer.listener = "FHIR API";
  bearer.address = "127.0.0.1:50312";
  bearer.authorization = "Bearer " + kToken;
  if (!a.authenticate(bearer).ok) throw std::runtime_error("the bearer token was refused");
  timed("authenticate: bearer token (5 systems)", [&] {
    if (!a.authenticate(bearer).ok) throw std::runtime_error("bearer refused");
  });
  // JWTs: each needs its own jti (a second use is refused), so they are signed beforehand, in
  // batches, outside the timing; only authenticate() is timed.
  long n = 0, next = 0;
  double wall = 0, cpu = 0;
  std::vector<node::Credentials> batch;
  auto refill = [&] {
    batch.clear();
    for (int i = 0; i < 500; ++i) {
      node::Credentials c = bearer;
      c.authorization = "Bearer " + auth::sign_jwt(jwt_claims("bench-" + std::to_string(next++)), &key);
      batch.push_back(std::move(c));
    }
  };
  refill();
  for (auto& c : batch)  // warm-up
    if (!a.authenticate(c).ok) throw std::runtime_error("the JWT was refused: " + a.authenticate(c).message);
  while (wall < seconds) {
    refill();
    double c0 = thread_cpu_s();
    auto t0 = Clock::now();
    for (auto& c : batch)
      if (!a.authenticate(c).ok) throw std::runtime_error("JWT refused");
    wall += since(t0);
    cpu += thread_cpu_s() - c0;
    n += static_cast<long>(batch.size());
  }
  row("authenticate: ES256 JWT (signature, claims, jti)", n, wall, cpu);
  // Where the JWT's time goes: libjwt 1.10 takes the key as PEM text and decodes it at every
  // verification; with OpenSSL 3 that decoding costs more than the ECDSA verification itself.
  auth::Key pub = auth::load_key((dir / "epr.pub").string());
  timed("(for scale: OpenSSL PEM_read_bio_PUBKEY of the P-256 key alone)", [&] {
    BIO* b = BIO_new_mem_buf(pub.pem.data(), static_cast<int>(pub.pem.size()));
    EVP_PKEY* k = PEM_read_bio_PUBKEY(b, nullptr, nullptr, nullptr);
    if (!k) throw std::runtime_error("PEM_read_bio_PUBKEY failed");
    EVP_PKEY_free(k);
    BIO_free(b);
  });
  {
    BIO* b = BIO_new_mem_buf(pub.pem.data(), static_cast<int>(pub.pem.size()));
    EVP_PKEY* k = PEM_read_bio_PUBKEY(b, nullptr, nullptr, nullptr);
    BIO_free(b);
    std::string tok = batch.front().authorization.substr(7);
    auto dot = tok.rfind('.');
    std::string signed_part = tok.substr(0, dot);
    std::string sig = *auth::base64url_decode(tok.substr(dot + 1));
    ECDSA_SIG* es = ECDSA_SIG_new();
    ECDSA_SIG_set0(es, BN_bin2bn(reinterpret_cast<const unsigned char*>(sig.data()), 32, nullptr),
                   BN_bin2bn(reinterpret_cast<const unsigned char*>(sig.data()) + 32, 32, nullptr));
    unsigned char* der = nullptr;
    int der_len = i2d_ECDSA_SIG(es, &der);
    timed("(for scale: ES256 EVP_DigestVerify with the key decoded once)", [&] {
      EVP_MD_CTX* ctx = EVP_MD_CTX_new();
      EVP_DigestVerifyInit(ctx, nullptr, EVP_sha256(), nullptr, k);
      int ok = EVP_DigestVerify(ctx, der, static_cast<std::size_t>(der_len), reinterpret_cast<const unsigned char*>(signed_part.data()),
                                signed_part.size());
      EVP_MD_CTX_free(ctx);
      if (ok != 1) throw std::runtime_error("EVP_DigestVerify refused the token");
    });
    OPENSSL_free(der);
    ECDSA_SIG_free(es);
    EVP_PKEY_free(k);
  }
  double c0 = thread_cpu_s();
  auto t0 = Clock::now();
  for (int i = 0; i < 500; ++i) auth::sign_jwt(jwt_claims("sign-" + std::to_string(i)), &key);
  row("(for scale: sign_jwt ES256, the caller's side)", 500, since(t0), thread_cpu_s() - c0);
}

std::unique_ptr<node::AccessPolicy> consent_policy() {
  rapidjson::Document doc;
  doc.Parse(R"({"type":"consent"})");
  std::vector<std::string> problems;
  node::AccessPolicyBuilder builder;
  {
    node::ConfigReader r(&doc, "$.access", problems);
    r.claim("type");
    builder = plugins::builtin().access_policies.by_type.at("consent")(r);
  }
  if (!problems.empty()) throw std::runtime_error(problems.front());
  return builder();
}

node::Caller holder_system() {
  node::Caller c;
  c.kind = node::Caller::Kind::System;
  c.id = "epr";
  c.ods_code = "RR8";
  c.org_kind = "acute-trust";
  c.roles = {"clinical"};
  c.address = "127.0.0.1:50312";
  c.request_id = "6d0b3c1e-8f7a-4b2d-9c5e-1a2b3c4d5e6f";
  return c;
}

node::Caller care_home() {
  node::Caller c;
  c.kind = node::Caller::Kind::Peer;
  c.id = c.ods_code = "VM4L7";
  c.org_kind = "care-home";
  c.purpose = "direct-care";
  c.person_present = true;
  c.person = {"C7654321", "Sam Reid", "R8001"};
  c.address = "10.20.30.40:51234";
  c.request_id = "6d0b3c1e-8f7a-4b2d-9c5e-1a2b3c4d5e70";
  return c;
}

void bench_policy(const std::filesystem::path& dir) {
  plugins::SqliteFhirStore store((dir / "fhir.db").string());
  std::vector<std::string> observations;
  for (const auto& r : bench_record::record()) {
    store.update(r.type, r.id, r.json);
    if (r.type == "Observation") observations.push_back(r.json);
  }
  auto policy = consent_policy();
  const std::string now = fhir::utc_now_instant();
  timed("gather_patient_facts (SQLite store)", [&] {
    auto f = auth::gather_patient_facts(store, bench_record::kPatientId, now, "RR8");
    if (!f.found || f.consents.size() != 4) throw std::runtime_error("the patient facts are not as expected");
  });
  node::PatientFacts facts = auth::gather_patient_facts(store, bench_record::kPatientId, now, "RR8");
  for (const auto& [name, caller] : {std::pair{"holder's system, R9", holder_system()}, std::pair{"care-home peer, R17 + 2 restrictions", care_home()}}) {
    node::PatientDecision d = policy->decide_patient(caller, facts, "search");
    std::printf("<!-- %s: %s, %zu restrictions -->\n", name, d.rule.c_str(), d.restrictions.size());
    if (!d.allowed()) throw std::runtime_error("refused: " + d.rule);
    std::string label = std::string("decide_patient (") + name + ")";
    timed(label.c_str(), [&] {
      if (!policy->decide_patient(caller, facts, "search").allowed()) throw std::runtime_error("refused");
    });
    // What the API's RecordGate does per resource of an answer: the patient it is about, then,
    // when restrictions apply, its type, categories and labels, and permits().
    int withheld = 0;
    label = std::string("per resource: patient_of + view_of + permits, 20 Observations (") + name + ")";
    timed(label.c_str(), [&] {
      withheld = 0;
      for (const std::string& o : observations) {
        auto p = auth::patient_of(o);
        if (!p) throw std::runtime_error("no patient");
        if (d.restrictions.empty()) continue;
        std::string type;
        node::ResourceView v = auth::view_of(o, type);
        if (!policy->permits(caller, d, v)) ++withheld;
      }
    });
    std::printf("<!-- %s: %d of 20 withheld -->\n", name, withheld);
    label = std::string("whole decision for GET Observation?patient: facts + decide + 20 checks (") + name + ")";
    timed(label.c_str(), [&] {
      auto f = auth::gather_patient_facts(store, bench_record::kPatientId, now, "RR8");
      auto dd = policy->decide_patient(caller, f, "search");
      for (const std::string& o : observations) {
        auth::patient_of(o);
        if (dd.restrictions.empty()) continue;
        std::string type;
        policy->permits(caller, dd, auth::view_of(o, type));
      }
    });
  }
}

node::AuditRecord audit_record(const node::Caller& c, int i) {
  audit::Access a{c};
  a.interaction = i % 2 ? "read" : "search-type";
  a.resource_type = i % 2 ? "Patient" : "Observation";
  a.resource_id = i % 2 ? "arthur" : "";
  a.query = i % 2 ? "" : "patient=arthur";
  a.patient_id = "arthur";
  a.patient_nhs = bench_record::kNhsNumber;
  a.outcome = 0;
  a.node_ods = "RR8";
  a.node_name = "bench";
  return audit::make_record(a);
}

void bench_make_record() {
  node::Caller a = holder_system(), b = care_home();
  int i = 0;
  timed("audit::make_record (system caller)", [&] { audit_record(a, i++); });
  timed("audit::make_record (peer with a person, purpose)", [&] { audit_record(b, i++); });
  std::printf("<!-- AuditEvent size: %zu bytes -->\n", audit_record(b, 0).event_json.size());
}

// Requesters that each append one record and wait for it to be durable, then the next.
void bench_appends(const std::filesystem::path& dir, int threads) {
  std::filesystem::path d = dir / ("audit-" + std::to_string(threads));
  std::filesystem::create_directories(d);
  plugins::SqliteAuditLog::Options o;
  o.path = (d / "audit.db").string();
  o.key_path = (d / "audit-signing.key").string();
  o.pub_path = (d / "audit-signing.pub").string();
  o.origin = "bench";
  o.checkpoint_every_ms = 1000;  // the default
  plugins::SqliteAuditLog log(o);
  std::atomic<bool> go{false}, measuring{false}, stop{false};
  std::vector<long> count(static_cast<std::size_t>(threads));
  std::vector<double> latency_sum(static_cast<std::size_t>(threads));
  std::vector<std::thread> ts;
  for (int t = 0; t < threads; ++t)
    ts.emplace_back([&, t] {
      node::Caller c = t % 2 ? care_home() : holder_system();
      std::mutex mu;
      std::condition_variable cv;
      int i = 0;
      while (!go) std::this_thread::yield();
      while (!stop) {
        bool done = false, counted = measuring;
        auto t0 = Clock::now();
        log.append({audit_record(c, i++)}, [&](bool ok, const std::string& e) {
          if (!ok) std::fprintf(stderr, "append failed: %s\n", e.c_str());
          std::lock_guard<std::mutex> l(mu);
          done = true;
          cv.notify_one();
        });
        std::unique_lock<std::mutex> l(mu);
        cv.wait(l, [&] { return done; });
        if (counted && measuring) {  // started and finished inside the measured interval
          latency_sum[static_cast<std::size_t>(t)] += since(t0);
          count[static_cast<std::size_t>(t)]++;
        }
      }
    });
  go = true;
  std::this_thread::sleep_for(std::chrono::duration<double>(seconds / 5));  // warm-up
  double c0 = process_cpu_s();
  auto t0 = Clock::now();
  measuring = true;
  std::this_thread::sleep_for(std::chrono::duration<double>(seconds));
  measuring = false;
  double wall = since(t0), cpu = process_cpu_s() - c0;
  stop = true;
  for (auto& t : ts) t.join();
  long n = 0;
  double lat = 0;
  for (int t = 0; t < threads; ++t) {
    n += count[static_cast<std::size_t>(t)];
    lat += latency_sum[static_cast<std::size_t>(t)];
  }
  log.stop();
  std::printf("| audit append, %d requester%s | %ld | %.0f appends/s | %.1f µs wall per append, %.1f µs CPU per append (all threads), %.0f µs mean wait per request |\n",
              threads, threads == 1 ? "" : "s", n, static_cast<double>(n) / wall, wall * 1e6 / static_cast<double>(n),
              cpu * 1e6 / static_cast<double>(n), lat * 1e6 / static_cast<double>(n));
  std::fflush(stdout);
}

}  // namespace

int main(int argc, char** argv) {
  if (argc == 2 && std::string(argv[1]) == "record") {
    std::printf("%s\n", bench_record::transaction_bundle().c_str());
    return 0;
  }
  if (argc < 3) {
    std::fprintf(stderr, "usage: bench_access SECONDS DIR | bench_access record\n");
    return 2;
  }
  seconds = std::stod(argv[1]);
  const std::filesystem::path dir = argv[2];
  std::filesystem::remove_all(dir);
  std::filesystem::create_directories(dir);
  try {
    std::printf("| operation | n | µs per op (wall) | µs per op (CPU) |\n| --- | ---: | ---: | ---: |\n");
    bench_authentication(dir);
    bench_policy(dir);
    bench_make_record();
    std::printf("\n");
    for (int t : {1, 8, 32}) bench_appends(dir, t);
  } catch (const std::exception& e) {
    std::fprintf(stderr, "bench_access: %s\n", e.what());
    return 1;
  }
  return 0;
}
