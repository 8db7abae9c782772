// The patient indexes and the intake's matching stage: the node's own SQLite store (found by date
// of birth, exact or transposed), a PDS-style service over mutual TLS (a stub answering as PDS
// FHIR does), and HL7 v2 admissions without a usable NHS number keyed, held or resolved.
#include <doctest/doctest.h>

#include <unistd.h>

#include <filesystem>

#include "node/config.hpp"
#include "node/patient_tracing.hpp"
#include "plugins/patient_index/pds/pds_index.hpp"
#include "plugins/patient_index/store/store_index.hpp"
#include "plugins/registry.hpp"
#include "plugins/stores/sqlite/fhir_store.hpp"
#include "tests/federation/holders.hpp"

using namespace hidewire;
namespace fs = std::filesystem;

namespace {

std::string patient(const char* nhs, const char* family, const char* given, const char* dob, const char* postcode, const char* gender) {
  return std::string(R"({"resourceType":"Patient","identifier":[{"system":"https://fhir.nhs.uk/Id/nhs-number","value":")") + nhs +
         R"("}],"name":[{"family":")" + family + R"(","given":[")" + given + R"("]}],"gender":")" + gender + R"(","birthDate":")" + dob +
         R"(","address":[{"postalCode":")" + postcode + R"("}]})";
}

template <typename Factory>
auto build(Factory factory, const std::string& settings) {
  rapidjson::Document d;
  d.Parse(settings.c_str());
  std::vector<std::string> problems;
  node::PatientIndexBuilder b;
  {
    node::ConfigReader r(&d, "$", problems);
    b = factory(r);
  }
  if (!problems.empty()) throw std::runtime_error(problems.front());
  return b;
}

struct Store {
  fs::path dir = fs::temp_directory_path() / ("hw-match-" + std::to_string(::getpid()));
  std::unique_ptr<plugins::SqliteFhirStore> store;
  Store() {
    fs::create_directories(dir);
    store = std::make_unique<plugins::SqliteFhirStore>((dir / "fhir.db").string());
    store->create(patient("7477127823", "O'Neill-Brown", "Siobhán", "1984-04-03", "LS1 4AP", "female"));
    store->create(patient("4518471563", "Patel", "Amelia", "2015-09-12", "LE1 5WW", "female"));
    store->create(patient("4777778681", "Patel", "Amelie", "2015-09-12", "LE1 5WW", "female"));
    store->create(patient("9448549733", "Smith", "Mary", "1950-01-20", "BS1 5TR", "female"));
  }
  ~Store() { fs::remove_all(dir); }
  std::unique_ptr<matching::PatientIndex> index() const {
    return build(plugins::store_index::factory, R"({})")(node::StorageContext{dir.string()});
  }
};

std::string adt(const std::string& pid3, const std::string& name, const std::string& dob, const std::string& sex, const std::string& postcode) {
  return "MSH|^~\\&|PAS|RR8|HIDEWIRE|LTHT|20261203091502||ADT^A01^ADT_A01|M" + dob + name.substr(0, 3) + "|P|2.5.1\r"
         "EVN|A01|20261203091500\r"
         "PID|1||" + pid3 + "||" + name + "||" + dob + "|" + sex + "|||1 Park Row^^Leeds^^" + postcode + "^GBR^H\r"
         "PV1|1|I|RR8W07^Bed 12^Ward 7^RR8\r";
}

node::Conversion convert(const node::PatientTracing& tracing, const std::string& raw, const node::PatientResolution* resolution = nullptr) {
  static auto hl7v2 = plugins::make_converter("hl7v2");
  node::MessageInfo info{"pas", "hl7v2", "2026-12-03T09:15:02Z", "", nullptr};
  info.trace_patients = true;
  info.resolution = resolution;
  node::Conversion c = hl7v2->convert(raw, info);
  tracing.apply(c, info);
  return c;
}

}  // namespace

TEST_CASE("the store's index finds Patients by date of birth, as given or transposed") {
  Store s;
  auto index = s.index();
  matching::Demographics q{"", "Oneill Brown", {"Siobhan"}, "1984-03-04", "", "female"};
  auto found = index->candidates(q);
  REQUIRE(found.size() == 1);
  CHECK(found[0].person.nhs_number == "7477127823");
  CHECK(found[0].person.postcode == "LS1 4AP");
  CHECK_FALSE(found[0].verified);
  CHECK(found[0].reference.rfind("Patient/", 0) == 0);
  q.birth_date = "2015-09-12";
  CHECK(index->candidates(q).size() == 2);
  q.birth_date = "";
  CHECK(index->candidates(q).empty());
}

TEST_CASE("the intake's matching stage keys, holds, and applies an operator's answer") {
  Store s;
  std::vector<std::unique_ptr<matching::PatientIndex>> indexes;
  indexes.push_back(s.index());
  node::PatientTracing tracing(std::move(indexes), matching::Thresholds{}, "urn:hidewire:local-patient:RR8");

  SUBCASE("no NHS number, one patient matches: keyed, not traced with PDS (02)") {
    node::Conversion c = convert(tracing, adt("RR8-0012345^^^RR8^MR", "O'NEILL-BROWN^SIOBHAN", "19840403", "F", "LS1 4AP"));
    REQUIRE(c.status == node::Conversion::Status::Converted);
    CHECK(c.held.empty());
    CHECK(c.nhs_number == "7477127823");
    CHECK(c.bundle_json.find(R"("url":"Patient?identifier=https://fhir.nhs.uk/Id/nhs-number|7477127823")") != std::string::npos);
    CHECK(c.bundle_json.find(R"("code":"02")") != std::string::npos);
    CHECK(c.bundle_json.find("RR8-0012345") != std::string::npos);  // the local identifier kept beside it
  }
  SUBCASE("an NHS number failing Modulus 11 is traced instead of refused") {
    node::Conversion c = convert(tracing, adt("7477127824^^^NHS^NH", "ONEILL BROWN^SIOBHAN", "19840304", "F", "LS1 4AP"));
    REQUIRE(c.status == node::Conversion::Status::Converted);
    CHECK(c.nhs_number == "7477127823");
    CHECK(c.bundle_json.find("7477127824") == std::string::npos);
  }
  SUBCASE("twins at one address: held, keyed to neither") {
    node::Conversion c = convert(tracing, adt("RR8-0099^^^RR8^MR", "PATEL^AMELIA", "20150912", "F", "LE1 5WW"));
    REQUIRE(c.status == node::Conversion::Status::Converted);
    CHECK(c.held.rfind("ambiguous: store: 2 candidates", 0) == 0);
    CHECK(c.nhs_number.empty());
    CHECK(c.bundle_json.find("4518471563") == std::string::npos);
    CHECK(c.bundle_json.find("4777778681") == std::string::npos);
    matching::Demographics who;
    matching::Trace t = tracing.explain(c.bundle_json, who);
    CHECK(who.family == "PATEL");
    CHECK(t.ranked.size() == 2);
    node::PatientResolution r{"4777778681", false, 12};
    node::Conversion keyed = convert(tracing, adt("RR8-0099^^^RR8^MR", "PATEL^AMELIA", "20150912", "F", "LE1 5WW"), &r);
    CHECK(keyed.held.empty());
    CHECK(keyed.nhs_number == "4777778681");
    CHECK(keyed.bundle_json.find(R"("code":"02")") != std::string::npos);
  }
  SUBCASE("a patient the store knows by hospital number is keyed by it, unless the demographics disagree") {
    node::PatientResolution r{"9448549733", false, 5};
    node::Conversion first = convert(tracing, adt("RR8-5555^^^RR8^MR", "SMITH^MARY", "19500120", "F", "BS1 5TR"), &r);
    s.store->transaction(first.bundle_json);  // as the node stores it: her record now has the hospital number
    node::Conversion again = convert(tracing, adt("RR8-5555^^^RR8^MR", "SMITH^M", "19500120", "F", ""));
    CHECK(again.held.empty());  // by demographics alone an initial is not enough (68)
    CHECK(again.nhs_number == "9448549733");
    node::Conversion reused = convert(tracing, adt("RR8-5555^^^RR8^MR", "JONES^PETER", "19900101", "M", ""));
    CHECK(reused.nhs_number.empty());
    CHECK_FALSE(reused.held.empty());
  }
  SUBCASE("no fixed abode and no identifier: held, then recorded under a local identifier") {
    node::Conversion c = convert(tracing, adt("", "UNKNOWN^MALE", "", "M", "ZZ99 3VZ"));
    REQUIRE(c.status == node::Conversion::Status::Converted);
    CHECK(c.held.rfind("none: ", 0) == 0);
    node::PatientResolution r{"", true, 31};
    node::Conversion kept = convert(tracing, adt("", "UNKNOWN^MALE", "", "M", "ZZ99 3VZ"), &r);
    CHECK(kept.held.empty());
    CHECK(kept.bundle_json.find(R"("url":"Patient?identifier=urn:hidewire:local-patient:RR8|journal-31")") != std::string::npos);
  }
}

TEST_CASE("the PDS index asks as PDS FHIR is asked, over mutual TLS, and its numbers are verified") {
  using hw_fed_test::Holder;
  using hw_fed_test::pki;
  Holder pds("RXX", "national");  // the stub's certificate: the community CA signed it
  pds.open = true;
  std::vector<std::map<std::string, std::string>> asked;
  pds.answer = [&](const std::string& op, const http::Request& r, hw_fed_test::Reply reply) {
    asked.emplace_back(r.query.begin(), r.query.end());
    if (op != "Patient") return reply(Holder::json(404, "{}"));
    const auto& q = asked.back();
    if (q.count("family") && q.at("family") == "Down") return reply(Holder::json(503, "{}"));
    bool on_date = q.count("birthdate") && q.at("birthdate") == "eq1975-10-02";
    std::string entry = R"({"fullUrl":"https://pds/Patient/4402606624","search":{"score":1},"resource":)" +
                        patient("4402606624", "Hughes", "Gareth", "1975-10-02", "CF24 3AA", "male") + "}";
    reply(Holder::json(200, std::string(R"({"resourceType":"Bundle","type":"searchset","total":)") + (on_date ? "1" : "0") +
                                R"(,"entry":[)" + (on_date ? entry : "") + "]}"));
  };
  std::string settings = R"({"url":")" + pds.url() + R"(","tls":{"cert":")" + pki().file("rx9.crt") + R"(","key":")" +
                         pki().file("rx9.key") + R"(","ca":")" + pki().file("ca.crt") + R"("}})";
  auto index = build(plugins::pds_index::factory, settings)(node::StorageContext{"."});
  matching::Demographics q{"", "Hughes", {"Gaz"}, "1975-02-10", "CF24 3AA", "male"};
  auto found = index->candidates(q);  // first on the date given, then transposed
  REQUIRE(found.size() == 1);
  CHECK(found[0].verified);
  CHECK(found[0].person.nhs_number == "4402606624");
  REQUIRE(asked.size() == 2);
  CHECK(asked[0].at("family") == "Hughes");
  CHECK(asked[0].at("given") == "Gaz");
  CHECK(asked[0].at("birthdate") == "eq1975-02-10");
  CHECK(asked[0].at("address-postalcode") == "CF24 3AA");
  CHECK(asked[0].at("gender") == "male");
  CHECK(asked[1].at("birthdate") == "eq1975-10-02");
  // Through the intake's stage: nobody in the node's own store, so PDS is asked; its number is verified (01).
  Store s;
  std::vector<std::unique_ptr<matching::PatientIndex>> indexes;
  indexes.push_back(s.index());
  const matching::PatientIndex* pds_index = index.get();
  indexes.push_back(std::move(index));
  node::PatientTracing tracing(std::move(indexes), matching::Thresholds{}, "urn:hidewire:local-patient:RR8");
  node::Conversion c = convert(tracing, adt("RR8-0456^^^RR8^MR", "HUGHES^GARETH", "19751002", "M", "CF24 3AA"));
  CHECK(c.held.empty());
  CHECK(c.nhs_number == "4402606624");
  CHECK(c.bundle_json.find(R"("code":"01","display":"Number present and verified")") != std::string::npos);
  q.family = "Down";
  CHECK_THROWS_AS(pds_index->candidates(q), matching::IndexUnavailable);
  // PDS answering an error: held, with why, never keyed.
  node::Conversion down = convert(tracing, adt("RR8-0457^^^RR8^MR", "Down^GARETH", "19751002", "M", "CF24 3AA"));
  CHECK(down.nhs_number.empty());
  CHECK(down.held.find("pds: could not be asked: PDS answered HTTP 503") != std::string::npos);
  CHECK_THROWS_WITH(build(plugins::pds_index::factory, R"({"url":"http://pds.example"})"),
                    doctest::Contains("https://"));
}

TEST_CASE("the matching configuration: indexes by type, thresholds checked, problems named by their path") {
  auto config = [](const std::string& matching) {
    return R"({"node": {"name": "n", "ods_code": "RXX"}, "sources": [], "destinations": [{"name": "store", "type": "fhir-store"}],
               "unmatched": {"destinations": ["store"]}, "matching": )" + matching + "}";
  };
  node::NodeConfig c = node::parse_config(config(R"({"indexes": [{"type": "sqlite-store"}], "confident": 85})"), plugins::builtin());
  CHECK(c.matching.enabled);
  CHECK(c.matching.indexes.size() == 1);
  CHECK(c.matching.thresholds.confident == 85);
  CHECK(c.matching.local_system == "urn:hidewire:local-patient:RXX");
  std::string without = R"({"node": {"name": "n", "ods_code": "RXX"}, "sources": [], "destinations": [{"name": "store", "type": "fhir-store"}],
                             "unmatched": {"destinations": ["store"]}})";
  CHECK_FALSE(node::parse_config(without, plugins::builtin()).matching.enabled);
  auto problems = [&](const std::string& m) {
    try {
      node::parse_config(config(m), plugins::builtin());
    } catch (const node::ConfigError& e) {
      return std::string(e.what());
    }
    return std::string();
  };
  CHECK(problems(R"({})").find("$.matching.indexes") != std::string::npos);
  CHECK(problems(R"({"indexes": [{"type": "soundex"}]})").find("soundex") != std::string::npos);
  CHECK(problems(R"({"indexes": [{"type": "pds", "url": "http://pds.example", "tls": {"ca": "ca.crt"}}]})").find("https://") != std::string::npos);
  CHECK(problems(R"({"indexes": [{"type": "sqlite-store"}], "candidate": 90})").find("must not be above confident") != std::string::npos);
  CHECK(problems(R"({"indexes": [{"type": "sqlite-store", "colour": "red"}]})").find("colour") != std::string::npos);
}
