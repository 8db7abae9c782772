#include "plugins/common/sqlite.hpp"

#include <fcntl.h>
#include <sys/stat.h>
#include <unistd.h>

#include <cerrno>
#include <cstring>
#include <mutex>

namespace hidewire::sqlite {

void configure_process() {
  // Without memory statistics, which nothing here reads: with them every SQLite allocation takes
  // one process-wide mutex, which the journal, store and audit threads then contend for. Only
  // possible before SQLite initialises, hence before the first open.
  static std::once_flag once;
  std::call_once(once, [] { sqlite3_config(SQLITE_CONFIG_MEMSTATUS, 0); });
}

sqlite3* open_private(const std::string& path, const std::string& what) {
  // Created 0600 before SQLite opens it; an existing file is narrowed to 0600 too, by its name:
  // closing a descriptor of our own on a file this process already has open in SQLite (a
  // second connection, as the audit log's reader) drops every POSIX lock the process holds on
  // it, and another process could then take the database for its last user and delete its WAL.
  // (A file that cannot be narrowed, not ours, is left to SQLite to open or refuse, as before.)
  if (::chmod(path.c_str(), 0600) != 0 && errno == ENOENT) {
    int fd = ::open(path.c_str(), O_RDWR | O_CREAT | O_EXCL | O_CLOEXEC, 0600);
    if (fd < 0 && errno != EEXIST) throw SqliteError(what + " " + path + ": " + std::strerror(errno));
    if (fd >= 0) ::close(fd);
    else ::chmod(path.c_str(), 0600);  // made by someone else meanwhile
  }
  for (const char* suffix : {"-wal", "-shm"}) ::chmod((path + suffix).c_str(), 0600);
  configure_process();
  sqlite3* db = nullptr;
  if (sqlite3_open_v2(path.c_str(), &db, SQLITE_OPEN_READWRITE | SQLITE_OPEN_CREATE | SQLITE_OPEN_FULLMUTEX, nullptr) != SQLITE_OK) {
    std::string msg = db ? sqlite3_errmsg(db) : "out of memory";
    sqlite3_close(db);
    throw SqliteError(what + " " + path + ": " + msg);
  }
  sqlite3_busy_timeout(db, 5000);
  return db;
}

}  // namespace hidewire::sqlite
