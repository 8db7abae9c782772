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
