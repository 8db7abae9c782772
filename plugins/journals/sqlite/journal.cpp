#include "plugins/journals/sqlite/journal.hpp"

#include <limits>

#include "fhir/clock.hpp"

#include "plugins/common/sqlite.hpp"

namespace hidewire::plugins {
namespace {

using node::JournalEntry;
using sqlite::Stmt;
using sqlite::exec;

#define JOURNAL_COLUMNS "id, channel, sender, message_id, status, reason, raw, ack, output, received_at, format, content_hash, event, caller, nhs_number"
// The same without the message, its answer and its Bundle: the browser's pages of summaries.
#define SUMMARY_COLUMNS "id, channel, sender, message_id, status, reason, '', '', '', received_at, format, content_hash, event, caller, nhs_number"

JournalEntry row(const Stmt& s) {
  JournalEntry e;
  e.id = s.integer(0);
  e.channel = s.text(1);
  e.sender = s.text(2);
  e.message_id = s.text(3);
  e.status = s.text(4);
  e.reason = s.text(5);
  e.raw = s.text(6);
  e.ack = s.text(7);
  e.output = s.text(8);
  e.received_at = s.text(9);
  e.format = s.text(10);
  e.content_hash = s.text(11);
  e.event = s.text(12);
  e.caller = s.text(13);
  e.nhs_number = s.text(14);
  return e;
}

}  // namespace

SqliteJournal::SqliteJournal(const std::string& path) {
  try {
    db_ = sqlite::open_private(path, "journal");
  } catch (const sqlite::SqliteError& e) {
    throw node::JournalError(e.what());
  }
  stmts_ = std::make_unique<sqlite::StmtCache>(db_);
  // WAL with synchronous=FULL: a committed message survives a crash of the process or machine.
  // 32 KiB pages: the journal only appends, and larger pages mean fewer WAL frames (and
  // write calls) per group commit; it halved the journal's CPU time per message.
  exec(db_, "PRAGMA page_size=32768; PRAGMA journal_mode=WAL; PRAGMA synchronous=FULL; PRAGMA temp_store=MEMORY;");
  exec(db_,
       "CREATE TABLE IF NOT EXISTS journal ("
       " id INTEGER PRIMARY KEY AUTOINCREMENT, channel TEXT NOT NULL, sender TEXT NOT NULL, message_id TEXT NOT NULL,"
       " status TEXT NOT NULL, reason TEXT NOT NULL DEFAULT '', raw BLOB NOT NULL, ack TEXT NOT NULL DEFAULT '',"
       " output TEXT NOT NULL DEFAULT '', received_at TEXT NOT NULL);"
       "CREATE INDEX IF NOT EXISTS journal_status ON journal(status);");
  // Journals made by earlier versions get the newer columns (ALTER fails when one is there already).
  for (const char* column : {"delivered INTEGER NOT NULL DEFAULT 0", "format TEXT NOT NULL DEFAULT ''",
                             "content_hash TEXT NOT NULL DEFAULT ''", "event TEXT NOT NULL DEFAULT ''",
                             "caller TEXT NOT NULL DEFAULT ''", "nhs_number TEXT NOT NULL DEFAULT ''"})
    sqlite3_exec(db_, ("ALTER TABLE journal ADD COLUMN " + std::string(column)).c_str(), nullptr, nullptr, nullptr);
  // Not unique: a control id reused with other content is kept beside the first (its own row).
  // Led by message_id so a search by control id alone uses it too.
  exec(db_, "DROP INDEX IF EXISTS journal_dedup;"
            "CREATE INDEX IF NOT EXISTS journal_key ON journal(message_id, channel, sender) WHERE message_id <> '';"
            // Partial: messages without a valid NHS number add nothing to it.
            "CREATE INDEX IF NOT EXISTS journal_nhs ON journal(nhs_number) WHERE nhs_number <> '';");
}

SqliteJournal::~SqliteJournal() {
  stmts_.reset();  // statements are finalised before the connection closes
  sqlite3_close(db_);
}

std::vector<node::Journal::Appended> SqliteJournal::append_batch(const std::vector<const JournalEntry*>& entries) {
  std::lock_guard lock(mu_);
  std::vector<Appended> out(entries.size());
  std::vector<std::int64_t> marks;
  exec(db_, "BEGIN IMMEDIATE");
  try {
    std::string now = fhir::utc_now_instant();
    for (std::size_t i = 0; i < entries.size(); ++i) {
      const JournalEntry& e = *entries[i];
      std::int64_t taken_by = 0;  // the first entry with this key but other content
      if (!e.message_id.empty()) {
        // A resend has the same content as one of the rows under its key (rows from before
        // content hashes, with none, count as the same); other content under the key is a reuse.
        Stmt d(*stmts_, "SELECT id, ack, status, content_hash FROM journal WHERE message_id = ? AND channel = ? AND sender = ?"
                        " AND message_id <> '' ORDER BY id");
        d.bind(1, e.message_id).bind(2, e.channel).bind(3, e.sender);
        bool found = false;
        Appended first;
        while (d.step()) {
          std::string hash = d.text(3);
          if (hash.empty() || e.content_hash.empty() || hash == e.content_hash) {
            out[i] = {d.integer(0), true, false, d.text(1), d.text(2)};
            found = true;
            break;
          }
          if (!first.id) first = {d.integer(0), false, true, d.text(1), d.text(2)};
        }
        if (found) continue;
        taken_by = first.id;
        if (first.id && !e.reuse_allowed) {
          out[i] = first;  // not stored: the intake decides what a reuse becomes
          continue;
        }
      }
      Stmt s(*stmts_,
             "INSERT INTO journal(channel, sender, message_id, status, reason, raw, ack, output, received_at, format, content_hash, event, caller, nhs_number)"
             " VALUES(?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)");
      s.bind(1, e.channel).bind(2, e.sender).bind(3, e.message_id).bind(4, e.status).bind(5, e.reason).bind(6, e.raw)
          .bind(7, e.ack).bind(8, e.output).bind(9, e.received_at.empty() ? now : e.received_at)
          .bind(10, e.format).bind(11, e.content_hash).bind(12, e.event).bind(13, e.caller).bind(14, e.nhs_number);
      s.step();
      out[i].id = sqlite3_last_insert_rowid(db_);
      out[i].reuse_of = taken_by;
    }
    marks = write_delivered_locked();
    exec(db_, "COMMIT");
  } catch (...) {
    sqlite::rollback(db_);
    queue_delivered(marks);
    throw;
  }
  return out;
}

// Also takes back the marks of a commit that failed (a full disk): kept for the next one, else
// those messages would be delivered again at the next start for no reason.
void SqliteJournal::queue_delivered(const std::vector<std::int64_t>& ids) {
  std::lock_guard lock(marks_mu_);
  delivered_queue_.insert(delivered_queue_.end(), ids.begin(), ids.end());
}

void SqliteJournal::flush_delivered() {
  {
    std::lock_guard marks(marks_mu_);
    if (delivered_queue_.empty()) return;
  }
  std::lock_guard lock(mu_);
  std::vector<std::int64_t> marks;
  exec(db_, "BEGIN IMMEDIATE");
  try {
    marks = write_delivered_locked();
    exec(db_, "COMMIT");
  } catch (...) {
    sqlite::rollback(db_);
    queue_delivered(marks);
    throw;
  }
}

// Takes the queued marks and writes them; returns them so a commit that fails can put them back.
std::vector<std::int64_t> SqliteJournal::write_delivered_locked() {
  std::vector<std::int64_t> ids;
  {
    std::lock_guard marks(marks_mu_);
    ids.swap(delivered_queue_);
  }
  try {
    for (std::int64_t id : ids) {
      Stmt s(*stmts_, "UPDATE journal SET delivered = 1 WHERE id = ?");
      s.bind(1, id);
      s.step();
    }
  } catch (...) {
    queue_delivered(ids);
    throw;
  }
  return ids;
}


std::optional<JournalEntry> SqliteJournal::get(std::int64_t id) {
  std::lock_guard lock(mu_);
  Stmt s(*stmts_, "SELECT " JOURNAL_COLUMNS " FROM journal WHERE id = ?");
  s.bind(1, id);
  if (!s.step()) return std::nullopt;
  return row(s);
}

std::vector<JournalEntry> SqliteJournal::list(const std::string& status, std::size_t limit, std::int64_t after_id,
                                        const std::string& message_id) {
  std::lock_guard lock(mu_);
  // A condition of its own (not "? = '' OR"), so the planner can use journal_key.
  Stmt s(*stmts_, message_id.empty()
                      ? "SELECT " JOURNAL_COLUMNS " FROM journal WHERE (?1 = '' OR status = ?1) AND id > ?2 ORDER BY id LIMIT ?3"
                      : "SELECT " JOURNAL_COLUMNS " FROM journal WHERE (?1 = '' OR status = ?1) AND id > ?2 AND message_id = ?4"
                        " ORDER BY id LIMIT ?3");
  s.bind(1, status).bind(2, after_id).bind(3, static_cast<std::int64_t>(limit));
  if (!message_id.empty()) s.bind(4, message_id);
  std::vector<JournalEntry> out;
  while (s.step()) out.push_back(row(s));
  return out;
}

std::size_t SqliteJournal::count(const std::string& status) {
  std::lock_guard lock(mu_);
  Stmt s(*stmts_, "SELECT COUNT(*) FROM journal WHERE (? = '' OR status = ?)");
  s.bind(1, status).bind(2, status);
  s.step();
  return static_cast<std::size_t>(s.integer(0));
}

std::vector<JournalEntry> SqliteJournal::search(const node::JournalQuery& q) {
  // Only the conditions given, each its own term, so the planner picks journal_key or
  // journal_nhs when a control id or an NHS number is named; otherwise the rowid, newest first.
  std::string sql = "SELECT " SUMMARY_COLUMNS " FROM journal WHERE 1";
  std::vector<const std::string*> binds;
  auto term = [&](const std::string& value, const char* condition) {
    if (value.empty()) return;
    sql += condition;
    binds.push_back(&value);
  };
  term(q.message_id, " AND message_id = ?");
  term(q.nhs_number, " AND nhs_number = ?");
  term(q.channel, " AND channel = ?");
  term(q.event, " AND event = ?");
  if (q.status == "delivered") sql += " AND status = 'accepted' AND delivered = 1";  // accepted, and every destination has it
  else term(q.status, " AND status = ?");
  term(q.from, " AND received_at >= ?");
  term(q.to, " AND received_at <= ?");
  // Bound, not written into the text: at most 128 distinct statements are cached.
  sql += " AND id < ? ORDER BY id DESC LIMIT ?";
  std::lock_guard lock(mu_);
  Stmt s(*stmts_, sql);
  int i = 1;
  for (const std::string* v : binds) s.bind(i++, *v);
  s.bind(i++, q.before_id > 0 ? q.before_id : std::numeric_limits<std::int64_t>::max());
  s.bind(i, static_cast<std::int64_t>(q.limit));
  std::vector<JournalEntry> out;
  while (s.step()) out.push_back(row(s));
  return out;
}

std::vector<JournalEntry> SqliteJournal::undelivered(std::int64_t after_id, std::size_t limit) {
  std::lock_guard lock(mu_);
  Stmt s(*stmts_, "SELECT " JOURNAL_COLUMNS " FROM journal WHERE status = 'accepted' AND delivered = 0 AND id > ? ORDER BY id LIMIT ?");
  s.bind(1, after_id).bind(2, static_cast<std::int64_t>(limit));
  std::vector<JournalEntry> out;
  while (s.step()) out.push_back(row(s));
  return out;
}

void SqliteJournal::update_outcome(std::int64_t id, const std::string& status, const std::string& reason, const std::string& output) {
  std::lock_guard lock(mu_);
  Stmt s(*stmts_, "UPDATE journal SET status = ?, reason = ?, output = ? WHERE id = ?");
  s.bind(1, status).bind(2, reason).bind(3, output).bind(4, id);
  s.step();
}

}  // namespace hidewire::plugins
