// The FHIR API's search parameters read into the store's SearchParams: identifier, patient
// (subject), _lastUpdated with the FHIR prefixes, _count (capped at kMaxCount), _summary=count,
// and _page_after, the cursor a `next` link carries (paging is by key, so there is no _offset).
#pragma once

#include <map>
#include <string>
#include <string_view>

#include "node/fhir_store.hpp"

namespace hidewire::http {

inline constexpr int kDefaultCount = 50;
inline constexpr int kMaxCount = 1000;

struct SearchQuery {
  node::SearchParams params;
  std::string error;         // set: the query is refused (400) with this
  std::string error_code;    // its OperationOutcome issue code
  std::string id;            // _id, answered by a read
  bool by_id = false;
  int capped_from = 0;       // a _count above kMaxCount that was capped
};

SearchQuery read_search_query(const std::multimap<std::string, std::string>& query);

// The instants a FHIR date, dateTime or instant of any precision covers, [from, before), in UTC
// and written as the store writes instants (a time without a zone is taken as UTC). False, with
// the reason in `why`, when `v` is not one.
bool date_range(std::string_view v, std::string& from, std::string& before, std::string& why);

// A _lastUpdated value ("ge2026-11", "2026-11-24T09:15:00Z", ...) as a condition on the store.
bool last_updated_range(std::string_view v, node::InstantRange& out, std::string& why);

// The query string of the next page: the same parameters with the cursor, percent-encoded.
std::string next_query(const std::multimap<std::string, std::string>& query, int count, const std::string& cursor);

}  // namespace hidewire::http
