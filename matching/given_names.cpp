// Common English given-name variants, as data: each row is the usual form, then the names that
// stand for it in records (nicknames, short forms, spellings). Folded (lower case, no diacritics).
// A name in two rows (e.g. "alex") keeps the first: the table says which is meant more often.
#include <map>
#include <string>

#include "matching/normalise.hpp"

namespace hidewire::matching {
namespace {

constexpr const char* kVariants[][8] = {
    {"william", "bill", "billy", "will", "willie", "liam", nullptr},
    {"margaret", "peggy", "maggie", "meg", "megan", "marge", "margo", nullptr},
    {"robert", "bob", "bobby", "rob", "robbie", "bert", nullptr},
    {"elizabeth", "liz", "lizzie", "beth", "betty", "eliza", "bess", nullptr},
    {"richard", "dick", "rick", "ricky", "richie", nullptr},
    {"edward", "ed", "eddie", "ted", "teddy", "ned", nullptr},
    {"catherine", "kate", "katie", "cathy", "kathryn", "katherine", "kath", nullptr},
    {"james", "jim", "jimmy", "jamie", nullptr},
    {"john", "jack", "johnny", "jon", nullptr},
    {"alexander", "alex", "sandy", "alexandra", nullptr},
    {"anthony", "tony", "antony", nullptr},
    {"christopher", "chris", "kit", nullptr},
    {"michael", "mike", "mick", "mickey", nullptr},
    {"thomas", "tom", "tommy", nullptr},
    {"joseph", "joe", "joey", nullptr},
    {"daniel", "dan", "danny", nullptr},
    {"david", "dave", "davy", nullptr},
    {"stephen", "steven", "steve", nullptr},
    {"patricia", "pat", "patsy", "trish", nullptr},
    {"susan", "sue", "susie", "suzanne", nullptr},
    {"deborah", "debbie", "debra", "deb", nullptr},
    {"rebecca", "becky", "becca", nullptr},
    {"jennifer", "jenny", "jen", nullptr},
    {"victoria", "vicky", "vikki", "tori", nullptr},
    {"mary", "molly", "polly", "mae", nullptr},
    {"sarah", "sara", "sally", nullptr},
    {"dorothy", "dot", "dolly", "dottie", nullptr},
    {"frederick", "fred", "freddie", nullptr},
    {"henry", "harry", "hal", nullptr},
    {"charles", "charlie", "chas", "chuck", nullptr},
    {"benjamin", "ben", "benny", nullptr},
    {"samuel", "sam", "sammy", nullptr},
    {"nicholas", "nick", "nicky", nullptr},
    {"matthew", "matt", nullptr},
    {"andrew", "andy", "drew", nullptr},
    {"peter", "pete", nullptr},
    {"gareth", "gaz", nullptr},
    {"siobhan", "shivaun", "shevaun", nullptr},
    {"mohammed", "muhammad", "mohammad", "mohamed", "muhammed", nullptr},
};

const std::map<std::string, std::string>& table() {
  static const std::map<std::string, std::string> t = [] {
    std::map<std::string, std::string> out;
    for (const auto& row : kVariants)
      for (int i = 1; i < 8 && row[i]; ++i) out.emplace(row[i], row[0]);
    return out;
  }();
  return t;
}

}  // namespace

std::string usual_given_name(std::string_view folded) {
  auto it = table().find(std::string(folded));
  return it == table().end() ? std::string(folded) : it->second;
}

}  // namespace hidewire::matching
