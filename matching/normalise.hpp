// Demographics as a matcher compares them: names folded (case, diacritics, apostrophes, hyphens),
// given names to their usual form (Bill -> william, Peggy -> margaret), postcodes written one way.
#pragma once

#include <string>
#include <string_view>
#include <vector>

namespace hidewire::matching {

// "Siobhán O'Neill-Brown" -> "siobhan oneill brown": lower case, Latin diacritics folded (ß -> ss,
// æ -> ae, ø -> o), apostrophes dropped, hyphens, dots and commas as spaces, spaces collapsed.
std::string fold_name(std::string_view utf8);
// The folded name's words: "oneill", "brown".
std::vector<std::string> name_tokens(std::string_view utf8);
// A folded given name's usual form from the variants table (given_names.cpp): "bill" -> "william";
// a name not in the table is its own.
std::string usual_given_name(std::string_view folded);
// "ls1 4ap", "LS14AP", " ls1  4AP" -> "LS1 4AP"; empty when it is not shaped as a UK postcode.
std::string normalise_postcode(std::string_view text);
// The outward code: "LS1 4AP" -> "LS1" (of a normalised postcode).
std::string_view outward_code(std::string_view postcode);
// Edit distance counting two neighbouring letters swapped as one edit (optimal string alignment),
// stopping early above `limit` (returns limit + 1 then).
int edit_distance(std::string_view a, std::string_view b, int limit = 2);

}  // namespace hidewire::matching
