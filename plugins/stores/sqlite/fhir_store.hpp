// The SQLite FHIR store (the embedded default): current versions and history of every resource,
// identifiers and patient links indexed, in one private (0600) file in WAL mode.
#pragma once

#include <memory>
#include <mutex>
#include <string>
#include <vector>

#include "node/fhir_store.hpp"

struct sqlite3;

namespace hidewire::sqlite {
class StmtCache;
}

namespace hidewire::plugins {

using node::SearchParams;
using node::StoredResource;
using node::StoreError;
using node::InstantRange;
using node::SearchPage;

class SqliteFhirStore final : public node::FhirStore {
 public:
  explicit SqliteFhirStore(const std::string& path);  // throws StoreError(500, ...)
  ~SqliteFhirStore() override;
  SqliteFhirStore(const SqliteFhirStore&) = delete;
  SqliteFhirStore& operator=(const SqliteFhirStore&) = delete;

  StoredResource create(const std::string& resource_json) override;
  StoredResource update(const std::string& type, const std::string& id, const std::string& resource_json,
                        int if_match_version = 0) override;
  std::optional<StoredResource> read(const std::string& type, const std::string& id) override;
  std::optional<StoredResource> vread(const std::string& type, const std::string& id, int version) override;
  std::vector<StoredResource> history(const std::string& type, const std::string& id) override;
  node::SearchPage search(const std::string& type, const SearchParams& p) override;
  std::size_t count(const std::string& type) override;
  std::vector<StoredResource> everything(const std::string& patient_id) override;
  std::string transaction(const std::string& bundle_json, const std::string& once_key = {}) override;
  std::vector<BatchResult> transaction_batch(const std::vector<BatchItem>& items) override;

 private:
  struct Impl;
  std::string apply_locked(const std::string& bundle_json, const std::string& once_key);
  sqlite3* db_ = nullptr;
  std::unique_ptr<sqlite::StmtCache> stmts_;  // prepared once per connection
  std::recursive_mutex mu_;
  friend struct Impl;
};

}  // namespace hidewire::plugins
