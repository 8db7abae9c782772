// Small RAII helpers over SQLite's C API, shared by the journal and the FHIR store.
#pragma once

#include <sqlite3.h>

#include <cstdint>
#include <stdexcept>
#include <string>
#include <unordered_map>

#include "node/storage.hpp"

namespace hidewire::sqlite {

// An error SQLite gives that trying again cannot fix (a constraint, a misuse, a corrupt file).
struct SqliteError : std::runtime_error {
  explicit SqliteError(const std::string& msg, int code = SQLITE_ERROR) : std::runtime_error(msg), code(code) {}
  int code;
};

// Full disk, I/O errors, a file that cannot be opened, a lock held too long: the database may
// write again later, so these are node::StorageUnavailable (retried), not SqliteError.
inline bool transient(int rc) {
  switch (rc & 0xff) {
    case SQLITE_FULL:
    case SQLITE_IOERR:
    case SQLITE_CANTOPEN:
    case SQLITE_BUSY:
    case SQLITE_LOCKED:
      return true;
    default:
      return false;
  }
}

[[noreturn]] inline void raise(int rc, const std::string& msg) {
  if (transient(rc)) throw node::StorageUnavailable(msg);
  throw SqliteError(msg, rc);
}

// Prepared statements kept for the life of a connection: preparing costs more than running
// most of hidewire's statements. Not thread-safe: the journal and the store use it under their lock.
class StmtCache {
 public:
  explicit StmtCache(sqlite3* db) : db_(db) {}
  ~StmtCache() {
    for (auto& [sql, s] : by_text_) sqlite3_finalize(s);
    for (auto& [sql, s] : by_literal_) sqlite3_finalize(s);
  }
  StmtCache(const StmtCache&) = delete;
  StmtCache& operator=(const StmtCache&) = delete;
  sqlite3* db() const { return db_; }
  // A string literal is found by its address: no copy, hash or compare of the SQL on each use,
  // which was a good part of the store's time. Built SQL goes by its text.
  template <std::size_t N>
  sqlite3_stmt* get(const char (&literal)[N]) {
    auto it = by_literal_.find(literal);
    if (it != by_literal_.end()) return it->second;
    return by_literal_.emplace(literal, prepare(literal)).first->second;
  }
  sqlite3_stmt* get(const std::string& sql) {
    auto it = by_text_.find(sql);
    if (it != by_text_.end()) return it->second;
    return by_text_.emplace(sql, prepare(sql.c_str())).first->second;
  }

 private:
  sqlite3_stmt* prepare(const char* sql) {
    sqlite3_stmt* s = nullptr;
    if (int rc = sqlite3_prepare_v3(db_, sql, -1, SQLITE_PREPARE_PERSISTENT, &s, nullptr); rc != SQLITE_OK)
      raise(rc, std::string("sqlite: ") + sqlite3_errmsg(db_));
    return s;
  }
  sqlite3* db_;
  std::unordered_map<std::string, sqlite3_stmt*> by_text_;
  std::unordered_map<const void*, sqlite3_stmt*> by_literal_;
};

// One use of a cached statement; reset for the next use when it goes out of scope. Errors throw
// SqliteError (or node::StorageUnavailable) with SQLite's message.
class Stmt {
 public:
  // Only literals bind here (an array, not a pointer), so a temporary's c_str() cannot be cached by address.
  template <std::size_t N>
  Stmt(StmtCache& cache, const char (&sql)[N]) : db_(cache.db()), s_(cache.get(sql)) {}
  Stmt(StmtCache& cache, const std::string& sql) : db_(cache.db()), s_(cache.get(sql)) {}
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
    raise(rc, std::string("sqlite: ") + sqlite3_errmsg(db_));
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

// Process-wide settings, once, before SQLite initialises (open_private calls it).
void configure_process();

// Opens (creating when needed) a database readable by this user only: journal and store hold
// health data. SQLite gives its -wal and -shm files the database file's permissions.
sqlite3* open_private(const std::string& path, const std::string& what);

inline void exec(sqlite3* db, const char* sql) {
  char* err = nullptr;
  if (int rc = sqlite3_exec(db, sql, nullptr, nullptr, &err); rc != SQLITE_OK) {
    std::string msg = err ? err : sqlite3_errstr(rc);
    sqlite3_free(err);
    raise(rc, "sqlite: " + msg);
  }
}

// Ends a failed transaction. Never throws: SQLite may have rolled it back already (it does on a
// full disk), and the error that got here is the one to report.
inline void rollback(sqlite3* db) { sqlite3_exec(db, "ROLLBACK", nullptr, nullptr, nullptr); }

}  // namespace hidewire::sqlite
