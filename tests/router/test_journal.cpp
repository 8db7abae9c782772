// The journal's listing: by status, by message id (wherever it is in the journal), paged by id.
#include <doctest/doctest.h>

#include <filesystem>

#include "plugins/journals/sqlite/journal.hpp"

using namespace hidewire;

TEST_CASE("a message id is found however many messages came before it") {
  auto path = std::filesystem::temp_directory_path() / ("hw-journal-" + std::to_string(::getpid()) + ".db");
  std::filesystem::remove(path);
  {
    plugins::SqliteJournal j(path.string());
    std::vector<node::JournalEntry> entries(5001);
    std::vector<const node::JournalEntry*> batch;
    for (std::size_t i = 0; i < entries.size(); ++i) {
      node::JournalEntry& e = entries[i];
      e.channel = "pas";
      e.format = "hl7v2";
      e.sender = "PAS^RR8";
      e.message_id = "MSG-" + std::to_string(i);
      e.status = i % 2 ? "accepted" : "rejected";
      e.raw = "MSH|...";
      batch.push_back(&entries[i]);
    }
    j.append_batch(batch);
    auto found = j.list("", 1000, 0, "MSG-5000");
    REQUIRE(found.size() == 1);
    CHECK(found[0].message_id == "MSG-5000");
    CHECK(j.list("rejected", 1000, 0, "MSG-5000").size() == 1);
    CHECK(j.list("accepted", 1000, 0, "MSG-5000").empty());
    CHECK(j.list("", 1000, found[0].id, "MSG-5000").empty());  // paging after it
    CHECK(j.list("", 1000, 0, "MSG-9999").empty());
    CHECK(j.list("", 10, 0).size() == 10);
    CHECK(j.list("accepted", 1000, 4000).size() == 500);
  }
  for (const char* ext : {"", "-wal", "-shm"}) std::filesystem::remove(path.string() + ext);
}

TEST_CASE("the message browser's search: by NHS number, type, status, time; newest first, paged below an id") {
  auto path = std::filesystem::temp_directory_path() / ("hw-journal-search-" + std::to_string(::getpid()) + ".db");
  std::filesystem::remove(path);
  {
    plugins::SqliteJournal j(path.string());
    std::vector<node::JournalEntry> entries(300);
    std::vector<const node::JournalEntry*> batch;
    for (std::size_t i = 0; i < entries.size(); ++i) {
      node::JournalEntry& e = entries[i];
      e.channel = i % 3 ? "pas" : "lims";
      e.sender = "PAS^RR8";
      e.message_id = "MSG-" + std::to_string(i);
      e.event = i % 3 ? "ADT^A01" : "ORU^R01";
      e.status = i % 10 == 0 ? "rejected" : "accepted";
      e.nhs_number = i % 50 == 7 ? "9434765919" : "";
      e.received_at = "2026-12-04T10:" + std::string(i < 100 ? "00" : i < 200 ? "30" : "59") + ":00.000Z";
      e.raw = "MSH|...";
      e.ack = "MSH|...MSA|AA";
      batch.push_back(&e);
    }
    j.append_batch(batch);
    node::JournalQuery nhs;
    nhs.nhs_number = "9434765919";
    auto by_nhs = j.search(nhs);
    REQUIRE(by_nhs.size() == 6);
    CHECK(by_nhs.front().message_id == "MSG-257");  // newest first
    CHECK(by_nhs.back().message_id == "MSG-7");
    CHECK(by_nhs.front().nhs_number == "9434765919");
    CHECK(by_nhs.front().raw.empty());  // summaries: no message, answer or Bundle
    CHECK(by_nhs.front().ack.empty());
    node::JournalQuery q;
    q.event = "ORU^R01";
    q.status = "rejected";
    q.channel = "lims";
    CHECK(j.search(q).size() == 10);  // i % 30 == 0
    node::JournalQuery t;
    t.from = "2026-12-04T10:30:00.000Z";  // as the journal writes them (the dashboard normalises what it is given)
    t.to = "2026-12-04T10:31:00.000Z";
    CHECK(j.search(t).size() == 50);  // the default page of 50 of the 100 in that half hour
    t.limit = 500;
    CHECK(j.search(t).size() == 100);
    node::JournalQuery page;
    page.limit = 120;
    auto first = j.search(page);
    REQUIRE(first.size() == 120);
    page.before_id = first.back().id;
    auto second = j.search(page);
    REQUIRE(second.size() == 120);
    CHECK(second.front().id == first.back().id - 1);
    node::JournalQuery id;
    id.message_id = "MSG-42";
    CHECK(j.search(id).size() == 1);
    j.queue_delivered({by_nhs.back().id});
    j.flush_delivered();
    node::JournalQuery delivered;
    delivered.status = "delivered";
    REQUIRE(j.search(delivered).size() == 1);
    CHECK(j.search(delivered)[0].message_id == "MSG-7");
  }
  for (const char* ext : {"", "-wal", "-shm"}) std::filesystem::remove(path.string() + ext);
}
