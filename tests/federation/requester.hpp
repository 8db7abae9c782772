// The requester's side for the fan-out and GP Connect consumer tests: a Federation over a store
// and an audit log of its own, a paramedic asking, and the merged answer read back.
#pragma once

#include <doctest/doctest.h>
#include <rapidjson/document.h>

#include <chrono>
#include <future>
#include <map>

#include "federation/federated_record.hpp"
#include "plugins/audit/sqlite/audit_log.hpp"
#include "plugins/stores/sqlite/fhir_store.hpp"
#include "tests/federation/holders.hpp"

namespace hw_fed_test {

using namespace hidewire;
using namespace hidewire::federation;
namespace fs = std::filesystem;
using Ms = std::chrono::milliseconds;
inline constexpr const char* kNhs = "9449306613";



inline Peer peer_of(const Holder& h, const std::string& ca = "ca.crt") {
  return Peer{h.ods, h.kind, h.url(), {pki().file("rx9.crt"), pki().file("rx9.key"), pki().file(ca), false}};
}

inline node::Caller paramedic(const std::string& request_id = "req-" + auth::random_uuid()) {
  node::Caller c;
  c.kind = node::Caller::Kind::System;
  c.id = "epr";
  c.ods_code = "RX9";
  c.org_kind = "ambulance-service";
  c.person_present = true;
  c.person = {"G1234567", "Chidi Okafor", "R8000"};
  c.purpose = "emergency";
  c.scope = "patient/*.read";
  c.request_id = request_id;
  return c;
}

inline std::string body(const std::string& nhs = kNhs, const std::string& more = "") {
  return R"({"resourceType":"Parameters","parameter":[{"name":"patientNHSNumber","valueIdentifier":{"system":"https://fhir.nhs.uk/Id/nhs-number","value":")" + nhs +
         "\"}}" + more + "]}";
}

struct Requester {
  fs::path dir = fs::temp_directory_path() / ("hw-fed-req-" + std::to_string(::getpid()) + "-" + std::to_string(std::rand()));
  std::unique_ptr<plugins::SqliteAuditLog> audit;
  std::unique_ptr<plugins::SqliteFhirStore> store;
  std::unique_ptr<Federation> fed;
  Requester(std::vector<Peer> peers, int deadline_ms = 3000, const std::function<void(Settings&)>& tweak = {}) {
    fs::create_directories(dir);
    plugins::SqliteAuditLog::Options o;
    o.path = (dir / "audit.db").string();
    o.key_path = (dir / "audit-signing.key").string();
    o.pub_path = (dir / "audit-signing.pub").string();
    o.origin = "nwas";
    o.checkpoint_every_ms = 0;
    audit = std::make_unique<plugins::SqliteAuditLog>(o);
    store = std::make_unique<plugins::SqliteFhirStore>((dir / "fhir.db").string());
    Settings s;
    s.node_ods = "RX9";
    s.node_name = "North West Ambulance Service";
    s.issuer = "https://127.0.0.1:9443";
    s.jwt_key_file = pki().file("rx9-jwt.key");
    s.deadline_ms = deadline_ms;
    if (tweak) tweak(s);
    fed = std::make_unique<Federation>(s, Directory(std::move(peers)), store.get(), audit.get());
  }
  ~Requester() {
    fed.reset();
    audit->stop();
    fs::remove_all(dir);
  }
  Answer ask(const std::string& b, const node::Caller& c, double* seconds = nullptr) {
    std::promise<Answer> p;
    auto t0 = std::chrono::steady_clock::now();
    fed->record(b, c, [&p](Answer a) { p.set_value(std::move(a)); });
    auto f = p.get_future();
    REQUIRE(f.wait_for(std::chrono::seconds(20)) == std::future_status::ready);
    Answer a = f.get();
    if (seconds) *seconds = std::chrono::duration<double>(std::chrono::steady_clock::now() - t0).count();
    return a;
  }
  std::vector<node::AuditRecord> audited(const std::string& request_id) {
    node::AuditQuery q;
    q.request_id = request_id;
    for (int i = 0; i < 100; ++i) {  // appended asynchronously: committed within a moment
      auto r = audit->query(q);
      if (!r.empty()) return r;
      std::this_thread::sleep_for(Ms(20));
    }
    return {};
  }
};

struct Merged {
  rapidjson::Document d;
  std::map<std::string, std::size_t> provenance_targets;  // by ODS
  std::vector<const rapidjson::Value*> issues;           // after the summary
  explicit Merged(const std::string& text) {
    REQUIRE_FALSE(d.Parse(text.c_str()).HasParseError());
    for (const auto& e : d["entry"].GetArray()) {
      std::string type = e["resource"]["resourceType"].GetString();
      // The merge's Provenance names its source by ODS identifier (a converter's own names the message).
      if (type == "Provenance" && e["resource"]["agent"][0]["who"].HasMember("identifier"))
        provenance_targets[e["resource"]["agent"][0]["who"]["identifier"]["value"].GetString()] = e["resource"]["target"].Size();
      if (type == "OperationOutcome")
        for (std::size_t i = 1; i < e["resource"]["issue"].Size(); ++i) issues.push_back(&e["resource"]["issue"][i]);
    }
  }
  const rapidjson::Value* issue_about(const std::string& ods) const {
    for (const auto* i : issues)
      if (std::string((*i)["diagnostics"].GetString()).rfind(ods + " ", 0) == 0) return i;
    return nullptr;
  }
};


}  // namespace hw_fed_test
