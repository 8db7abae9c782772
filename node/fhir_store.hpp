// FhirStore: the node's FHIR resources, current versions and history, searchable by identifier
// (the NHS number above all), patient and last update. Transactions are all or nothing. SQLite is
// the first implementation (plugins/stores/sqlite); nothing here is SQLite's, so a PostgreSQL
// store can follow behind the same interface.
#pragma once

#include <cstdint>
#include <optional>
#include <stdexcept>
#include <string>
#include <string_view>
#include <vector>

#include "node/storage.hpp"

namespace hidewire::node {

// A request the store refuses, with the HTTP status a REST API should answer.
struct StoreError : std::runtime_error {
  StoreError(int status, const std::string& msg) : std::runtime_error(msg), http_status(status) {}
  int http_status;
};

struct StoredResource {
  std::string type, id;
  int version = 0;
  std::string last_updated;  // FHIR instant
  bool deleted = false;
  std::string json;          // with id and meta.versionId / meta.lastUpdated set
};

// Resources last updated in [from, before) (or outside it): UTC instants as the store writes
// them (2026-11-24T09:15:02.125Z), compared as text; an empty bound is open.
struct InstantRange {
  std::string from, before;
  bool outside = false;
};

struct SearchParams {
  std::string identifier_system, identifier_value;  // identifier=system|value
  std::string patient;                               // patient=Patient/<id> or <id>
  std::vector<InstantRange> last_updated;            // all must hold
  int count = 50;                                    // page size; 0: only the total
  std::string page_after;                            // SearchPage::next of the page before; empty: the first
};

// One page, in the order of (lastUpdated, id): paged by key, not offset, so every match is
// reached once however many there are, and resources written meanwhile do not shift the pages.
struct SearchPage {
  std::vector<StoredResource> resources;
  std::string next;       // opaque cursor for the next page; empty on the last
  std::size_t total = 0;  // every match: counted only when count is 0
};

// The version an ETag names (If-Match, request.ifMatch): W/"3", "3" or 3 -> 3; 0 when it names
// none (malformed or not positive): the caller answers 400.
inline int version_of_etag(std::string_view etag) {
  if (etag.substr(0, 2) == "W/") etag.remove_prefix(2);
  if (etag.size() >= 2 && etag.front() == '"' && etag.back() == '"') etag = etag.substr(1, etag.size() - 2);
  if (etag.empty() || etag.size() > 9) return 0;
  int v = 0;
  for (char c : etag) {
    if (c < '0' || c > '9') return 0;
    v = v * 10 + (c - '0');
  }
  return v;
}

class FhirStore {
 public:
  virtual ~FhirStore() = default;

  virtual StoredResource create(const std::string& resource_json) = 0;
  // With `if_match_version` (from If-Match: W/"3"; 0: none), only when that is the current
  // version: otherwise StoreError(412), checked in the same transaction as the write.
  virtual StoredResource update(const std::string& type, const std::string& id, const std::string& resource_json,
                                int if_match_version = 0) = 0;
  virtual std::optional<StoredResource> read(const std::string& type, const std::string& id) = 0;
  virtual std::optional<StoredResource> vread(const std::string& type, const std::string& id, int version) = 0;
  virtual std::vector<StoredResource> history(const std::string& type, const std::string& id) = 0;
  virtual SearchPage search(const std::string& type, const SearchParams& p) = 0;  // StoreError(400) for a bad cursor
  virtual std::size_t count(const std::string& type) = 0;
  // The patient and every resource linked to it (subject/patient), for Patient/$everything.
  virtual std::vector<StoredResource> everything(const std::string& patient_id) = 0;

  // Processes a transaction Bundle (JSON): urn:uuid fullUrls get ids and every reference to them
  // is rewritten; PUT Type?identifier=system|value updates the one match or creates; POST with
  // ifNoneExist creates only when nothing matches; a PUT with request.ifMatch (W/"3") only
  // writes over that version (else 412). All entries commit together or none does.
  // Returns the transaction-response Bundle (JSON).
  // With `once_key` (e.g. "journal:42"), a transaction already applied under that key is not
  // applied again: its first response is returned. The key is written in the same transaction
  // as the resources, so a delivery retried after a crash lands exactly once.
  virtual std::string transaction(const std::string& bundle_json, const std::string& once_key = {}) = 0;

  // Group commit for the node's delivery: each Bundle is applied as its own all-or-nothing unit
  // and all of them commit together (one sync). A Bundle the store refuses does not hold back
  // the others: its result carries the error. When the store cannot write at all (a full disk)
  // it throws StorageUnavailable and none of them is applied.
  struct BatchItem {
    const std::string* bundle_json;
    std::string once_key;
  };
  struct BatchResult {
    bool ok = false;
    std::string error;
    int status = 500;  // of a refusal: the StoreError's HTTP status (4xx: refused for its content)
  };
  virtual std::vector<BatchResult> transaction_batch(const std::vector<BatchItem>& items) = 0;
};

}  // namespace hidewire::node
