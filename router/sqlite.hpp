// Small RAII helpers over SQLite's C API, shared by the journal and the FHIR store.
#pragma once

#include <sqlite3.h>

#include <cstdint>
#include <stdexcept>
#include <string>
#include <unordered_map>

namespace hidewire::router {

struct SqliteError : std::runtime_error {
  using std::runtime_error::runtime_error;
};

// Prepared statements kept for the life of a connection: preparing costs more than running
// most of hidewire's statements. Not thread-safe: the journal and the store use it under their lock.
class StmtCache {
 public:
  explicit StmtCache(sqlite3* db) : db_(db) {}
  ~StmtCache() {
    for (auto& [sql, s] : map_) sqlite3_finalize(s);
  }
  StmtCache(const StmtCache&) = delete;
  StmtCache& operator=(const StmtCache&) = delete;
  sqlite3* db() const { return db_; }
  sqlite3_stmt* get(const char* sql) {
    auto it = map_.find(sql);
    if (it != map_.end()) return it->second;
    sqlite3_stmt* s = nullptr;
    if (sqlite3_prepare_v3(db_, sql, -1, SQLITE_PREPARE_PERSISTENT, &s, nullptr) != SQLITE_OK)
      throw SqliteError(std::string("sqlite: ") + sqlite3_errmsg(db_));
    map_.emplace(sql, s);
    return s;
  }

 private:
  sqlite3* db_;
  std::unordered_map<std::string, sqlite3_stmt*> map_;
};

// One use of a cached statement; reset for the next use when it goes out of scope. Errors throw
// SqliteError with SQLite's message.
class Stmt {
 public:
  Stmt(StmtCache& cache, const char* sql) : db_(cache.db()), s_(cache.get(sql)) {}
  Stmt(StmtCache& cache, const std::string& sql) : Stmt(cache, sql.c_str()) {}
  ~Stmt() {
    sqlite3_reset(s_);
    sqlite3_clear_bindings(s_);
  }
  Stmt(const Stmt&) = delete;
  Stmt& operator=(const Stmt&) = delete;
  Stmt& bind(int i, const std::string& v) {
    sqlite3_bind_text(s_, i, v.data(), static_cast<int>(v.size()), SQLITE_TRANSIENT);
    return *this;
  }
  Stmt& bind(int i, std::int64_t v) {
    sqlite3_bind_int64(s_, i, v);
    return *this;
  }
  bool step() {
    int rc = sqlite3_step(s_);
    if (rc == SQLITE_ROW) return true;
    if (rc == SQLITE_DONE) return false;
    throw SqliteError(std::string("sqlite: ") + sqlite3_errmsg(db_));
  }
  std::string text(int col) const {
    const unsigned char* t = sqlite3_column_text(s_, col);
    return t ? std::string(reinterpret_cast<const char*>(t), static_cast<std::size_t>(sqlite3_column_bytes(s_, col))) : "";
  }
  std::int64_t integer(int col) const { return sqlite3_column_int64(s_, col); }

 private:
  sqlite3* db_;
  sqlite3_stmt* s_ = nullptr;
};

inline void exec(sqlite3* db, const char* sql) {
  char* err = nullptr;
  if (sqlite3_exec(db, sql, nullptr, nullptr, &err) != SQLITE_OK) {
    std::string msg = err ? err : "unknown error";
    sqlite3_free(err);
    throw SqliteError("sqlite: " + msg);
  }
}

}  // namespace hidewire::router
