#include "plugins/stores/sqlite/fhir_store.hpp"

#include <chrono>
#include <cstdio>
#include <mutex>
#include <random>

#include "plugins/stores/sqlite/fhir_store_impl.hpp"

namespace hidewire::plugins {

using sqlite::exec;
using sqlite::Stmt;

namespace detail {

// Ids that sort by creation time (milliseconds, a counter, then randomness, like a ULID): new
// rows land at the right-hand end of every index instead of on a random page, which made each
// group commit write a page per index per resource.
std::string new_id() {
  static std::mt19937_64 rng{std::random_device{}()};
  static std::mutex mu;
  static unsigned long long last_ms = 0, counter = 0;
  std::lock_guard lock(mu);
  auto ms = static_cast<unsigned long long>(
      std::chrono::duration_cast<std::chrono::milliseconds>(std::chrono::system_clock::now().time_since_epoch()).count());
  if (ms <= last_ms) {
    ms = last_ms;
    ++counter;
  } else {
    last_ms = ms;
    counter = 0;
  }
  char buf[48];
  std::snprintf(buf, sizeof buf, "%012llx%06llx%014llx", ms & 0xffffffffffffULL, counter & 0xffffffULL,
                static_cast<unsigned long long>(rng()) & 0xffffffffffffffULL);
  return buf;
}

}  // namespace detail

using detail::new_id;
using detail::parse_resource;

SqliteFhirStore::SqliteFhirStore(const std::string& path) {
  try {
    db_ = sqlite::open_private(path, "store");
  } catch (const sqlite::SqliteError& e) {
    throw StoreError(500, e.what());
  }
  stmts_ = std::make_unique<sqlite::StmtCache>(db_);
  // The small tables are WITHOUT ROWID: keyed by their primary key alone, so each write updates
  // one b-tree fewer. Bodies (history) keep their rowid: they are large and appended.
  exec(db_, "PRAGMA journal_mode=WAL; PRAGMA synchronous=FULL; PRAGMA temp_store=MEMORY;"
            "CREATE TABLE IF NOT EXISTS resources(type TEXT, id TEXT, version INTEGER, last_updated TEXT, deleted INTEGER, json TEXT,"
            " PRIMARY KEY(type, id)) WITHOUT ROWID;"
            "CREATE TABLE IF NOT EXISTS history(type TEXT, id TEXT, version INTEGER, last_updated TEXT, deleted INTEGER, json TEXT,"
            " PRIMARY KEY(type, id, version));"
            "CREATE TABLE IF NOT EXISTS identifiers(type TEXT, id TEXT, system TEXT, value TEXT,"
            " PRIMARY KEY(type, id, system, value)) WITHOUT ROWID;"
            "DROP INDEX IF EXISTS identifiers_by_value;"
            // Value first: with type first the planner chose the by-resource index and scanned every
            // identifier of the type on each conditional create.
            "CREATE INDEX IF NOT EXISTS identifiers_by_value_v2 ON identifiers(value, system, type);"
            "CREATE TABLE IF NOT EXISTS patient_links(type TEXT, id TEXT, patient TEXT, PRIMARY KEY(type, id)) WITHOUT ROWID;"
            "CREATE INDEX IF NOT EXISTS patient_links_by_patient ON patient_links(patient);"
            "CREATE TABLE IF NOT EXISTS applied(once_key TEXT PRIMARY KEY, response TEXT);");
  // (Stores made before identifiers had a primary key keep the by-resource index made then.)
}

SqliteFhirStore::~SqliteFhirStore() {
  stmts_.reset();  // statements are finalised before the connection closes
  sqlite3_close(db_);
}

StoredResource SqliteFhirStore::create(const std::string& json) {
  std::lock_guard lock(mu_);
  rapidjson::Document d = parse_resource(json);
  std::string type = d["resourceType"].GetString();
  exec(db_, "BEGIN IMMEDIATE");
  try {
    StoredResource r = Impl::put(*stmts_, d, type, new_id());
    exec(db_, "COMMIT");
    return r;
  } catch (...) {
    exec(db_, "ROLLBACK");
    throw;
  }
}

StoredResource SqliteFhirStore::update(const std::string& type, const std::string& id, const std::string& json) {
  std::lock_guard lock(mu_);
  rapidjson::Document d = parse_resource(json);
  if (type != d["resourceType"].GetString()) throw StoreError(400, "resourceType does not match the URL");
  if (d.HasMember("id") && d["id"].IsString() && id != d["id"].GetString()) throw StoreError(400, "id in the body does not match the URL");
  exec(db_, "BEGIN IMMEDIATE");
  try {
    StoredResource r = Impl::put(*stmts_, d, type, id);
    exec(db_, "COMMIT");
    return r;
  } catch (...) {
    exec(db_, "ROLLBACK");
    throw;
  }
}

std::optional<StoredResource> SqliteFhirStore::read(const std::string& type, const std::string& id) {
  std::lock_guard lock(mu_);
  Stmt s(*stmts_, "SELECT r.type, r.id, r.version, r.last_updated, r.deleted, h.json FROM resources r " CURRENT_BODY_JOIN " WHERE r.type = ? AND r.id = ?");
  s.bind(1, type).bind(2, id);
  if (!s.step()) return std::nullopt;
  return Impl::row(s);
}

std::optional<StoredResource> SqliteFhirStore::vread(const std::string& type, const std::string& id, int version) {
  std::lock_guard lock(mu_);
  Stmt s(*stmts_, "SELECT type, id, version, last_updated, deleted, json FROM history WHERE type = ? AND id = ? AND version = ?");
  s.bind(1, type).bind(2, id).bind(3, static_cast<std::int64_t>(version));
  if (!s.step()) return std::nullopt;
  return Impl::row(s);
}

std::vector<StoredResource> SqliteFhirStore::history(const std::string& type, const std::string& id) {
  std::lock_guard lock(mu_);
  Stmt s(*stmts_, "SELECT type, id, version, last_updated, deleted, json FROM history WHERE type = ? AND id = ? ORDER BY version DESC");
  s.bind(1, type).bind(2, id);
  std::vector<StoredResource> out;
  while (s.step()) out.push_back(Impl::row(s));
  return out;
}

std::vector<StoredResource> SqliteFhirStore::search(const std::string& type, const SearchParams& p) {
  std::lock_guard lock(mu_);
  std::string sql = "SELECT r.type, r.id, r.version, r.last_updated, r.deleted, h.json FROM resources r " CURRENT_BODY_JOIN " WHERE r.type = ?1 AND r.deleted = 0";
  if (!p.identifier_value.empty())
    sql += " AND EXISTS (SELECT 1 FROM identifiers i WHERE i.type = r.type AND i.id = r.id AND i.value = ?2 AND (?3 = '' OR i.system = ?3))";
  if (!p.patient.empty())
    sql += " AND EXISTS (SELECT 1 FROM patient_links l WHERE l.type = r.type AND l.id = r.id AND l.patient = ?4)";
  if (!p.last_updated_after.empty()) sql += " AND r.last_updated > ?5";
  sql += " ORDER BY r.last_updated, r.id LIMIT ?6 OFFSET ?7";
  Stmt s(*stmts_, sql);
  std::string patient = p.patient.empty() || p.patient.rfind("Patient/", 0) == 0 ? p.patient : "Patient/" + p.patient;
  s.bind(1, type).bind(2, p.identifier_value).bind(3, p.identifier_system).bind(4, patient).bind(5, p.last_updated_after)
      .bind(6, static_cast<std::int64_t>(p.count)).bind(7, static_cast<std::int64_t>(p.offset));
  std::vector<StoredResource> out;
  while (s.step()) out.push_back(Impl::row(s));
  return out;
}

std::size_t SqliteFhirStore::count(const std::string& type) {
  std::lock_guard lock(mu_);
  Stmt s(*stmts_, "SELECT COUNT(*) FROM resources WHERE type = ? AND deleted = 0");
  s.bind(1, type);
  s.step();
  return static_cast<std::size_t>(s.integer(0));
}

std::vector<StoredResource> SqliteFhirStore::everything(const std::string& patient_id) {
  std::lock_guard lock(mu_);
  Stmt s(*stmts_, "SELECT r.type, r.id, r.version, r.last_updated, r.deleted, h.json FROM resources r " CURRENT_BODY_JOIN " JOIN patient_links l "
              "ON l.type = r.type AND l.id = r.id WHERE l.patient = ? AND r.deleted = 0 "
              "ORDER BY CASE r.type WHEN 'Patient' THEN 0 ELSE 1 END, r.type, r.last_updated");
  s.bind(1, "Patient/" + patient_id);
  std::vector<StoredResource> out;
  while (s.step()) out.push_back(Impl::row(s));
  return out;
}

}  // namespace hidewire::plugins
