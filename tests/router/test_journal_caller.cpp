// The journal keeps who sent each message (JournalEntry::caller), read back as a Caller; a
// journal made before callers were recorded gains the column and keeps its messages.
#include <doctest/doctest.h>

#include <sqlite3.h>
#include <unistd.h>

#include <filesystem>

#include "node/caller_json.hpp"
#include "plugins/journals/sqlite/journal.hpp"

using namespace hidewire;

namespace {

std::filesystem::path fresh(const char* what) {
  auto p = std::filesystem::temp_directory_path() / ("hw-" + std::string(what) + "-" + std::to_string(::getpid()) + ".db");
  for (const char* ext : {"", "-wal", "-shm"}) std::filesystem::remove(p.string() + ext);
  return p;
}

node::Caller gp_clinician() {
  node::Caller c;
  c.kind = node::Caller::Kind::Peer;
  c.id = "gp-connect \"consumer\"";  // quotes survive the JSON
  c.ods_code = "A81001";
  c.address = "10.20.30.40:51234";
  c.request_id = "0d9c7a52-6f1e-4b8a-9e33-5a1c2b3d4e5f";
  c.facilities = {"HIGH_STREET_SURGERY", "A81001-BRANCH"};
  c.person_present = true;
  c.person = {"G8000001", "Dr Amara Okafor", "R8000"};
  c.token_id = "5f0c8e1a-jti";
  return c;
}

node::JournalEntry message(const std::string& id, const std::string& caller) {
  node::JournalEntry e;
  e.channel = "gp-mllp";
  e.format = "hl7v2";
  e.sender = "EMIS^A81001";
  e.message_id = id;
  e.status = "accepted";
  e.raw = "MSH|^~\\&|EMIS|A81001|HIDEWIRE|RXX|20261202101500||ADT^A08|" + id + "|P|2.5.1\r";
  e.caller = caller;
  return e;
}

}  // namespace

TEST_CASE("caller JSON: kind, id, ods, address, request id, facilities and person round-trip; empty or unreadable is anonymous") {
  node::Caller c = gp_clinician();
  std::string json = node::caller_json(c);
  // The JWT's id is journalled (never the token): audited from the journal, a token used on a
  // source stays refused as a replay after a restart.
  CHECK(json.find("5f0c8e1a-jti") != std::string::npos);
  node::Caller back = node::caller_from_json(json);
  CHECK(back.kind == node::Caller::Kind::Peer);
  CHECK(back.id == c.id);
  CHECK(back.ods_code == "A81001");
  CHECK(back.address == c.address);
  CHECK(back.request_id == c.request_id);
  CHECK(back.token_id == "5f0c8e1a-jti");
  CHECK(back.facilities == c.facilities);
  CHECK(back.person_present);
  CHECK(back.person.name == "Dr Amara Okafor");
  CHECK(back.person.sds_role == "R8000");
  CHECK(node::caller_json(node::Caller{}) == R"({"kind":"anonymous"})");
  CHECK(node::caller_from_json("").kind == node::Caller::Kind::Anonymous);
  CHECK(node::caller_from_json("{not json").kind == node::Caller::Kind::Anonymous);
}

TEST_CASE("the journal stores each message's caller and reads it back (get, list, undelivered)") {
  auto path = fresh("journal-caller");
  {
    plugins::SqliteJournal j(path.string());
    node::JournalEntry e = message("GP-1", node::caller_json(gp_clinician()));
    auto r = j.append_batch({&e});
    REQUIRE(r.size() == 1);
    auto got = j.get(r[0].id);
    REQUIRE(got);
    CHECK(got->caller == e.caller);
    CHECK(node::caller_from_json(j.list("", 10).front().caller).ods_code == "A81001");
    CHECK(node::caller_from_json(j.undelivered(0, 10).front().caller).person.id == "G8000001");
  }
  for (const char* ext : {"", "-wal", "-shm"}) std::filesystem::remove(path.string() + ext);
}

TEST_CASE("a journal made by the old schema gains the caller column: its messages read as anonymous, new ones keep theirs") {
  auto path = fresh("journal-old");
  {
    sqlite3* db = nullptr;
    REQUIRE(sqlite3_open(path.string().c_str(), &db) == SQLITE_OK);
    // The schema as the previous release wrote it, with one message in it.
    const char* old_schema =
        "CREATE TABLE journal (id INTEGER PRIMARY KEY AUTOINCREMENT, channel TEXT NOT NULL, sender TEXT NOT NULL, message_id TEXT NOT NULL,"
        " status TEXT NOT NULL, reason TEXT NOT NULL DEFAULT '', raw BLOB NOT NULL, ack TEXT NOT NULL DEFAULT '',"
        " output TEXT NOT NULL DEFAULT '', received_at TEXT NOT NULL, delivered INTEGER NOT NULL DEFAULT 0,"
        " format TEXT NOT NULL DEFAULT '', content_hash TEXT NOT NULL DEFAULT '', event TEXT NOT NULL DEFAULT '');"
        "INSERT INTO journal(channel, sender, message_id, status, raw, received_at, format, event)"
        " VALUES('pas-mllp', 'PAS^RXX', 'OLD-1', 'rejected', 'MSH|^~\\&|PAS|RXX|||20261201||ADT^A01|OLD-1|P|2.5.1', '2026-12-01T09:00:00Z', 'hl7v2', 'ADT^A01');";
    REQUIRE(sqlite3_exec(db, old_schema, nullptr, nullptr, nullptr) == SQLITE_OK);
    sqlite3_close(db);
  }
  {
    plugins::SqliteJournal j(path.string());
    auto old = j.list("", 10);
    REQUIRE(old.size() == 1);
    CHECK(old[0].message_id == "OLD-1");
    CHECK(old[0].caller.empty());
    CHECK(node::caller_from_json(old[0].caller).kind == node::Caller::Kind::Anonymous);
    node::JournalEntry e = message("GP-2", node::caller_json(gp_clinician()));
    j.append_batch({&e});
  }
  {
    plugins::SqliteJournal reopened(path.string());  // the column is there now: opening again changes nothing
    auto all = reopened.list("", 10);
    REQUIRE(all.size() == 2);
    CHECK(node::caller_from_json(all[1].caller).id == gp_clinician().id);
  }
  for (const char* ext : {"", "-wal", "-shm"}) std::filesystem::remove(path.string() + ext);
}
