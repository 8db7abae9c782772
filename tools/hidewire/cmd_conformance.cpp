// hidewire conformance list [--pack P] [--milestone M]
// hidewire conformance run --pack P --target URL... --report DIR [...]: the meaningful-use suite
// (conformance/suite) against a product over its real interfaces; exit 0 only when every
// required test passed.
#include <filesystem>
#include <iostream>

#include "auth/jwt.hpp"
#include "conformance/gate.hpp"
#include "conformance/suite/locality.hpp"
#include "conformance/suite/runner.hpp"
#include "fhir/nhs_number.hpp"
#include "log/log.hpp"
#include "tools/hidewire/admin_client.hpp"
#include "tools/hidewire/cli.hpp"

namespace hidewire::cli {
namespace {
namespace cs = conformance::suite;

constexpr std::string_view kRunUsage =
    "hidewire conformance run --pack PACK [--milestone M] --report DIR [--target mllp://HOST:PORT|mllps://HOST:PORT] "
    "[--target http(s)://BASE] [--ca PEM] [--cert PEM --key PEM] [--token T|-|@FILE] [--facility MSH-4] [--timeout MS] "
    "[--gpc-patient NHS] [--gpc-deceased NHS] [--gpc-sensitive NHS] [--patient-token T|-|@FILE] [--gp-ods CODE] "
    "[--org2-iss ISS --org2-ods CODE --org2-key PEM] [--jwt-iss ISS [--jwt-ods CODE] --jwt-key PEM] [--patient-iss ISS --patient-key PEM] "
    "[--record-query PATH] [--export-query PATH] [--gpc-consumer-key PEM] "
    "[--listen mllp(s)://HOST:PORT] [--listen http(s)://HOST:PORT] [--gpc-listen https://HOST:PORT] [--listen-cert PEM --listen-key PEM [--listen-ca PEM]] "
    "[--from-folder DIR] [--window SECONDS] [--ig DIR|PACKAGE ...] [--profile URL ...]";

int list(const Args& args) {
  std::string pack, milestone;
  for (std::size_t i = 1; i < args.size(); ++i) {
    if (args[i] == "--pack" && i + 1 < args.size()) pack = args[++i];
    else if (args[i] == "--milestone" && i + 1 < args.size()) milestone = args[++i];
    else {
      std::cerr << "hidewire conformance list: unknown argument '" << args[i] << "'\nusage: hidewire conformance list [--pack P] [--milestone M]\n";
      return kUsage;
    }
  }
  const cs::Requirements& reqs = cs::requirements();
  std::vector<std::pair<const cs::TestCase*, bool>> selected;
  try {
    if (!pack.empty()) selected = cs::select_tests(pack, milestone);
  } catch (const std::exception& e) {
    std::cerr << "hidewire conformance list: " << e.what() << "\n";
    return kUsage;
  }
  std::cout << "packs:\n";
  for (const cs::Pack& p : reqs.packs) std::cout << "  " << p.id << "\t" << p.title << "\n";
  std::cout << "milestones:\n";
  for (const cs::Milestone& m : reqs.milestones) std::cout << "  " << m.id << "\t" << m.due << "\t" << m.title << "\n";
  int upto = milestone.empty() ? static_cast<int>(reqs.milestones.size()) - 1 : reqs.milestone_index(milestone);
  std::cout << "requirements" << (pack.empty() ? "" : " of pack " + pack) << ":\n";
  for (const cs::Requirement& r : reqs.requirements) {
    if ((!pack.empty() && !r.in_pack(pack)) || reqs.milestone_index(r.milestone) > upto) continue;
    std::cout << "  " << r.id << " (" << r.level << ", " << r.milestone << ", as at " << r.as_at << ")\n    " << r.text << "\n    source: " << r.source
              << "\n    tests:";
    bool any = false;
    for (const cs::TestCase& t : cs::tests())
      for (const std::string& id : t.requirements)
        if (id == r.id) {
          std::cout << " " << t.id;
          any = true;
        }
    std::cout << (any ? "" : " none yet") << "\n";
  }
  if (!pack.empty()) {
    std::cout << "tests of pack " << pack << ":\n";
    for (const auto& [t, required] : selected)
      std::cout << "  " << t->id << "\t" << t->area << "\t" << (required ? "required" : "advisory") << "\t" << t->title << "\n";
  }
  return kOk;
}

// --target URL: MLLP or FHIR by its scheme.
bool take_target(std::string_view url, cs::Target& t) {
  auto scheme_end = url.find("://");
  if (scheme_end == std::string_view::npos) return false;
  std::string_view scheme = url.substr(0, scheme_end), rest = url.substr(scheme_end + 3);
  if (scheme == "http" || scheme == "https") {
    t.fhir_base = std::string(url);
    while (!t.fhir_base.empty() && t.fhir_base.back() == '/') t.fhir_base.pop_back();
    return !rest.empty();
  }
  if (scheme != "mllp" && scheme != "mllps") return false;
  auto colon = rest.rfind(':');
  auto port = colon == std::string_view::npos ? std::nullopt : parse_size(rest.substr(colon + 1));
  if (!port || *port == 0 || *port > 65535 || colon == 0) return false;
  t.mllp_host = std::string(rest.substr(0, colon));
  t.mllp_port = static_cast<std::uint16_t>(*port);
  t.mllp_tls = scheme == "mllps";
  return true;
}

int run(const Args& args) {
  cs::RunOptions o;
  std::string report;
  for (std::size_t i = 1; i < args.size(); ++i) {
    std::string_view a = args[i];
    if (i + 1 >= args.size()) {
      std::cerr << "hidewire conformance run: '" << a << "' needs a value (or is unknown)\nusage: " << kRunUsage << "\n";
      return kUsage;
    }
    std::string v(args[++i]);
    bool ok = true;
    if (a == "--pack") o.pack = v;
    else if (a == "--milestone") o.milestone = v;
    else if (a == "--report") report = v;
    else if (a == "--target") ok = take_target(v, o.target);
    else if (a == "--ca") o.target.ca = v;
    else if (a == "--cert") o.target.cert = v;
    else if (a == "--key") o.target.key = v;
    else if (a == "--token") o.target.token = v;
    else if (a == "--facility") o.target.facility = v;
    else if (a == "--gpc-patient") o.target.gpc_patient = v;
    else if (a == "--gpc-deceased") o.target.gpc_deceased = v;
    else if (a == "--gpc-sensitive") o.target.gpc_sensitive = v;
    else if (a == "--patient-token") o.target.patient_token = v;
    else if (a == "--gp-ods") o.target.gp_ods = v;
    else if (a == "--gpc-listen" && v.rfind("https://", 0) == 0) o.gpc_listen = v.substr(8);
    else if (a == "--listen-cert") o.listen_cert = v;
    else if (a == "--listen-key") o.listen_key = v;
    else if (a == "--listen-ca") o.listen_ca = v;
    else if (a == "--from-folder") o.folder = v;
    else if (a == "--ig") o.igs.push_back(v);
    else if (a == "--profile") o.profiles.push_back(v);
    else if (a == "--org2-iss") o.target.org2.iss = v;
    else if (a == "--org2-ods") o.target.org2.ods = v;
    else if (a == "--org2-key") o.target.org2.key = v;
    else if (a == "--jwt-iss") o.target.clinician.iss = v;
    else if (a == "--jwt-ods") o.target.clinician.ods = v;
    else if (a == "--jwt-key") o.target.clinician.key = v;
    else if (a == "--patient-iss") o.target.patient_idp.iss = v;
    else if (a == "--patient-key") o.target.patient_idp.key = v;
    else if (a == "--gpc-consumer-key") o.target.consumer_key = v;
    else if (a == "--record-query" || a == "--export-query") {
      ok = !v.empty() && v[0] == '/';
      (a == "--record-query" ? o.target.record_query : o.target.export_query) = v;
    }
    else if (a == "--listen" && v.rfind("mllp://", 0) == 0) o.listen = v.substr(7);
    else if (a == "--listen" && v.rfind("mllps://", 0) == 0) {
      o.listen = v.substr(8);
      o.listen_tls = true;
    }
    else if (a == "--listen" && v.rfind("http://", 0) == 0) o.listen_http = v.substr(7);
    else if (a == "--listen" && v.rfind("https://", 0) == 0) {
      o.listen_http = v.substr(8);
      o.listen_http_tls = true;
    }
    else if (a == "--timeout" || a == "--window") {
      auto n = parse_size(v);
      ok = n && *n > 0 && *n <= 3600000;
      if (ok && a == "--timeout") o.target.timeout = std::chrono::milliseconds(*n);
      if (ok && a == "--window") o.window_seconds = static_cast<double>(*n);
    } else ok = false;
    if (!ok) {
      std::cerr << "hidewire conformance run: bad or unknown argument " << a << " '" << v << "'\nusage: " << kRunUsage << "\n";
      return kUsage;
    }
  }
  if (o.pack.empty() || report.empty() || o.target.cert.empty() != o.target.key.empty() || (!o.profiles.empty() && o.igs.empty())) {
    std::cerr << "hidewire conformance run: --pack and --report are required (--cert with --key, --profile with --ig)\nusage: " << kRunUsage << "\n";
    return kUsage;
  }
  if ((!o.gpc_listen.empty() || o.listen_tls || o.listen_http_tls) && (o.listen_cert.empty() || o.listen_key.empty())) {
    std::cerr << "hidewire conformance run: --gpc-listen, --listen mllps:// and --listen https:// need --listen-cert and --listen-key (the suite's certificate)\n";
    return kUsage;
  }
  // A JWT identity is whole or absent; its private key is read now, so a bad one is said before the run.
  for (auto [what, id] : {std::pair<const char*, cs::JwtIdentity*>{"--org2", &o.target.org2}, {"--jwt", &o.target.clinician}, {"--patient", &o.target.patient_idp}}) {
    if (id->iss.empty() && id->key.empty() && id->ods.empty()) continue;
    bool whole = !id->iss.empty() && !id->key.empty() && (id != &o.target.org2 || !id->ods.empty());
    std::string why;
    if (whole) try {
        if (!auth::load_key(id->key).is_private) why = id->key + " is not a private key";
      } catch (const std::exception& e) {
        why = e.what();
      }
    if (!whole || !why.empty()) {
      std::cerr << "hidewire conformance run: " << what << "-iss and " << what << "-key go together" << (id == &o.target.org2 ? " (with --org2-ods)" : "")
                << (why.empty() ? "" : ": " + why) << "\n";
      return kUsage;
    }
  }
  o.target.sign = [](const std::string& claims, const std::string& key_file) {
    auth::Key k = auth::load_key(key_file);
    return auth::sign_jwt(claims, &k);
  };
  o.target.verify = [](const std::string& token, const std::string& key_file, std::string& why) {
    try {
      return auth::verify_jwt(token, auth::load_key(key_file));
    } catch (const std::exception& e) {
      why = e.what();
      return false;
    }
  };
  if (!o.target.has_mllp() && !o.target.has_fhir() && o.listen.empty() && o.listen_http.empty() && o.gpc_listen.empty() && o.folder.empty()) {
    std::cerr << "hidewire conformance run: nothing to test: give a --target, --listen or --from-folder\n";
    return kUsage;
  }
  for (const std::string* nhs : {&o.target.gpc_patient, &o.target.gpc_deceased, &o.target.gpc_sensitive})
    if (!nhs->empty() && !fhir::is_valid_nhs_number(*nhs)) {
      std::cerr << "hidewire conformance run: --gpc-patient/--gpc-deceased/--gpc-sensitive: '" << *nhs << "' is not a valid NHS number\n";
      return kUsage;
    }
  std::string error;
  if (!o.target.token.empty() && !read_token(o.target.token, error)) {
    std::cerr << "hidewire conformance run: --token: " << error << "\n";
    return kUnreadable;
  }
  if (!o.target.patient_token.empty() && !read_token(o.target.patient_token, error)) {
    std::cerr << "hidewire conformance run: --patient-token: " << error << "\n";
    return kUnreadable;
  }
  // The suite's own listeners log each request at info: noise beside the results on the terminal.
  log::configure(log::Level::Warn, log::Format::Text);
  try {
    cs::Run r = cs::run_pack(o);
    cs::write_reports(r, report);
    // The TestReport must itself be valid FHIR R4: a broken one is the suite's bug, said so.
    fhir::Diagnostics d = conformance::check(cs::test_report_json(r));
    if (d.has_errors()) {
      std::cerr << "hidewire conformance run: internal error: the TestReport is not valid R4: " << d.issues().front().location << ": "
                << d.issues().front().message << "\n";
      return 70;
    }
    for (const cs::Outcome& out : r.outcomes)
      std::cout << out.test->id << "\t" << cs::status_name(out.result.status) << (out.required ? "" : " (advisory)")
                << (out.result.message.empty() ? "" : "\t" + out.result.message) << "\n";
    std::cout << r.count(cs::Status::Pass) << " passed, " << r.count(cs::Status::Fail) << " failed, " << r.count(cs::Status::Error) << " erred, "
              << r.count(cs::Status::Skip) << " skipped; reports in " << report << std::endl;
    if (!r.passed()) {
      std::cerr << "hidewire conformance run: pack " << o.pack << " not passed: not every required test passed (failed, erred or skipped)\n";
      return kInvalid;
    }
  } catch (const std::exception& e) {
    std::cerr << "hidewire conformance run: " << e.what() << "\n";
    return kUsage;
  }
  return kOk;
}

// hidewire conformance locality --config FILE --report DIR
int locality(const Args& args) {
  std::string config, report;
  for (std::size_t i = 1; i + 1 < args.size(); i += 2) {
    if (args[i] == "--config") config = args[i + 1];
    else if (args[i] == "--report") report = args[i + 1];
    else config.clear(), i = args.size();
  }
  if (config.empty() || report.empty() || args.size() != 5) {
    std::cerr << "usage: hidewire conformance locality --config FILE --report DIR\n";
    return kUsage;
  }
  try {
    cs::Locality l = cs::read_locality(config);
    std::error_code ec;
    std::filesystem::create_directories(report, ec);
    for (const auto& [name, text] : {std::pair<const char*, std::string>{"locality.json", cs::locality_json(l)}, {"locality.html", cs::locality_html(l)}}) {
      std::string e;
      if (!write_output((std::filesystem::path(report) / name).string(), text, e)) throw std::runtime_error(e);
    }
    std::size_t missing = 0;
    for (const cs::LocalityNode& n : l.nodes) {
      if (!n.problem.empty() && !n.report.empty()) {
        ++missing;
        std::cerr << "hidewire conformance locality: " << n.name << ": " << n.problem << "\n";
      }
      if (!n.admin_problem.empty()) std::cerr << "hidewire conformance locality: " << n.name << ": " << n.admin_problem << "\n";
    }
    std::cout << "ambulance, NHS 111 and A&E nodes reading GP records: " << l.urgent_care_reading() << " of " << l.urgent_care() << "; nodes without a report: "
              << missing << "; reports in " << report << std::endl;
  } catch (const std::exception& e) {
    std::cerr << "hidewire conformance locality: " << e.what() << "\n";
    return kUnreadable;
  }
  return kOk;
}

}  // namespace

int run_conformance(const Args& args) {
  if (!args.empty() && args[0] == "list") return list(args);
  if (!args.empty() && args[0] == "run") return run(args);
  if (!args.empty() && args[0] == "locality") return locality(args);
  std::cerr << "usage: hidewire conformance list [--pack P] [--milestone M]\n       " << kRunUsage
            << "\n       hidewire conformance locality --config FILE --report DIR\n";
  return kUsage;
}

}  // namespace hidewire::cli
