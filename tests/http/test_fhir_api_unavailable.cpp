// The FHIR API over a store that cannot write (a full disk): writes answer 503 with an
// OperationOutcome, so a client sends again later; reads and searches go on being served.
#include <doctest/doctest.h>

#include <filesystem>

#include <unistd.h>

#include "api/fhir_api.hpp"
#include "plugins/access/allow_all/allow_all.hpp"
#include "plugins/stores/sqlite/fhir_store.hpp"

using namespace hidewire;

namespace {

// Reads from a real store; every write fails as on a full disk.
struct FullStore final : node::FhirStore {
  explicit FullStore(node::FhirStore& real) : real(real) {}
  [[noreturn]] static void full() { throw node::StorageUnavailable("sqlite: database or disk is full"); }
  node::StoredResource create(const std::string&) override { full(); }
  node::StoredResource update(const std::string&, const std::string&, const std::string&, int) override { full(); }
  std::string transaction(const std::string&, const std::string&) override { full(); }
  std::vector<BatchResult> transaction_batch(const std::vector<BatchItem>&) override { full(); }
  std::optional<node::StoredResource> read(const std::string& t, const std::string& id) override { return real.read(t, id); }
  std::optional<node::StoredResource> vread(const std::string& t, const std::string& id, int v) override { return real.vread(t, id, v); }
  std::vector<node::StoredResource> history(const std::string& t, const std::string& id) override { return real.history(t, id); }
  node::SearchPage search(const std::string& t, const node::SearchParams& p) override { return real.search(t, p); }
  std::size_t count(const std::string& t) override { return real.count(t); }
  std::vector<node::StoredResource> everything(const std::string& id) override { return real.everything(id); }
  node::FhirStore& real;
};

const std::string kEntry = R"({"resource":{"resourceType":"Patient"},"request":{"method":"POST","url":"Patient"}})";

http::Request request(const std::string& method, const std::string& path, const std::string& body = {}) {
  http::Request r;
  r.method = method;
  r.path = path;
  r.body = body;
  r.content_type = "application/fhir+json";
  r.base_url = "http://localhost";
  return r;
}

}  // namespace

TEST_CASE("a store that cannot write: API writes answer 503 with an OperationOutcome, reads are served") {
  std::filesystem::path db = std::filesystem::temp_directory_path() / ("hw-api-full-" + std::to_string(::getpid()) + ".db");
  std::filesystem::remove(db);
  {
    plugins::SqliteFhirStore real(db.string());
    node::StoredResource p = real.create(R"({"resourceType":"Patient","identifier":[{"system":"urn:x","value":"1"}]})");
    FullStore store(real);
    auto policy = plugins::allow_all::make();
    http::FhirApi api(store, *policy);

    http::Response r = api.handle(request("GET", "/Patient/" + p.id));
    CHECK(r.status == 200);
    r = api.handle(request("GET", "/Patient"));
    CHECK(r.status == 200);
    CHECK(r.body.find(p.id) != std::string::npos);

    for (const http::Request& w : {request("POST", "/Patient", R"({"resourceType":"Patient"})"),
                                   request("PUT", "/Patient/" + p.id, R"({"resourceType":"Patient","id":")" + p.id + "\"}"),
                                   request("POST", "", R"({"resourceType":"Bundle","type":"transaction","entry":[)" + kEntry + "]}")}) {
      r = api.handle(w);
      CAPTURE(w.method + " " + w.path);
      CHECK(r.status == 503);
      CHECK(r.body.find("\"OperationOutcome\"") != std::string::npos);
      CHECK(r.body.find("transient") != std::string::npos);
    }
    // A batch: each entry says 503 on its own.
    r = api.handle(request("POST", "",
                           R"({"resourceType":"Bundle","type":"batch","entry":[)" + kEntry + "]}"));
    CHECK(r.status == 200);
    CHECK(r.body.find(R"("status":"503")") != std::string::npos);
  }
  for (const char* suffix : {"", "-wal", "-shm"}) std::filesystem::remove(db.string() + suffix);
}
