// Names, given-name variants and postcodes as the matcher compares them.
#include <doctest/doctest.h>

#include "matching/demographics.hpp"
#include "matching/normalise.hpp"

using namespace hidewire::matching;

TEST_CASE("names are folded: case, diacritics, apostrophes, hyphens") {
  struct Row {
    const char* in;
    const char* out;
  };
  for (const Row& r : std::initializer_list<Row>{
           {"Siobhán O'Neill-Brown", "siobhan oneill brown"},
           {"Siobhan Oneill Brown", "siobhan oneill brown"},
           {"  ZOË   Ó’Ceallaigh ", "zoe oceallaigh"},
           {"José García-Núñez", "jose garcia nunez"},
           {"Łukasz Wójcik", "lukasz wojcik"},
           {"Strauß", "strauss"},
           {"Ærin Øvrebø", "aerin ovrebo"},
           {"Rene\xCC\x81", "rene"},  // e + combining acute (decomposed)
           {"St. John-Smythe", "st john smythe"},
           {"", ""},
       }) {
    CAPTURE(r.in);
    CHECK(fold_name(r.in) == r.out);
  }
  CHECK(name_tokens("O'Neill-Brown") == std::vector<std::string>{"oneill", "brown"});
}

TEST_CASE("common given-name variants come to their usual form") {
  struct Row {
    const char* name;
    const char* usual;
  };
  for (const Row& r : std::initializer_list<Row>{
           {"bill", "william"}, {"peggy", "margaret"}, {"bob", "robert"}, {"liz", "elizabeth"}, {"harry", "henry"},
           {"william", "william"}, {"aoife", "aoife"},
       }) {
    CAPTURE(r.name);
    CHECK(usual_given_name(r.name) == r.usual);
  }
}

TEST_CASE("postcodes are written one way, and what is not one is none") {
  struct Row {
    const char* in;
    const char* out;
  };
  for (const Row& r : std::initializer_list<Row>{
           {"ls1 4ap", "LS1 4AP"}, {"LS14AP", "LS1 4AP"}, {" sw1a 1aa", "SW1A 1AA"}, {"M1 1AE", "M1 1AE"}, {"b33 8th", "B33 8TH"},
           {"CR2 6XH", "CR2 6XH"}, {"DN55 1PT", "DN55 1PT"}, {"NFA", ""}, {"zz99 3vz", "ZZ99 3VZ"}, {"12345", ""}, {"LS1-4AP", ""}, {"", ""},
       }) {
    CAPTURE(r.in);
    CHECK(normalise_postcode(r.in) == r.out);
  }
  CHECK(outward_code("SW1A 1AA") == "SW1A");
}

TEST_CASE("a date of birth with day and month transposed") {
  CHECK(transposed_birth_date("1984-04-03") == "1984-03-04");
  CHECK(transposed_birth_date("1984-04-04").empty());
  CHECK(transposed_birth_date("1984-04-13").empty());  // no 13th month
  CHECK(transposed_birth_date("1984-04").empty());
}

TEST_CASE("edit distance stops at its limit") {
  CHECK(edit_distance("smith", "smyth") == 1);
  CHECK(edit_distance("smith", "smith") == 0);
  CHECK(edit_distance("jones", "jnoes") == 1);  // two letters swapped: one edit
  CHECK(edit_distance("jack", "jakc") == 1);
  CHECK(edit_distance("abcd", "badc") == 2);
  CHECK(edit_distance("smith", "jones", 2) == 3);
}

TEST_CASE("demographics are read from a UK Core Patient") {
  rapidjson::Document d;
  d.Parse(R"({"resourceType":"Patient","identifier":[{"system":"https://fhir.rcb.nhs.uk/Id/pas-number","value":"RCB123"},
    {"system":"https://fhir.nhs.uk/Id/nhs-number","value":"9434765918"}],
    "name":[{"use":"usual","family":"Bill","given":["Billy"]},{"use":"official","family":"O'Neill-Brown","given":["Siobhán","Mary"]}],
    "gender":"female","birthDate":"1984-04-03","address":[{"line":["No fixed abode"]},{"postalCode":"ls1 4ap"}]})");
  Demographics p = demographics_of(d);
  CHECK(p.nhs_number == "9434765918");
  CHECK(p.family == "O'Neill-Brown");
  CHECK(p.given == std::vector<std::string>{"Siobhán", "Mary"});
  CHECK(p.birth_date == "1984-04-03");
  CHECK(p.postcode == "LS1 4AP");
  CHECK(p.gender == "female");
}
