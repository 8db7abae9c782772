#include "router/fhir_store.hpp"

#include "fhir/clock.hpp"

#include <rapidjson/document.h>
#include <rapidjson/stringbuffer.h>
#include <rapidjson/writer.h>
#include "router/sqlite.hpp"

#include <algorithm>
#include <atomic>
#include <chrono>
#include <ctime>
#include <map>
#include <random>

namespace hidewire::router {
namespace {




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

std::string write(const rapidjson::Value& v) {
  rapidjson::StringBuffer b;
  rapidjson::Writer<rapidjson::StringBuffer> w(b);
  v.Accept(w);
  return std::string(b.GetString(), b.GetSize());
}

rapidjson::Document parse_resource(const std::string& json) {
  rapidjson::Document d;
  d.Parse<rapidjson::kParseNumbersAsStringsFlag>(json.c_str());
  if (d.HasParseError() || !d.IsObject() || !d.HasMember("resourceType") || !d["resourceType"].IsString())
    throw StoreError(400, "not a FHIR resource in JSON");
  return d;
}

// Identifiers of a resource (system|value), its NHS number, and the patient it belongs to.
struct Index {
  std::vector<std::pair<std::string, std::string>> identifiers;
  std::string patient;  // Patient/<id>
};

Index index_of(const rapidjson::Value& r, const std::string& type, const std::string& id) {
  Index ix;
  for (const char* key : {"identifier", "masterIdentifier"}) {
    auto it = r.FindMember(key);
    if (it == r.MemberEnd()) continue;
    auto add = [&](const rapidjson::Value& i) {
      if (i.IsObject() && i.HasMember("system") && i.HasMember("value") && i["system"].IsString() && i["value"].IsString())
        ix.identifiers.emplace_back(i["system"].GetString(), i["value"].GetString());
    };
    if (it->value.IsArray())
      for (const auto& i : it->value.GetArray()) add(i);
    else
      add(it->value);
  }
  if (type == "Patient") ix.patient = "Patient/" + id;
  for (const char* key : {"subject", "patient"}) {
    auto it = r.FindMember(key);
    if (it != r.MemberEnd() && it->value.IsObject() && it->value.HasMember("reference") && it->value["reference"].IsString()) {
      std::string ref = it->value["reference"].GetString();
      if (ref.rfind("Patient/", 0) == 0) ix.patient = ref;
    }
  }
  return ix;
}

// Rewrites every "reference" in `v` found in `ids` (urn:uuid:... -> Type/id).
void rewrite_refs(rapidjson::Value& v, const std::map<std::string, std::string>& ids, rapidjson::Document::AllocatorType& a) {
  if (v.IsObject()) {
    for (auto& m : v.GetObject()) {
      if (std::string_view(m.name.GetString()) == "reference" && m.value.IsString()) {
        auto it = ids.find(m.value.GetString());
        if (it != ids.end()) m.value.SetString(it->second.c_str(), a);
      } else {
        rewrite_refs(m.value, ids, a);
      }
    }
  } else if (v.IsArray()) {
    for (auto& x : v.GetArray()) rewrite_refs(x, ids, a);
  }
}

}  // namespace

// Joins a `resources r` row to the body of its current version.
#define CURRENT_BODY_JOIN "JOIN history h ON h.type = r.type AND h.id = r.id AND h.version = r.version"

struct FhirStore::Impl {
  static StoredResource row(const Stmt& s) {
    StoredResource r;
    r.type = s.text(0);
    r.id = s.text(1);
    r.version = static_cast<int>(s.integer(2));
    r.last_updated = s.text(3);
    r.deleted = s.integer(4) != 0;
    r.json = s.text(5);
    return r;
  }

  // Stores a new version of type/id (version 1 when new); the caller holds the lock and the
  // SQLite transaction.
  static StoredResource put(StmtCache& db, rapidjson::Document& d, const std::string& type, const std::string& id) {
    int version = 1;
    {
      Stmt s(db, "SELECT version FROM resources WHERE type = ? AND id = ?");
      s.bind(1, type).bind(2, id);
      if (s.step()) version = static_cast<int>(s.integer(0)) + 1;
    }
    auto& a = d.GetAllocator();
    std::string when = fhir::utc_now_instant();
    d.RemoveMember("id");
    d.AddMember("id", rapidjson::Value(id.c_str(), a), a);
    rapidjson::Value meta(rapidjson::kObjectType);
    if (d.HasMember("meta") && d["meta"].IsObject()) meta.CopyFrom(d["meta"], a);
    meta.RemoveMember("versionId");
    meta.RemoveMember("lastUpdated");
    meta.AddMember("versionId", rapidjson::Value(std::to_string(version).c_str(), a), a);
    meta.AddMember("lastUpdated", rapidjson::Value(when.c_str(), a), a);
    d.RemoveMember("meta");
    d.AddMember("meta", meta, a);
    StoredResource out{type, id, version, when, false, write(d)};
    // The body is kept once, in history; `resources` points at the current version (its json
    // column is empty: rows from stores made before this are read through history as well).
    Stmt up(db, "INSERT INTO resources(type, id, version, last_updated, deleted, json) VALUES(?, ?, ?, ?, 0, NULL) "
                "ON CONFLICT(type, id) DO UPDATE SET version = excluded.version, last_updated = excluded.last_updated, "
                "deleted = 0, json = NULL");
    up.bind(1, type).bind(2, id).bind(3, version).bind(4, when);
    up.step();
    Stmt h(db, "INSERT INTO history(type, id, version, last_updated, deleted, json) VALUES(?, ?, ?, ?, 0, ?)");
    h.bind(1, type).bind(2, id).bind(3, version).bind(4, when).bind(5, out.json);
    h.step();
    Index ix = index_of(d, type, id);
    if (version > 1) {  // a new resource has no index rows to replace
      Stmt del(db, "DELETE FROM identifiers WHERE type = ? AND id = ?");
      del.bind(1, type).bind(2, id);
      del.step();
    }
    for (auto& [sys, val] : ix.identifiers) {
      Stmt ins(db, "INSERT OR IGNORE INTO identifiers(type, id, system, value) VALUES(?, ?, ?, ?)");  // repeats kept once
      ins.bind(1, type).bind(2, id).bind(3, sys).bind(4, val);
      ins.step();
    }
    if (!ix.patient.empty()) {
      Stmt pl(db, "INSERT INTO patient_links(type, id, patient) VALUES(?, ?, ?) ON CONFLICT(type, id) DO UPDATE SET patient = excluded.patient");
      pl.bind(1, type).bind(2, id).bind(3, ix.patient);
      pl.step();
    } else if (version > 1) {
      Stmt pl(db, "DELETE FROM patient_links WHERE type = ? AND id = ?");
      pl.bind(1, type).bind(2, id);
      pl.step();
    }
    return out;
  }

  // Ids of `type` matching "identifier=system|value" (the only conditional criterion used).
  static std::vector<std::string> match(StmtCache& db, const std::string& type, const std::string& criteria) {
    static const std::string kPrefix = "identifier=";
    if (criteria.rfind(kPrefix, 0) != 0) throw StoreError(400, "unsupported conditional criteria '" + criteria + "' (identifier=system|value only)");
    std::string token = criteria.substr(kPrefix.size());
    auto bar = token.find('|');
    if (bar == std::string::npos) throw StoreError(400, "identifier criteria need system|value: '" + criteria + "'");
    // No DISTINCT: with it SQLite walked the by-resource index to keep ids in order.
    Stmt s(db, "SELECT id FROM identifiers WHERE type = ? AND system = ? AND value = ?");
    s.bind(1, type).bind(2, token.substr(0, bar)).bind(3, token.substr(bar + 1));
    std::vector<std::string> out;
    while (s.step())
      if (std::string id = s.text(0); std::find(out.begin(), out.end(), id) == out.end()) out.push_back(std::move(id));
    return out;
  }
};

FhirStore::FhirStore(const std::string& path) {
  if (sqlite3_open_v2(path.c_str(), &db_, SQLITE_OPEN_READWRITE | SQLITE_OPEN_CREATE | SQLITE_OPEN_FULLMUTEX, nullptr) != SQLITE_OK)
    throw StoreError(500, "store " + path + ": " + (db_ ? sqlite3_errmsg(db_) : "cannot open"));
  sqlite3_busy_timeout(db_, 5000);
  stmts_ = std::make_unique<StmtCache>(db_);
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

FhirStore::~FhirStore() {
  stmts_.reset();  // statements are finalised before the connection closes
  sqlite3_close(db_);
}

StoredResource FhirStore::create(const std::string& json) {
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

StoredResource FhirStore::update(const std::string& type, const std::string& id, const std::string& json) {
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

std::optional<StoredResource> FhirStore::read(const std::string& type, const std::string& id) {
  std::lock_guard lock(mu_);
  Stmt s(*stmts_, "SELECT r.type, r.id, r.version, r.last_updated, r.deleted, h.json FROM resources r " CURRENT_BODY_JOIN " WHERE r.type = ? AND r.id = ?");
  s.bind(1, type).bind(2, id);
  if (!s.step()) return std::nullopt;
  return Impl::row(s);
}

std::optional<StoredResource> FhirStore::vread(const std::string& type, const std::string& id, int version) {
  std::lock_guard lock(mu_);
  Stmt s(*stmts_, "SELECT type, id, version, last_updated, deleted, json FROM history WHERE type = ? AND id = ? AND version = ?");
  s.bind(1, type).bind(2, id).bind(3, static_cast<std::int64_t>(version));
  if (!s.step()) return std::nullopt;
  return Impl::row(s);
}

std::vector<StoredResource> FhirStore::history(const std::string& type, const std::string& id) {
  std::lock_guard lock(mu_);
  Stmt s(*stmts_, "SELECT type, id, version, last_updated, deleted, json FROM history WHERE type = ? AND id = ? ORDER BY version DESC");
  s.bind(1, type).bind(2, id);
  std::vector<StoredResource> out;
  while (s.step()) out.push_back(Impl::row(s));
  return out;
}

std::vector<StoredResource> FhirStore::search(const std::string& type, const SearchParams& p) {
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

std::size_t FhirStore::count(const std::string& type) {
  std::lock_guard lock(mu_);
  Stmt s(*stmts_, "SELECT COUNT(*) FROM resources WHERE type = ? AND deleted = 0");
  s.bind(1, type);
  s.step();
  return static_cast<std::size_t>(s.integer(0));
}

std::vector<StoredResource> FhirStore::everything(const std::string& patient_id) {
  std::lock_guard lock(mu_);
  Stmt s(*stmts_, "SELECT r.type, r.id, r.version, r.last_updated, r.deleted, h.json FROM resources r " CURRENT_BODY_JOIN " JOIN patient_links l "
              "ON l.type = r.type AND l.id = r.id WHERE l.patient = ? AND r.deleted = 0 "
              "ORDER BY CASE r.type WHEN 'Patient' THEN 0 ELSE 1 END, r.type, r.last_updated");
  s.bind(1, "Patient/" + patient_id);
  std::vector<StoredResource> out;
  while (s.step()) out.push_back(Impl::row(s));
  return out;
}

std::string FhirStore::transaction(const std::string& bundle_json, const std::string& once_key) {
  std::lock_guard lock(mu_);
  exec(db_, "BEGIN IMMEDIATE");
  try {
    std::string response = apply_locked(bundle_json, once_key);
    exec(db_, "COMMIT");
    return response;
  } catch (...) {
    exec(db_, "ROLLBACK");
    throw;
  }
}

std::vector<FhirStore::BatchResult> FhirStore::transaction_batch(const std::vector<BatchItem>& items) {
  std::lock_guard lock(mu_);
  std::vector<BatchResult> out(items.size());
  exec(db_, "BEGIN IMMEDIATE");
  try {
    for (std::size_t i = 0; i < items.size(); ++i) {
      Stmt(*stmts_, "SAVEPOINT bundle").step();  // prepared once: exec() would parse it per Bundle
      try {
        apply_locked(*items[i].bundle_json, items[i].once_key);
        out[i].ok = true;
      } catch (const std::exception& e) {
        Stmt(*stmts_, "ROLLBACK TO bundle").step();
        out[i].error = e.what();
      }
      Stmt(*stmts_, "RELEASE bundle").step();
    }
    exec(db_, "COMMIT");
  } catch (...) {
    sqlite3_exec(db_, "ROLLBACK", nullptr, nullptr, nullptr);
    throw;
  }
  return out;
}

// Applies one transaction Bundle inside the caller's SQLite transaction (the lock held).
std::string FhirStore::apply_locked(const std::string& bundle_json, const std::string& once_key) {
  if (!once_key.empty()) {
    Stmt s(*stmts_, "SELECT response FROM applied WHERE once_key = ?");
    s.bind(1, once_key);
    if (s.step()) return s.text(0);
  }
  rapidjson::Document b;
  b.Parse<rapidjson::kParseNumbersAsStringsFlag>(bundle_json.c_str());
  if (b.HasParseError() || !b.IsObject() || !b.HasMember("entry") || !b["entry"].IsArray())
    throw StoreError(400, "not a Bundle with entries");
  auto& entries = b["entry"];
  auto& a = b.GetAllocator();
  struct Plan {
    std::string type, id, status;
    bool write = true;
  };
  std::vector<Plan> plan(entries.Size());
  std::map<std::string, std::string> ids;  // fullUrl -> Type/id
  {
    // First resolve where each entry goes, so references between entries can be rewritten.
    for (rapidjson::SizeType i = 0; i < entries.Size(); ++i) {
      auto& e = entries[i];
      if (!e.HasMember("resource") || !e.HasMember("request")) throw StoreError(400, "entry " + std::to_string(i) + " needs resource and request");
      Plan& p = plan[i];
      p.type = e["resource"]["resourceType"].GetString();
      std::string method = e["request"]["method"].GetString(), url = e["request"]["url"].GetString();
      if (method == "PUT" && url.find('?') != std::string::npos) {
        auto found = Impl::match(*stmts_, p.type, url.substr(url.find('?') + 1));
        if (found.size() > 1) throw StoreError(412, "entry " + std::to_string(i) + ": " + url + " matches " + std::to_string(found.size()) + " resources");
        p.id = found.empty() ? new_id() : found.front();
        p.status = found.empty() ? "201 Created" : "200 OK";
      } else if (method == "PUT") {
        p.id = url.substr(url.find('/') + 1);
        p.status = read(p.type, p.id) ? "200 OK" : "201 Created";
      } else if (method == "POST") {
        p.id = new_id();
        p.status = "201 Created";
        if (e["request"].HasMember("ifNoneExist")) {
          auto found = Impl::match(*stmts_, p.type, e["request"]["ifNoneExist"].GetString());
          if (found.size() > 1) throw StoreError(412, "entry " + std::to_string(i) + ": ifNoneExist matches several resources");
          if (!found.empty()) {
            p.id = found.front();
            p.write = false;
            p.status = "200 OK";
          }
        }
      } else {
        throw StoreError(400, "entry " + std::to_string(i) + ": method " + method + " is not supported in transactions");
      }
      if (e.HasMember("fullUrl") && e["fullUrl"].IsString()) ids[e["fullUrl"].GetString()] = p.type + "/" + p.id;
    }
    rapidjson::Value resp(rapidjson::kArrayType);
    for (rapidjson::SizeType i = 0; i < entries.Size(); ++i) {
      Plan& p = plan[i];
      rapidjson::Value entry(rapidjson::kObjectType), r(rapidjson::kObjectType);
      std::string version = "1";
      if (p.write) {
        rapidjson::Document d;
        d.CopyFrom(entries[i]["resource"], d.GetAllocator());
        rewrite_refs(d, ids, d.GetAllocator());
        StoredResource s = Impl::put(*stmts_, d, p.type, p.id);
        version = std::to_string(s.version);
      }
      std::string location = p.type + "/" + p.id + "/_history/" + version;
      r.AddMember("status", rapidjson::Value(p.status.c_str(), a), a);
      r.AddMember("location", rapidjson::Value(location.c_str(), a), a);
      entry.AddMember("response", r, a);
      resp.PushBack(entry, a);
    }
    rapidjson::Document out;
    out.SetObject();
    auto& oa = out.GetAllocator();
    out.AddMember("resourceType", "Bundle", oa);
    out.AddMember("type", "transaction-response", oa);
    rapidjson::Value copy(resp, oa);
    out.AddMember("entry", copy, oa);
    std::string response = write(out);
    if (!once_key.empty()) {
      Stmt s(*stmts_, "INSERT INTO applied(once_key, response) VALUES(?, ?)");
      s.bind(1, once_key).bind(2, response);
      s.step();
    }
    return response;
  }
}

}  // namespace hidewire::router
