// Shared by the tests of who sends: a small node::Authentication double (a peer A81001 by its
// certificate, a system `pas` at RXX by its bearer token or by name, anonymous refused unless
// allowed), a journal and intake with both converters, and a source made from its settings as a
// node's configuration makes it.
#pragma once

#include <doctest/doctest.h>

#include <rapidjson/document.h>

#include <atomic>
#include <filesystem>
#include <map>
#include <memory>
#include <string>
#include <thread>

#include <boost/asio/executor_work_guard.hpp>
#include <boost/asio/io_context.hpp>

#include "node/authentication.hpp"
#include "node/config_reader.hpp"
#include "node/group_journal.hpp"
#include "node/intake.hpp"
#include "node/source.hpp"
#include "plugins/journals/sqlite/journal.hpp"
#include "plugins/registry.hpp"

namespace hw_test {

inline constexpr const char* kPasToken = "pas-token-7f3a9c";

inline hidewire::node::Caller pas_system() {
  hidewire::node::Caller c;
  c.kind = hidewire::node::Caller::Kind::System;
  c.id = "pas";
  c.ods_code = "RXX";
  c.org_kind = "acute-trust";
  c.write_types = {"Patient", "Encounter", "Observation", "Provenance"};
  c.facilities = {"Royal_Infirmary"};
  return c;
}

// A pathology system (WinPath at RR8), granted the types its results make and no others.
inline hidewire::node::Caller lab_system() {
  hidewire::node::Caller c;
  c.kind = hidewire::node::Caller::Kind::System;
  c.id = "lims";
  c.ods_code = "RR8";
  c.org_kind = "acute-trust";
  c.write_types = {"Observation", "DiagnosticReport", "Patient", "Specimen", "ServiceRequest"};
  return c;
}

struct FakeAuth final : hidewire::node::Authentication {
  bool allow_anonymous = false;
  std::atomic<int> calls{0};
  hidewire::node::AuthOutcome authenticate(const hidewire::node::Credentials& c) override {
    ++calls;
    hidewire::node::AuthOutcome o;
    if (c.client_cert) {
      if (c.cert_ods != "A81001") return refuse(403, "forbidden", "certificate of " + c.cert_ods + " is not a configured peer");
      o.ok = true;
      o.caller.kind = hidewire::node::Caller::Kind::Peer;
      o.caller.id = c.cert_cn;
      o.caller.ods_code = c.cert_ods;
      o.caller.write_types = {"*"};
    } else if (c.authorization == std::string("Bearer ") + kPasToken) {
      o.ok = true;
      o.caller = pas_system();
    } else if (!c.authorization.empty()) {
      return refuse(401, "login", "the bearer token is not recognised");
    } else if (allow_anonymous) {
      o.ok = true;
    } else {
      return refuse(401, "login", "no credential presented");
    }
    o.caller.address = c.address;
    o.caller.request_id = c.request_id.empty() ? "made-up-1" : c.request_id;
    return o;
  }
  hidewire::node::AuthOutcome system(const std::string& name, const std::string& address) override {
    ++calls;
    if (name != "pas" && name != "lims") return refuse(403, "forbidden", "no system named " + name);
    hidewire::node::AuthOutcome o;
    o.ok = true;
    o.caller = name == "pas" ? pas_system() : lab_system();
    o.caller.address = address;
    return o;
  }
  static hidewire::node::AuthOutcome refuse(int status, const char* code, std::string why) {
    hidewire::node::AuthOutcome o;
    o.status = status;
    o.code = code;
    o.message = std::move(why);
    return o;
  }
};

inline std::filesystem::path scratch(const std::string& what) {
  auto d = std::filesystem::temp_directory_path() / ("hw-" + what + "-" + std::to_string(::getpid()) + "-" + std::to_string(std::rand()));
  std::filesystem::create_directories(d);
  return d;
}

// A node's intake in process, with the sources under test on its io_context.
struct Node {
  std::filesystem::path dir = scratch("sender");
  std::unique_ptr<hidewire::plugins::SqliteJournal> journal =
      std::make_unique<hidewire::plugins::SqliteJournal>((dir / "journal.db").string());
  std::unique_ptr<hidewire::node::GroupJournal> group = std::make_unique<hidewire::node::GroupJournal>(*journal, nullptr);
  std::unique_ptr<hidewire::node::Converter> v2 = hidewire::plugins::make_converter("hl7v2");
  std::unique_ptr<hidewire::node::Converter> fhir = hidewire::plugins::make_converter("fhir");
  // What each credential is granted "now", for a replay: `grants` by caller id (the config's
  // systems[] and peers[] write_types); the fake's own by default.
  std::map<std::string, std::vector<std::string>> grants{
      {"pas", pas_system().write_types}, {"lims", lab_system().write_types}, {"gp-system", {"*"}}};
  std::unique_ptr<hidewire::node::Intake> intake = std::make_unique<hidewire::node::Intake>(
      *group, std::map<std::string, const hidewire::node::Converter*>{{"hl7v2", v2.get()}, {"fhir", fhir.get()}},
      hidewire::node::IntakeOptions{1, 256u << 10, [this](const hidewire::node::Caller& c) {
                                      auto it = grants.find(c.id);
                                      return it == grants.end() ? std::vector<std::string>{} : it->second;
                                    }});
  FakeAuth auth;
  boost::asio::io_context io;
  boost::asio::executor_work_guard<boost::asio::io_context::executor_type> work = boost::asio::make_work_guard(io);
  std::vector<std::unique_ptr<hidewire::node::Source>> sources;
  std::thread thread{[this] { io.run(); }};

  // The source of `type` with its settings (JSON), started.
  hidewire::node::Source& source(const std::string& type, const std::string& name, const std::string& settings, bool with_auth = true) {
    rapidjson::Document doc;
    doc.Parse(settings.c_str());
    REQUIRE(!doc.HasParseError());
    std::vector<std::string> problems;
    hidewire::node::SourceBuilder build;
    {
      hidewire::node::ConfigReader r(&doc, "$.sources[0]", problems);
      build = hidewire::plugins::builtin().sources.by_type.at(type)(r);
    }
    REQUIRE_MESSAGE(problems.empty(), (problems.empty() ? "" : problems.front()));
    hidewire::node::SourceContext ctx{io, intake->channel(name), name, with_auth ? &auth : nullptr};
    sources.push_back(build(ctx));
    sources.back()->start();
    return *sources.back();
  }
  ~Node() {
    for (auto& s : sources) s->stop();
    intake->stop();
    group->stop();
    work.reset();
    io.stop();
    thread.join();
    sources.clear();
    std::filesystem::remove_all(dir);
  }
};

}  // namespace hw_test
