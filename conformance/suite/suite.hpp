// The conformance suite's tests: each exercises a product over one of its real interfaces and
// ends pass, fail, skip or error, with every request and response kept as evidence. Tests are
// code, one file per area (area_*.cpp), listed explicitly in registry.cpp.
#pragma once

#include <chrono>
#include <cstdint>
#include <functional>
#include <map>
#include <memory>
#include <mutex>
#include <string>
#include <vector>

namespace hidewire::conformance { class ProfileGate; }

namespace hidewire::conformance::suite {

enum class Status { Pass, Fail, Skip, Error };
std::string_view status_name(Status s);

// One request and its answer, as text a person reads (tokens never included).
struct Exchange {
  std::string label;     // what it was for, e.g. "ADT^A01 with an invalid NHS number"
  std::string request;
  std::string response;  // empty when none came
};

struct Result {
  Status status = Status::Pass;
  std::string message;  // why it failed, was skipped or erred; empty on a pass
  std::vector<Exchange> evidence;
  std::chrono::milliseconds took{0};
  // Ends the test as `s` with `why` (the first failure wins: later calls do not overwrite it).
  void set(Status s, std::string why);
  void fail(std::string why) { set(Status::Fail, std::move(why)); }
  void skip(std::string why) { set(Status::Skip, std::move(why)); }
  void error(std::string why) { set(Status::Error, std::move(why)); }
};

// Signs a JWT's claims (a JSON object) with the private key in `key_file` (ES256 or RS256), and
// checks a token's signature with a public key: given by the command line, which links the
// node's JWT code (the suite's library does not, keeping the folders' layering).
using Signer = std::function<std::string(const std::string& claims_json, const std::string& key_file)>;
using Verifier = std::function<bool(const std::string& token, const std::string& key_file, std::string& why)>;

// Who a signed JWT names: its issuer (the product knows the key by it), the organisation's ODS
// code (requesting_organization; empty: none), the private key.
struct JwtIdentity {
  std::string iss, ods, key;
  bool given() const { return !iss.empty() && !key.empty(); }
};

// How the suite's GP Connect provider (--gpc-listen) answers a patient, by NHS number: set by a
// test before it makes the product ask. A patient no test scripted: 404 PATIENT_NOT_FOUND.
struct ProviderAnswer {
  int status = 404;
  std::string body;
  int delay_ms = 0;  // answer this late (longer than the product's deadline: a timeout)
};
class ProviderScript {
 public:
  void set(const std::string& nhs, ProviderAnswer a) {
    std::lock_guard lock(mu_);
    answers_[nhs] = std::move(a);
  }
  // The answer for `nhs` (counted as asked); false when no test scripted one.
  bool find(const std::string& nhs, ProviderAnswer& out) {
    std::lock_guard lock(mu_);
    auto it = answers_.find(nhs);
    if (it == answers_.end()) return false;
    ++asked_[nhs];
    out = it->second;
    return true;
  }
  // How many times the product asked for `nhs`'s record.
  int asked(const std::string& nhs) const {
    std::lock_guard lock(mu_);
    auto it = asked_.find(nhs);
    return it == asked_.end() ? 0 : it->second;
  }

 private:
  mutable std::mutex mu_;
  std::map<std::string, ProviderAnswer> answers_;
  std::map<std::string, int> asked_;
};

// Where the product is and how to reach it (hidewire conformance run's flags).
struct Target {
  std::string mllp_host;      // --target mllp://host:port (mllps:// for TLS)
  std::uint16_t mllp_port = 0;
  bool mllp_tls = false;
  std::string fhir_base;      // --target http(s)://base
  std::string ca, cert, key;  // --ca (the product's CA), --cert/--key (the suite's client certificate)
  std::string token;          // --token: bearer token for the product's FHIR API
  std::string facility = "HWCONF";  // --facility: MSH-4 of what the suite sends
  std::chrono::milliseconds timeout{10000};
  // GP Connect provider test patients the product holds (--gpc-patient, --gpc-deceased,
  // --gpc-sensitive): a registered patient with a verified NHS number, a deceased one, and one
  // whose record is sensitive (Patient.meta.security R, v3-Confidentiality).
  std::string gpc_patient, gpc_deceased, gpc_sensitive;
  std::string patient_token;  // --patient-token: the --gpc-patient patient's own token, to read their access log
  std::string gp_ods;  // --gp-ods: the GP practice the suite stands for, to which discharge summaries go
  std::string record_query = "/Patient/$hidewire-federated-record";  // --record-query: the product's GP-record query (POST, Parameters)
  std::string export_query = "/Patient/$hidewire-export";  // --export-query: the product's secondary-use export (GET, a Bundle of Patients)
  // Identities whose JWTs the suite signs (docs/CONFORMANCE.md): a second organisation
  // (--org2-iss/--org2-ods/--org2-key), the suite's own clinician for the product's record query
  // (--jwt-iss/--jwt-ods/--jwt-key), the patient's identity provider (--patient-iss/--patient-key).
  JwtIdentity org2, clinician, patient_idp;
  std::string consumer_key;  // --gpc-consumer-key: the product's public key for the JWTs it signs as a GP Connect consumer
  Signer sign;               // set by the command line (auth::sign_jwt)
  Verifier verify;
  bool has_mllp() const { return mllp_port != 0; }
  bool has_fhir() const { return !fhir_base.empty(); }
};

// One request the product made of the suite's GP Connect provider (--gpc-listen).
struct ProviderCall {
  std::string method, path, body;
  std::map<std::string, std::string> headers;  // by lower-case name
};

// What the product sent while the suite listened (as a sender): filled when the window closes.
struct Received {
  bool listened = false;             // --listen given
  std::string listen_at;             // host:port
  std::vector<std::string> v2;       // each HL7 v2 message that came over MLLP
  std::vector<std::int64_t> v2_at;   // when each arrived (seconds since the epoch, the suite's clock)
  bool folder_given = false;         // --from-folder given
  std::string folder;
  bool http_listened = false;        // --listen http://HOST:PORT given
  std::string http_at;               // host:port
  // Each FHIR document received: its file name, or "POST /path #n" for what came over HTTP; its content.
  std::vector<std::pair<std::string, std::string>> fhir_files;
  std::vector<std::int64_t> fhir_at;  // when each arrived or (a file) was last written, epoch seconds
  bool gpc_listened = false;         // --gpc-listen https://HOST:PORT given
  std::string gpc_at;
  std::vector<ProviderCall> gpc_calls;
  double window_seconds = 0;
};

// What the product sent, counted for the locality report (docs/CONFORMANCE.md).
struct Metrics {
  std::size_t v2_patient_level = 0, v2_valid_nhs = 0;                  // HL7 v2 messages with a PID segment; of them with a valid NHS number
  std::size_t fhir_patients = 0, fhir_valid_nhs = 0, fhir_verified_nhs = 0;  // Patients sent; valid NHS number; verified (UK Core status 01)
};

struct Context {
  Target target;
  std::string pack;
  bool holds_health_data = true;
  const ProfileGate* profiles = nullptr;  // --ig given
  std::vector<std::string> require_profiles;  // --profile URL
  // Waits for the listening window to end (once) and gives what was received.
  std::function<const Received&()> received;
  std::string run_id;  // unique per run: control ids and NHS numbers the suite makes
  std::shared_ptr<ProviderScript> provider;  // the GP Connect provider's answers (--gpc-listen)
  std::string gpc_listen_at;                 // where that provider listens (host:port); empty: it does not
  Metrics metrics;     // counted by the sender area
};

struct TestCase {
  std::string id;                         // e.g. V2R-ACK-MSA2
  std::string title;
  std::string area;                       // v2-receiver, fhir-server, sender
  std::vector<std::string> requirements;  // the requirement ids it traces to
  void (*run)(Context&, Result&);
};

// Every test, in run order (registry.cpp).
const std::vector<TestCase>& tests();
// The areas' registration functions, called by registry.cpp.
void add_v2_receiver_tests(std::vector<TestCase>& out);
void add_fhir_server_tests(std::vector<TestCase>& out);
void add_gpconnect_provider_tests(std::vector<TestCase>& out);
void add_access_tests(std::vector<TestCase>& out);
void add_consent_tests(std::vector<TestCase>& out);
void add_gpconnect_audit_tests(std::vector<TestCase>& out);
void add_gpconnect_answer_tests(std::vector<TestCase>& out);
void add_gpconnect_consumer_tests(std::vector<TestCase>& out);
void add_sender_tests(std::vector<TestCase>& out);

}  // namespace hidewire::conformance::suite
