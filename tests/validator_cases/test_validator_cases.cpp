// Agreement with the reference (Java) validator on the official validator test cases
// (tests/data/fhir-validator-r4, manifest-r4.json; outcomes/java). Per module it reports how
// many cases agree on valid / invalid and on the number of errors, for the base cases (no
// profile, no supporting files, no other options) and for the profile cases (the file against
// `profile.source`, the case's supporting files loaded). Cases in known-failures.txt are run
// and counted apart. The assertions are floors: agreement may rise, never fall.
#include <doctest/doctest.h>
#include <rapidjson/document.h>

#include <cstdio>
#include <filesystem>
#include <map>
#include <set>
#include <sstream>

#include "fhir/codec.hpp"
#include "fhir/validator.hpp"
#include "fhirpath/invariants.hpp"
#include "profiles/profile_validator.hpp"
#include "tests/fhir/test_support.hpp"

using namespace hidewire;

namespace {

const std::string kDir = "fhir-validator-r4/";

struct Tally {
  int cases = 0, valid_agree = 0, count_agree = 0;
};

struct Result {
  std::map<std::string, Tally> by_module;
  Tally total, known;
  int no_outcome = 0;  // cases whose Java outcome is not among the recorded ones
  std::vector<std::string> misses;
};

std::set<std::string> known_failures() {
  std::set<std::string> out;
  std::istringstream in(hw_test::read_file(std::string(HIDEWIRE_TEST_DATA) + "/../validator_cases/known-failures.txt"));
  for (std::string line; std::getline(in, line);)
    if (!line.empty() && line[0] != '#') out.insert(line.substr(0, line.find(' ')));
  return out;
}

// The Java validator's error count: issues of severity error or fatal.
int java_errors(const std::string& outcome_rel) {
  rapidjson::Document doc;
  std::string path = hw_test::data_path(kDir + "outcomes/" + outcome_rel);
  if (!std::filesystem::exists(path)) return -1;  // not recorded in outcomes/java
  doc.Parse(hw_test::read_file(path).c_str());
  if (doc.HasParseError() || !doc.IsObject() || !doc.HasMember("issue")) return doc.HasParseError() ? -1 : 0;
  int n = 0;
  for (const auto& is : doc["issue"].GetArray()) {
    std::string sev = is.HasMember("severity") ? is["severity"].GetString() : "";
    n += sev == "error" || sev == "fatal";
  }
  return n;
}

std::vector<std::string> strings(const rapidjson::Value& c, const char* key) {
  std::vector<std::string> out;
  if (c.HasMember(key) && c[key].IsArray())
    for (const auto& v : c[key].GetArray())
      if (v.IsString()) out.push_back(v.GetString());
  return out;
}

int our_errors(const std::string& file, const std::vector<std::string>& supporting, const std::string& profile_file,
               std::string& profile_url) {
  profiles::ProfileSet set;
  fhir::Diagnostics loading;
  for (const std::string& s : supporting) set.load(hw_test::data_path(kDir + s), loading);
  if (!profile_file.empty()) {
    set.load(hw_test::data_path(kDir + profile_file), loading);
    rapidjson::Document sd;
    sd.Parse(hw_test::read_file(hw_test::data_path(kDir + profile_file)).c_str());
    if (!sd.HasParseError() && sd.IsObject() && sd.HasMember("url")) profile_url = sd["url"].GetString();
  }
  set.compile(loading);
  fhir::Diagnostics d;
  fhir::Node root;
  std::string text = hw_test::read_file(hw_test::data_path(kDir + file));
  if (!fhir::parse_any(text, fhir::Schema::r4(), root, d)) return static_cast<int>(d.error_count());
  fhir::validate(root, fhir::Schema::r4(), d);
  fhirpath::check_invariants(root, fhir::Schema::r4(), d);
  std::vector<std::string> urls;
  if (!profile_url.empty()) urls.push_back(profile_url);
  profiles::validate_profiles(root, urls, set, d);
  return static_cast<int>(d.error_count());
}

void count(Result& r, const std::string& module, const std::string& name, bool known, int ours, int theirs) {
  if (theirs < 0) {
    ++r.no_outcome;
    return;
  }
  Tally& m = r.by_module[module];
  Tally& t = known ? r.known : r.total;
  bool valid_agree = (ours == 0) == (theirs == 0);
  bool count_agree = ours == theirs;
  for (Tally* x : {&m, &t}) {
    ++x->cases;
    x->valid_agree += valid_agree;
    x->count_agree += count_agree;
  }
  if (!valid_agree && !known)
    r.misses.push_back(name + " (" + module + "): hidewire " + std::to_string(ours) + " errors, Java " + std::to_string(theirs));
}

void report(const char* title, const Result& r) {
  std::printf("\n%s\n%-16s %6s %12s %12s\n", title, "module", "cases", "valid/inv.", "error count");
  for (const auto& [module, t] : r.by_module)
    std::printf("%-16s %6d %12d %12d\n", module.c_str(), t.cases, t.valid_agree, t.count_agree);
  std::printf("%-16s %6d %12d %12d  (%.0f%% agree on valid/invalid)\n", "total", r.total.cases, r.total.valid_agree,
              r.total.count_agree, r.total.cases ? 100.0 * r.total.valid_agree / r.total.cases : 0.0);
  std::printf("%-16s %6d %12d %12d\n", "known failures", r.known.cases, r.known.valid_agree, r.known.count_agree);
  std::printf("%-16s %6d (not compared)\n", "no Java outcome", r.no_outcome);
  for (const std::string& m : r.misses) std::printf("  miss: %s\n", m.c_str());
}

bool is_base_case(const rapidjson::Value& c) {
  for (const char* k : {"supporting", "profile", "profiles", "fetcher", "logical", "matchetype", "packages", "ips", "supporting5"})
    if (c.HasMember(k)) return false;
  std::string f = c["file"].GetString();
  return c.HasMember("java") && c["java"].IsString() && (f.ends_with(".json") || f.ends_with(".xml"));
}

}  // namespace

TEST_CASE("validator test cases: agreement with the Java validator") {
  rapidjson::Document manifest;
  manifest.Parse(hw_test::read_file(hw_test::data_path(kDir + "manifest-r4.json")).c_str());
  REQUIRE(!manifest.HasParseError());
  std::set<std::string> known = known_failures();
  Result base, prof;
  for (const auto& c : manifest["test-cases"].GetArray()) {
    std::string name = c["name"].GetString();
    std::string module = c.HasMember("module") ? c["module"].GetString() : "?";
    bool is_known = known.count(name) > 0;
    if (is_base_case(c)) {
      std::string none;
      count(base, module, name, is_known, our_errors(c["file"].GetString(), {}, {}, none), java_errors(c["java"].GetString()));
    }
    if (c.HasMember("profile") && c["profile"].IsObject() && c["profile"].HasMember("java") && c["profile"]["java"].IsString()) {
      std::string src = c["profile"]["source"].GetString();
      if (!std::filesystem::exists(hw_test::data_path(kDir + src))) continue;
      std::vector<std::string> supporting = strings(c, "supporting");
      for (const std::string& p : strings(c, "profiles")) supporting.push_back(p);
      std::string url;
      int ours = our_errors(c["file"].GetString(), supporting, src, url);
      count(prof, module, name, is_known, ours, java_errors(c["profile"]["java"].GetString()));
    }
  }
  report("Base cases (no profile, no supporting files):", base);
  report("Profile cases (against profile.source, supporting files loaded):", prof);
  // floors measured when the runner was written (docs/PROFILES.md has the figures)
  CHECK(base.total.cases == 166);
  CHECK(base.total.valid_agree >= 110);
  // outcomes/java holds no "-profile" outcomes, so the profile cases are listed, not compared
  CHECK(prof.total.valid_agree >= 0);
}
