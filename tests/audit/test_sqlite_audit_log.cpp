// The SQLite audit log: appends from several threads, group commit, signed checkpoints, queries,
// a restart that keeps (and checks) the tree, a full disk, and a tampered file refused at start.
#include <doctest/doctest.h>
#include <sqlite3.h>
#include <signal.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <unistd.h>

#include <atomic>
#include <filesystem>
#include <future>
#include <string>
#include <thread>

#include "audit/audit_event.hpp"
#include "audit/submit_record.hpp"
#include "node/caller_json.hpp"
#include "audit/verify.hpp"
#include "plugins/audit/sqlite/audit_log.hpp"
#include "plugins/audit/sqlite/log_reader.hpp"

using namespace hidewire;
using plugins::SqliteAuditLog;

namespace {

const char* kPatients[] = {"9434765919", "9449306613", "9000000009"};

struct TempDir {
  std::filesystem::path path;
  TempDir() {
    char tmpl[] = "/tmp/hw-audit-XXXXXX";
    path = ::mkdtemp(tmpl);
  }
  ~TempDir() { std::filesystem::remove_all(path); }
  SqliteAuditLog::Options options(std::int64_t every_ms = 0) const {
    SqliteAuditLog::Options o;
    o.path = (path / "audit.db").string();
    o.key_path = (path / "audit-signing.key").string();
    o.pub_path = (path / "audit-signing.pub").string();
    o.origin = "rxx-acute";
    o.checkpoint_every_ms = every_ms;
    return o;
  }
};

node::AuditRecord record(int i, const std::string& token = {}, const std::string& interaction = "read", std::int64_t journal_id = 0) {
  node::Caller c;
  c.kind = node::Caller::Kind::Peer;
  c.id = c.ods_code = i % 2 ? "A81001" : "RX9";
  c.request_id = "req-" + std::to_string(i);
  c.token_id = token;
  c.address = "10.0.0." + std::to_string(i % 250) + ":4000";
  audit::Access a{c};
  a.interaction = interaction;
  a.journal_id = journal_id;
  a.resource_type = "Observation";
  a.resource_id = "obs-" + std::to_string(i);
  a.patient_nhs = kPatients[i % 3];
  a.patient_id = "pat-" + std::to_string(i % 3);
  a.node_ods = "RXX";
  a.node_name = "rxx-acute";
  return audit::make_record(a);
}

int count(const std::string& db, const char* sql) {
  sqlite3* d = nullptr;
  sqlite3_open_v2(db.c_str(), &d, SQLITE_OPEN_READONLY, nullptr);
  sqlite3_stmt* s = nullptr;
  sqlite3_prepare_v2(d, sql, -1, &s, nullptr);
  int n = sqlite3_step(s) == SQLITE_ROW ? sqlite3_column_int(s, 0) : -1;
  sqlite3_finalize(s);
  sqlite3_close(d);
  return n;
}

void exec(const std::string& db, const char* sql) {
  sqlite3* d = nullptr;
  sqlite3_open(db.c_str(), &d);
  char* err = nullptr;
  int rc = sqlite3_exec(d, sql, nullptr, nullptr, &err);
  sqlite3_free(err);
  sqlite3_close(d);
  REQUIRE(rc == SQLITE_OK);
}

audit::VerifyResult verify(const TempDir& t) {
  plugins::AuditLogReader r(t.options().path);
  return audit::verify_log(r.entries(), r.checkpoints(), audit::PublicKey::load(t.options().pub_path));
}

}  // namespace

TEST_CASE("appends from several threads are all durable, in one tree, signed and verifiable") {
  TempDir t;
  {
    SqliteAuditLog log(t.options(1000));
    std::atomic<int> ok{0}, failed{0};
    std::vector<std::thread> threads;
    for (int k = 0; k < 4; ++k)
      threads.emplace_back([&, k] {
        for (int i = 0; i < 50; ++i) {
          std::promise<void> p;
          log.append({record(k * 50 + i)}, [&](bool good, const std::string&) {
            (good ? ok : failed)++;
            p.set_value();
          });
          p.get_future().wait();
        }
      });
    for (auto& th : threads) th.join();
    CHECK(ok == 200);
    CHECK(failed == 0);
    CHECK(log.size() == 200);
    log.stop();  // signs the tail
    CHECK(log.signed_size() == 200);
  }
  audit::VerifyResult v = verify(t);
  CHECK_MESSAGE(v.ok, v.message);
  CHECK(v.entries == 200);
  // Files with health data are this user's only; the key is made once, with its public half.
  struct stat st {};
  REQUIRE(::stat(t.options().path.c_str(), &st) == 0);
  CHECK((st.st_mode & 0777) == 0600);
  REQUIRE(::stat(t.options().key_path.c_str(), &st) == 0);
  CHECK((st.st_mode & 0777) == 0600);
  CHECK(std::filesystem::exists(t.options().pub_path));
}

TEST_CASE("group commit: what is queued while the writer is busy goes in one transaction") {
  TempDir t;
  SqliteAuditLog log(t.options(0));  // a checkpoint at every commit: one checkpoint row per transaction
  // The writer runs `done` callbacks: holding the first one holds the writer while 30 more queue.
  std::promise<void> release, first_done;
  log.append({record(0)}, [&](bool, const std::string&) {
    first_done.set_value();
    release.get_future().wait();
  });
  first_done.get_future().wait();
  std::atomic<int> done{0};
  std::promise<void> all;
  for (int i = 1; i <= 30; ++i)
    log.append({record(i)}, [&](bool good, const std::string&) {
      CHECK(good);
      if (++done == 30) all.set_value();
    });
  release.set_value();
  all.get_future().wait();
  CHECK(log.size() == 31);
  CHECK(count(t.options().path, "SELECT COUNT(*) FROM checkpoints") == 2);
  CHECK(count(t.options().path, "SELECT MAX(tree_size) FROM checkpoints") == 31);
}

TEST_CASE("queries by patient, request id and time, paged; journal high water; token ids") {
  TempDir t;
  SqliteAuditLog log(t.options());
  std::vector<node::AuditRecord> batch;
  for (int i = 0; i < 30; ++i) batch.push_back(record(i, i % 10 == 0 ? "jti-" + std::to_string(i) : ""));
  batch[7] = record(7, "", "submit", 1201);  // audits of journalled messages...
  batch[8] = record(8, "", "submit", 1188);
  batch[9] = record(9, "", "export", 5000);  // ...but an export of a message is no audit of its arrival
  log.append_sync(std::move(batch));

  node::AuditQuery q;
  q.patient_nhs = "9449306613";  // i % 3 == 1: 10 of them
  q.limit = 4;
  std::vector<std::int64_t> seqs;
  for (;;) {
    auto page = log.query(q);
    if (page.empty()) break;
    CHECK(page.size() <= 4);
    for (const auto& r : page) {
      CHECK(r.patient_nhs == "9449306613");
      CHECK(audit::recorded_seq(r.event_json) == r.seq);
      seqs.push_back(r.seq);
    }
    q.after_seq = page.back().seq;
  }
  CHECK(seqs == std::vector<std::int64_t>{2, 5, 8, 11, 14, 17, 20, 23, 26, 29});

  node::AuditQuery by_request;
  by_request.request_id = "req-12";
  auto one = log.query(by_request);
  REQUIRE(one.size() == 1);
  CHECK(one[0].seq == 13);
  CHECK(one[0].agent_ods == "RX9");
  CHECK(one[0].patient_id == "pat-0");
  CHECK(one[0].action == "read");

  node::AuditQuery later;
  later.since = "2999-01-01T00:00:00.000Z";
  CHECK(log.query(later).empty());

  CHECK(log.journal_high_water() == 1201);

  // A journal commit's messages: one compact entry, hashed as stored, found by any of its
  // patients, request ids and token ids, and read back as the members that match.
  node::Caller lab;
  lab.kind = node::Caller::Kind::System;
  lab.id = "lab-feed";
  lab.ods_code = "RR8";
  lab.request_id = "req-lab";
  lab.token_id = "jti-lab";
  std::string caller = node::caller_json(lab);
  std::vector<audit::Submit> msgs = {{1300, "LAB.77", "accepted", "", "9000000009", caller},
                                     {1301, "LAB.78", "accepted", "", "9434765919", caller}};
  log.append_sync({audit::make_submit_batch(msgs, "RR8", "leeds-acute")});
  CHECK(log.journal_high_water() == 1301);
  node::AuditQuery by_patient;
  by_patient.patient_nhs = "9000000009";
  by_patient.after_seq = 30;
  auto submits = log.query(by_patient);
  REQUIRE(submits.size() == 1);
  CHECK(submits[0].seq == 31);
  CHECK(submits[0].event_json.rfind("{\"resourceType\":\"AuditEvent\",\"id\":\"31.1\",", 0) == 0);
  CHECK(submits[0].event_json.find("LAB.77") != std::string::npos);
  CHECK(submits[0].event_json.find("urn:hidewire:journal-id") != std::string::npos);
  node::AuditQuery by_req;
  by_req.request_id = "req-lab";
  CHECK(log.query(by_req).size() == 2);
  CHECK(log.token_ids_since("2000-01-01T00:00:00Z") == std::vector<std::string>{"jti-0", "jti-10", "jti-20", "jti-lab"});
  plugins::AuditLogReader reader(t.options().path);
  auto who = reader.by_patient("9434765919");
  REQUIRE_FALSE(who.empty());
  CHECK(who.back().event_json.find("LAB.78") != std::string::npos);
  CHECK(reader.event(31).value_or("").rfind("{\"hidewire\":\"submits\",\"id\":\"31\",", 0) == 0);
  CHECK(log.token_ids_since("2999-01-01T00:00:00Z").empty());
}

TEST_CASE("a restart rebuilds the tree from the stored leaf hashes and carries on") {
  TempDir t;
  {
    SqliteAuditLog log(t.options());
    for (int i = 0; i < 5; ++i) log.append_sync({record(i), record(i + 100)});
  }
  {
    SqliteAuditLog log(t.options());
    CHECK(log.size() == 10);
    CHECK(log.signed_size() == 10);
    log.append_sync({record(200)});
    CHECK(log.size() == 11);
  }
  audit::VerifyResult v = verify(t);
  CHECK_MESSAGE(v.ok, v.message);
  CHECK(v.entries == 11);
  // The same key signed both runs' checkpoints.
  plugins::AuditLogReader r(t.options().path);
  for (const audit::Checkpoint& c : r.checkpoints()) CHECK(audit::PublicKey::load(t.options().pub_path).verify(c));
}

TEST_CASE("a log altered while the node was down is refused at start-up, naming the entry count") {
  TempDir t;
  {
    SqliteAuditLog log(t.options());
    for (int i = 0; i < 6; ++i) log.append_sync({record(i)});
  }
  SUBCASE("a leaf hash rewritten") {
    exec(t.options().path, "UPDATE entries SET leaf_hash = '00' || substr(leaf_hash, 3) WHERE seq = 3");
    CHECK_THROWS_WITH_AS(SqliteAuditLog(t.options()), doctest::Contains("the 6 entries up to the latest checkpoint do not match"),
                         std::runtime_error);
  }
  SUBCASE("an event edited, its leaf hash left as it was") {
    exec(t.options().path, "UPDATE entries SET event_json = replace(event_json, 'read', 'vread') WHERE seq = 3");
    CHECK_THROWS_WITH_AS(SqliteAuditLog(t.options()), doctest::Contains("entry 3 was edited"), std::runtime_error);
  }
  SUBCASE("an entry deleted") {
    exec(t.options().path, "DELETE FROM entries WHERE seq = 4");
    CHECK_THROWS_WITH_AS(SqliteAuditLog(t.options()), doctest::Contains("entry 4 is missing"), std::runtime_error);
  }
  SUBCASE("the last entries deleted") {
    exec(t.options().path, "DELETE FROM entries WHERE seq > 4");
    CHECK_THROWS_WITH_AS(SqliteAuditLog(t.options()), doctest::Contains("covers 6 entries but only 4 are stored"), std::runtime_error);
  }
  SUBCASE("an indexed column rewritten (not in the leaf hash): who-saw would miss the access") {
    exec(t.options().path, "UPDATE entries SET patient_nhs = '9434765919' WHERE seq = 3");
    CHECK_THROWS_WITH_AS(SqliteAuditLog(t.options()), doctest::Contains("entry 3 was edited: its indexed patient_nhs no longer match its event"),
                         std::runtime_error);
  }
  SUBCASE("every checkpoint deleted: the checkpoint file beside the log says one was signed") {
    exec(t.options().path, "DELETE FROM checkpoints");
    CHECK_THROWS_WITH_AS(SqliteAuditLog(t.options()), doctest::Contains("checkpoints were removed: this node signed a checkpoint at size 6"),
                         std::runtime_error);
  }
  SUBCASE("an entry_keys row written ahead of its entry") {
    exec(t.options().path, "INSERT INTO entry_keys(key, seq) VALUES('n:9000000009', 9)");
    CHECK_THROWS_WITH_AS(SqliteAuditLog(t.options()), doctest::Contains("entry_keys indexes entry 9, which is not stored"), std::runtime_error);
  }
  SUBCASE("the latest checkpoint's signature altered") {
    exec(t.options().path, "UPDATE checkpoints SET signed_at = '2026-01-01T00:00:00.000Z' WHERE tree_size = 6");
    CHECK_THROWS_WITH_AS(SqliteAuditLog(t.options()), doctest::Contains("not signed by this node's key"), std::runtime_error);
  }
}

TEST_CASE("a query gives no row whose index was altered while the node runs: it refuses, naming the entry") {
  TempDir t;
  SqliteAuditLog log(t.options());
  for (int i = 0; i < 6; ++i) log.append_sync({record(i)});
  node::AuditQuery q;
  q.patient_nhs = kPatients[0];
  CHECK(log.query(q).size() == 2);  // entries 1 and 4
  // Another patient's read re-indexed as this patient's: it would be shown to them.
  exec(t.options().path, "UPDATE entries SET patient_nhs = '9434765919' WHERE seq = 2");
  CHECK_THROWS_WITH_AS(log.query(q), doctest::Contains("entry 2 was edited: its indexed patient_nhs"), std::runtime_error);
  exec(t.options().path, "UPDATE entries SET patient_nhs = '9449306613' WHERE seq = 2");
  CHECK(log.query(q).size() == 2);
  exec(t.options().path, "INSERT INTO entry_keys(key, seq) VALUES('n:9434765919', 3)");
  CHECK_THROWS_WITH_AS(log.query(q), doctest::Contains("entry 3 was edited: its indexed entry_keys"), std::runtime_error);
}

TEST_CASE("a full disk: done(false), append_sync throws StorageUnavailable, and nothing half-written") {
  TempDir t;
  SqliteAuditLog::Options o = t.options();
  { SqliteAuditLog log(o); }  // the schema, on a database without a limit
  std::uint64_t before = 0;
  o.max_pages = count(o.path, "PRAGMA page_count") + 2;
  SqliteAuditLog log(o);
  bool full = false;
  std::string why;
  for (int i = 0; i < 200 && !full; ++i) {
    try {
      before = log.size();
      log.append_sync({record(i), record(i + 1000)});
    } catch (const node::StorageUnavailable& e) {
      full = true;
      why = e.what();
    }
  }
  REQUIRE(full);
  CHECK(why.find("full") != std::string::npos);
  CHECK(log.size() == before);
  std::promise<bool> p;
  log.append({record(5000)}, [&](bool ok, const std::string&) { p.set_value(ok); });
  CHECK_FALSE(p.get_future().get());
  log.stop();
  audit::VerifyResult v = verify(t);
  CHECK_MESSAGE(v.ok, v.message);
  CHECK(v.entries == before);
}

TEST_CASE("appends after stop are refused, not lost silently") {
  TempDir t;
  SqliteAuditLog log(t.options());
  log.stop();
  std::promise<bool> p;
  log.append({record(1)}, [&](bool ok, const std::string&) { p.set_value(ok); });
  CHECK_FALSE(p.get_future().get());
  CHECK_THROWS_AS(log.append_sync({record(2)}), node::StorageUnavailable);
}

TEST_CASE("every acknowledged append survives a SIGKILL, and the unsigned tail is signed at the next start") {
  TempDir t;
  SqliteAuditLog::Options o = t.options(3600 * 1000);  // no checkpoint after the first: the tail stays unsigned
  int fds[2];
  REQUIRE(::pipe(fds) == 0);
  pid_t pid = ::fork();
  REQUIRE(pid >= 0);
  if (pid == 0) {
    ::close(fds[0]);
    SqliteAuditLog log(o);
    for (std::int32_t i = 1; i < 1000000; ++i) {
      log.append_sync({record(i)});
      if (::write(fds[1], &i, sizeof i) != sizeof i) ::_exit(1);  // acknowledged: durable
    }
    ::_exit(0);
  }
  ::close(fds[1]);
  std::int32_t acked = 0, v = 0;
  while (acked < 40 && ::read(fds[0], &v, sizeof v) == sizeof v) acked = v;
  ::kill(pid, SIGKILL);
  ::waitpid(pid, nullptr, 0);
  while (::read(fds[0], &v, sizeof v) == sizeof v) acked = v;  // acknowledged before it died
  ::close(fds[0]);
  REQUIRE(acked >= 40);
  {
    SqliteAuditLog log(o);
    CHECK(log.size() >= static_cast<std::uint64_t>(acked));
    CHECK(log.signed_size() == log.size());
    node::AuditQuery q;
    q.request_id = "req-" + std::to_string(acked);
    CHECK(log.query(q).size() == 1);
  }
  audit::VerifyResult r = verify(t);
  CHECK_MESSAGE(r.ok, r.message);
}
