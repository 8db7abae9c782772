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
            "CREATE TABLE IF NOT EXISTS applied(once_key TEXT PRIMARY KEY, response TEXT);"
            // Searches page by (last_updated, id): the index walks to a page's start instead of
            // sorting every resource of the type for each page.
            "CREATE INDEX IF NOT EXISTS resources_by_updated ON resources(type, last_updated, id);");
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
    sqlite::rollback(db_);
    throw;
  }
}

StoredResource SqliteFhirStore::update(const std::string& type, const std::string& id, const std::string& json, int if_match_version) {
  std::lock_guard lock(mu_);
  rapidjson::Document d = parse_resource(json);
  if (type != d["resourceType"].GetString()) throw StoreError(400, "resourceType does not match the URL");
  if (d.HasMember("id") && d["id"].IsString() && id != d["id"].GetString()) throw StoreError(400, "id in the body does not match the URL");
  exec(db_, "BEGIN IMMEDIATE");
  try {
    StoredResource r = Impl::put(*stmts_, d, type, id, if_match_version);
    exec(db_, "COMMIT");
    return r;
  } catch (...) {
    sqlite::rollback(db_);
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

namespace {

// The cursor is the last row's sort key, "<lastUpdated>_<id>" ('_' is in neither).
std::string cursor_of(const StoredResource& r) { return r.last_updated + "_" + r.id; }

std::pair<std::string, std::string> parse_cursor(const std::string& c) {
  auto bar = c.find('_');
  bool ok = bar == 24 && c.size() > 25 && c.size() <= 25 + 64 &&
            c.find_first_not_of("ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-.", bar + 1) == std::string::npos;
  if (!ok) throw StoreError(400, "'" + c + "' is not a page cursor of this server (use the next link as given)");
  return {c.substr(0, bar), c.substr(bar + 1)};
}

}  // namespace

node::SearchPage SqliteFhirStore::search(const std::string& type, const SearchParams& p) {
  std::lock_guard lock(mu_);
  // Only the conditions asked for are in the SQL ("? = '' OR ..." would keep the planner off the indexes).
  std::vector<std::string> args{type};
  auto arg = [&](const std::string& v) {
    args.push_back(v);
    return "?" + std::to_string(args.size());
  };
  std::string where = " WHERE r.type = ?1 AND r.deleted = 0";
  if (!p.identifier_value.empty()) {
    where += " AND EXISTS (SELECT 1 FROM identifiers i WHERE i.type = r.type AND i.id = r.id AND i.value = " + arg(p.identifier_value);
    if (!p.identifier_system.empty()) where += " AND i.system = " + arg(p.identifier_system);
    where += ")";
  }
  if (!p.patient.empty()) {
    std::string patient = p.patient.rfind("Patient/", 0) == 0 ? p.patient : "Patient/" + p.patient;
    where += " AND EXISTS (SELECT 1 FROM patient_links l WHERE l.type = r.type AND l.id = r.id AND l.patient = " + arg(patient) + ")";
  }
  std::pair<std::string, std::string> after;
  if (!p.page_after.empty() && p.count > 0) after = parse_cursor(p.page_after);
  for (const InstantRange& d : p.last_updated) {
    std::string in = "1";
    // A lower bound the cursor already passed is left out: else the planner may start the index
    // walk there instead of at the cursor, and each later page would rescan the earlier ones.
    bool passed = !d.outside && !after.first.empty() && after.first >= d.from;
    if (!d.from.empty() && !passed) in += " AND r.last_updated >= " + arg(d.from);
    if (!d.before.empty()) in += " AND r.last_updated < " + arg(d.before);
    where += (d.outside ? " AND NOT (" : " AND (") + in + ")";
  }
  auto bind_all = [&](Stmt& s) {
    for (std::size_t i = 0; i < args.size(); ++i) s.bind(static_cast<int>(i + 1), args[i]);
  };
  SearchPage out;
  if (p.count <= 0) {
    Stmt s(*stmts_, "SELECT COUNT(*) FROM resources r" + where);
    bind_all(s);
    s.step();
    out.total = static_cast<std::size_t>(s.integer(0));
    return out;
  }
  if (!after.first.empty())
    where += " AND (r.last_updated, r.id) > (" + arg(after.first) + ", " + arg(after.second) + ")";  // resources_by_updated
  // One row more than the page: whether there is a next page, without an empty last one.
  Stmt s(*stmts_, "SELECT r.type, r.id, r.version, r.last_updated, r.deleted, h.json FROM resources r " CURRENT_BODY_JOIN + where +
                      " ORDER BY r.last_updated, r.id LIMIT ?" + std::to_string(args.size() + 1));
  bind_all(s);
  s.bind(static_cast<int>(args.size() + 1), static_cast<std::int64_t>(p.count) + 1);
  while (s.step()) out.resources.push_back(Impl::row(s));
  if (out.resources.size() > static_cast<std::size_t>(p.count)) {
    out.resources.pop_back();
    out.next = cursor_of(out.resources.back());
  }
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
