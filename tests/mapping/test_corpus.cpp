// Every message of tests/data/hl7v2-corpus (batch files split into their messages) converts to a
// transaction Bundle with no error against the base R4 rules, and gives what its folder's
// expectations.tsv says (FHIRPath over the Bundle -> values). The corpus holds every message
// type issue 13 lists.
#include <doctest/doctest.h>

#include <algorithm>
#include <filesystem>
#include <map>
#include <set>
#include <sstream>

#include "fhir/codec.hpp"
#include "fhirpath/invariants.hpp"
#include "hl7v2/batch.hpp"
#include "hl7v2/message.hpp"
#include "mapping/engine/converter.hpp"
#include "tests/fhir/test_support.hpp"
#include "tests/mapping/eval_support.hpp"

using namespace hidewire;
using hw_test::Strings;

namespace {

struct Check {
  std::string expr;
  Strings expected;
  int line = 0;
};

// expectations.tsv: file[#N] TAB expression TAB value TAB value ...
std::map<std::string, std::vector<Check>> load_expectations(const std::filesystem::path& file) {
  std::map<std::string, std::vector<Check>> out;
  std::istringstream in(hw_test::read_file(file.string()));
  std::string line;
  for (int n = 1; std::getline(in, line); ++n) {
    if (line.empty() || line[0] == '#') continue;
    Strings cols;
    for (std::size_t at = 0;;) {
      std::size_t tab = line.find('\t', at);
      cols.push_back(line.substr(at, tab - at));
      if (tab == std::string::npos) break;
      at = tab + 1;
    }
    REQUIRE_MESSAGE(cols.size() >= 2, std::string(file.string() + ":" + std::to_string(n) + ": needs a file and an expression"));
    Strings values(cols.begin() + 2, cols.end());
    for (std::string& v : values)  // "\n" stands for a line break
      for (std::size_t at; (at = v.find("\\n")) != std::string::npos;) v.replace(at, 2, "\n");
    out[cols[0]].push_back({cols[1], std::move(values), n});
  }
  return out;
}

bool any_contains(const Strings& texts, const std::string& part) {
  return std::any_of(texts.begin(), texts.end(), [&](const std::string& t) { return t.find(part) != std::string::npos; });
}

}  // namespace

TEST_CASE("the UK sender corpus: every message converts to a valid Bundle with the expected resources and values") {
  std::filesystem::path root = hw_test::data_path("hl7v2-corpus");
  std::set<std::string> types;
  std::size_t messages = 0, checks = 0;
  std::vector<std::filesystem::path> folders;
  for (const auto& e : std::filesystem::directory_iterator(root))
    if (e.is_directory()) folders.push_back(e.path());
  std::sort(folders.begin(), folders.end());
  for (const auto& folder : folders) {
    REQUIRE_MESSAGE(std::filesystem::exists(folder / "expectations.tsv"), folder.string());
    auto expectations = load_expectations(folder / "expectations.tsv");
    std::set<std::string> seen;
    for (const std::string& path : hw_test::files_in("hl7v2-corpus/" + folder.filename().string(), ".hl7")) {
      std::string text = hw_test::read_file(path), name = std::filesystem::path(path).filename().string();
      bool batch = hl7v2::is_batch(text);
      std::vector<std::string_view> parts = batch ? hl7v2::split_batch(text).messages : std::vector<std::string_view>{text};
      for (std::size_t i = 0; i < parts.size(); ++i) {
        std::string key = batch ? name + "#" + std::to_string(i + 1) : name;
        CAPTURE(folder.filename().string() + "/" + key);
        ++messages;
        seen.insert(key);
        hl7v2::ParseError err;
        auto m = hl7v2::parse(parts[i], err);
        REQUIRE_MESSAGE(m, err.message);
        types.insert(std::string(m->message_code()) + "^" + std::string(m->trigger_event()));
        mapping::Conversion conv = mapping::convert(*m);
        REQUIRE_MESSAGE(conv.ok, hw_test::errors_text(conv.diagnostics));
        fhir::Node bundle;
        fhir::Diagnostics v;
        REQUIRE(fhir::parse_json(conv.bundle_json, fhir::Schema::r4(), bundle, v));
        fhir::validate(bundle, fhir::Schema::r4(), v);
        fhirpath::check_invariants(bundle, fhir::Schema::r4(), v);
        CHECK_MESSAGE(v.error_count() == 0, hw_test::errors_text(v));
        CHECK(hw_test::eval(bundle, "type") == Strings{"transaction"});
        CHECK(hw_test::eval(bundle, "entry.resource.ofType(Provenance).entity.what.identifier.value") ==
              Strings{std::string(m->control_id())});
        auto it = expectations.find(key);
        if (it == expectations.end()) {
          FAIL_CHECK("no check in expectations.tsv for " << key);
          continue;
        }
        Strings warnings;
        for (const fhir::Issue& w : conv.diagnostics.issues()) warnings.push_back(w.location + ": " + w.message);
        for (const Check& c : it->second) {
          CAPTURE(c.line);
          CAPTURE(c.expr);
          ++checks;
          if (c.expr == "@warning" || c.expr == "@unmapped") {
            for (const std::string& part : c.expected)
              CHECK_MESSAGE(any_contains(c.expr == "@warning" ? warnings : conv.unmapped, part), part);
            continue;
          }
          Strings got = hw_test::eval(bundle, c.expr);
          std::string shown;
          for (const std::string& g : got) shown += "[" + g + "] ";
          CHECK_MESSAGE(got == c.expected, "got " << shown);
        }
      }
    }
    for (const auto& [key, list] : expectations) CHECK_MESSAGE(seen.count(key), std::string("expectations.tsv names no message " + key));
  }
  MESSAGE(messages << " messages, " << checks << " checks");
  CHECK(messages >= 70);
  // Issue 13's list, and what a UK trust feed adds
  for (std::string t : {"ADT^A01", "ADT^A02", "ADT^A03", "ADT^A04", "ADT^A05", "ADT^A06", "ADT^A07", "ADT^A08", "ADT^A09",
                        "ADT^A10", "ADT^A11", "ADT^A13", "ADT^A14", "ADT^A15", "ADT^A16", "ADT^A25", "ADT^A26", "ADT^A27",
                        "ADT^A28", "ADT^A29", "ADT^A31", "ADT^A40", "ADT^A41", "ADT^A45", "ADT^A47", "ADT^A60", "ADT^A44",
                        "ADT^A54", "ADT^A55", "BAR^P01", "BAR^P02", "BAR^P12", "DFT^P03", "DFT^P11", "MDM^T01", "MDM^T02",
                        "MDM^T05", "MDM^T06", "MDM^T09", "MDM^T10", "OMG^O19", "OML^O21", "ORM^O01", "ORU^R01", "OUL^R22",
                        "OUL^R23", "OUL^R24", "RDE^O11", "RDE^O25", "RDS^O13", "REF^I12", "REF^I14", "SIU^S12", "SIU^S13",
                        "SIU^S14", "SIU^S15", "SIU^S16", "SIU^S17", "SIU^S26", "VXU^V04", "PPR^PC1", "PPR^PC2", "PPR^PC3"})
    CHECK_MESSAGE(types.count(t), std::string("the corpus has no " + t));
}
