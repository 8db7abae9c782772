// The scored match, table-driven over a small UK population with the collisions that matter:
// diacritics and hyphens, nicknames, transposed dates of birth, twins at one address, common
// names, a typo, no fixed abode. Then the tracer over two indexes, and keying a Bundle.
#include <doctest/doctest.h>

#include "fhir/json_numbers.hpp"
#include "matching/bundle_patient.hpp"
#include "matching/tracer.hpp"

using namespace hidewire::matching;

namespace {

Demographics person(const char* nhs, const char* family, std::vector<std::string> given, const char* dob, const char* postcode,
                    const char* gender) {
  return Demographics{nhs, family, std::move(given), dob, postcode, gender};
}

// Valid NHS numbers (Modulus 11), UK postcodes.
std::vector<Candidate> population() {
  std::vector<Demographics> people = {
      person("7477127823", "O'Neill-Brown", {"Siobhán"}, "1984-04-03", "LS1 4AP", "female"),
      person("5619730697", "Jones", {"William", "Arthur"}, "1947-11-23", "CF10 1EP", "male"),
      person("8239384994", "Evans", {"Margaret"}, "1938-06-30", "SA1 1NW", "female"),
      person("4518471563", "Patel", {"Amelia"}, "2015-09-12", "LE1 5WW", "female"),  // twins, one address
      person("4777778681", "Patel", {"Amelie"}, "2015-09-12", "LE1 5WW", "female"),
      person("9753989229", "Khan", {"Oliver"}, "2019-02-01", "B11 1AA", "male"),  // twins of either sex
      person("5010713640", "Khan", {"Olivia"}, "2019-02-01", "B11 1AA", "female"),
      person("7926554863", "Smith", {"John"}, "1962-05-14", "M1 1AE", "male"),  // a common name, same birthday, two towns
      person("4622758695", "Smith", {"John"}, "1962-05-14", "NE1 4ST", "male"),
      person("9448549733", "Smith", {"Mary"}, "1950-01-20", "BS1 5TR", "female"),
      person("", "Wójcik", {"Łukasz", "Jan"}, "1990-07-07", "", "male"),  // a local patient with no NHS number
  };
  std::vector<Candidate> out;
  for (Demographics& d : people) out.push_back({std::move(d), false, "store", ""});
  return out;
}

}  // namespace

TEST_CASE("the scored match over a UK population") {
  struct Row {
    const char* what;
    Demographics query;
    MatchResult::Kind kind;
    const char* nhs;  // the one keyed to, when confident
  };
  using K = MatchResult::Kind;
  const std::vector<Row> rows = {
      {"diacritics, apostrophe and hyphen", person("", "Oneill Brown", {"Siobhan"}, "1984-04-03", "LS1 4AP", "female"), K::Confident, "7477127823"},
      {"day and month transposed", person("", "O'NEILL-BROWN", {"SIOBHAN"}, "1984-03-04", "LS1 4AP", "female"), K::Confident, "7477127823"},
      {"a nickname: Bill for William", person("", "Jones", {"Bill"}, "1947-11-23", "CF10 1EP", "male"), K::Confident, "5619730697"},
      {"a nickname: Peggy for Margaret, postcode unspaced", person("", "evans", {"Peggy"}, "1938-06-30", "SA1 1NW", ""), K::Confident, "8239384994"},
      {"a typo in the family name", person("", "Smyth", {"Mary"}, "1950-01-20", "BS1 5TR", "female"), K::Confident, "9448549733"},
      {"twins at one address, names a letter apart", person("", "Patel", {"Amelia"}, "2015-09-12", "LE1 5WW", "female"), K::Ambiguous, ""},
      {"twins at one address, no given name", person("", "Patel", {}, "2015-09-12", "LE1 5WW", "female"), K::Ambiguous, ""},
      {"twins of either sex are told apart", person("", "Khan", {"Oliver"}, "2019-02-01", "B11 1AA", "male"), K::Confident, "9753989229"},
      {"a common name and birthday, no postcode to tell", person("", "Smith", {"John"}, "1962-05-14", "", "male"), K::Ambiguous, ""},
      {"a common name and birthday, the postcode tells", person("", "Smith", {"John"}, "1962-05-14", "NE1 4ST", "male"), K::Confident, "4622758695"},
      {"the same name, another date of birth", person("", "Smith", {"Mary"}, "1971-08-02", "BS1 5TR", "female"), K::None, ""},
      {"somebody the node has never seen", person("", "Price", {"Gwen"}, "1999-12-31", "LL11 1AA", "female"), K::None, ""},
      {"no fixed abode, the one match has no NHS number", person("", "Wojcik", {"Lukasz", "Jan"}, "1990-07-07", "", "male"), K::Ambiguous, ""},
      {"no fixed abode: name, birth date and sex alone are not enough", person("", "Wojcik", {"Lukasz"}, "1990-07-07", "", "male"), K::None, ""},
      {"the same NHS number decides", person("9448549733", "Smith", {"M"}, "1950-01-20", "", ""), K::Confident, "9448549733"},
  };
  for (const Row& r : rows) {
    std::string what = r.what;
    CAPTURE(what);
    MatchResult m = decide(r.query, population(), Thresholds{});
    CAPTURE(m.reason);
    CHECK(std::string(kind_name(m.kind)) == kind_name(r.kind));
    if (r.kind == K::Confident) {
      REQUIRE(!m.ranked.empty());
      CHECK(m.ranked.front().candidate.person.nhs_number == r.nhs);
    }
    if (r.kind == K::Ambiguous) CHECK(m.ranked.size() >= 1);
  }
}

TEST_CASE("the score's parts") {
  Score s = score(person("", "Oneill Brown", {"Siobhan"}, "1984-03-04", "LS1 9ZZ", "female"),
                  person("7477127823", "O'Neill-Brown", {"Siobhán"}, "1984-04-03", "LS1 4AP", "female"));
  CHECK(s.family == 30);
  CHECK(s.given == 20);
  CHECK(s.birth_date == 18);
  CHECK(s.postcode == 6);  // the same outward code
  CHECK(s.gender == 5);
  CHECK(s.total == 79);
  CHECK_FALSE(s.nhs_number);
}

namespace {

struct FixedIndex final : PatientIndex {
  std::string label;
  std::vector<Candidate> people;
  bool down = false;
  std::vector<Candidate> candidates(const Demographics&) const override {
    if (down) throw IndexUnavailable("connection refused");
    return people;
  }
  std::string name() const override { return label; }
};

}  // namespace

TEST_CASE("the tracer asks the node's index first, then PDS, and holds what neither settles") {
  FixedIndex store, pds;
  store.label = "store";
  pds.label = "pds";
  store.people = population();
  pds.people = {{person("4402606624", "Hughes", {"Gareth"}, "1975-10-02", "CF24 3AA", "male"), true, "pds", ""}};
  Thresholds t;
  Trace local = trace(person("", "Jones", {"Bill"}, "1947-11-23", "CF10 1EP", "male"), {&store, &pds}, t);
  CHECK(local.kind == MatchResult::Kind::Confident);
  CHECK(local.nhs_number == "5619730697");
  CHECK_FALSE(local.verified);
  Trace spine = trace(person("", "Hughes", {"Gaz"}, "1975-10-02", "CF24 3AA", "male"), {&store, &pds}, t);
  CHECK(spine.kind == MatchResult::Kind::Confident);
  CHECK(spine.nhs_number == "4402606624");
  CHECK(spine.verified);
  Trace twins = trace(person("", "Patel", {"Amelia"}, "2015-09-12", "LE1 5WW", "female"), {&store, &pds}, t);
  CHECK(twins.kind == MatchResult::Kind::Ambiguous);
  CHECK(twins.nhs_number.empty());
  CHECK(twins.ranked.size() == 2);
  pds.down = true;
  Trace down = trace(person("", "Hughes", {"Gareth"}, "1975-10-02", "CF24 3AA", "male"), {&store, &pds}, t);
  CHECK(down.kind == MatchResult::Kind::None);
  CHECK(down.reason.find("pds: could not be asked: connection refused") != std::string::npos);
  CHECK(trace(person("", "Hughes", {"Gareth"}, "1975-10-02", "", ""), {}, t).reason == "no patient index configured");
}

TEST_CASE("a traced Bundle is keyed to the NHS number with its verification status, numbers kept") {
  rapidjson::Document b;
  REQUIRE(hidewire::fhir::json::parse(R"({"resourceType":"Bundle","type":"transaction","entry":[
    {"fullUrl":"urn:uuid:1","resource":{"resourceType":"Patient","identifier":[{"system":"https://fhir.nhs.uk/Id/nhs-number","value":"9434765918"},
      {"system":"https://fhir.rcb.nhs.uk/Id/pas-number","value":"RCB123"}]},
     "request":{"method":"PUT","url":"Patient?identifier=https://fhir.rcb.nhs.uk/Id/pas-number|RCB123"}},
    {"fullUrl":"urn:uuid:2","resource":{"resourceType":"Observation","valueQuantity":{"value":1.50}},"request":{"method":"POST","url":"Observation"}}]})",
                                     b));
  rapidjson::Value* e = patient_entry(b);
  REQUIRE(e);
  CHECK(drop_invalid_nhs_numbers(*e, b.GetAllocator()) == 1);
  key_to_nhs_number(*e, "5619730697", kVerified, b.GetAllocator());
  std::string out = hidewire::fhir::json::write(b);
  CHECK(out.find(R"("url":"Patient?identifier=https://fhir.nhs.uk/Id/nhs-number|5619730697")") != std::string::npos);
  CHECK(out.find(R"("code":"01","display":"Number present and verified")") != std::string::npos);
  CHECK(out.find("9434765918") == std::string::npos);
  CHECK(out.find("RCB123\"}") != std::string::npos);  // the local identifier kept
  CHECK(out.find(R"("value":1.50)") != std::string::npos);
  rapidjson::Document nfa;
  nfa.Parse(R"({"resourceType":"Bundle","entry":[{"resource":{"resourceType":"Patient"},"request":{"method":"POST","url":"Patient"}}]})");
  CHECK(add_local_identifier(*patient_entry(nfa), "urn:hidewire:local-patient:RCB", "journal-7", nfa.GetAllocator()));
  CHECK(hidewire::fhir::json::write(nfa).find(R"("request":{"method":"PUT","url":"Patient?identifier=urn:hidewire:local-patient:RCB|journal-7"})") !=
        std::string::npos);
}
