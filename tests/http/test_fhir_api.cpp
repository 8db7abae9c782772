// The FHIR REST API over loopback, spoken to with libcurl as any client would.
#include <doctest/doctest.h>

#include <curl/curl.h>
#include <rapidjson/pointer.h>

#include <boost/asio/io_context.hpp>

#include <algorithm>
#include <filesystem>
#include <map>
#include <thread>

#include "hl7v2/message.hpp"
#include "fhir/clock.hpp"
#include "fhir/codec.hpp"
#include "fhir/validator.hpp"
#include "fhirpath/fhirpath.hpp"
#include "mapping/engine/converter.hpp"
#include "api/fhir_api.hpp"
#include "plugins/access/allow_all/allow_all.hpp"
#include "plugins/stores/sqlite/fhir_store.hpp"
#include "api/fhir_search.hpp"
#include "tests/fhir/test_support.hpp"

using namespace hidewire;

namespace {

struct Reply {
  long status = 0;
  std::string body, etag;
};

std::size_t collect(char* p, std::size_t s, std::size_t n, void* out) {
  static_cast<std::string*>(out)->append(p, s * n);
  return s * n;
}
std::size_t header(char* p, std::size_t s, std::size_t n, void* out) {
  std::string line(p, s * n);
  if (line.rfind("ETag:", 0) == 0) *static_cast<std::string*>(out) = line.substr(6, line.find('\r') - 6);
  return s * n;
}

Reply call(const std::string& method, const std::string& url, const std::string& body = {}) {
  CURL* c = curl_easy_init();
  Reply r;
  curl_slist* headers = curl_slist_append(nullptr, "Content-Type: application/fhir+json");
  curl_easy_setopt(c, CURLOPT_URL, url.c_str());
  curl_easy_setopt(c, CURLOPT_CUSTOMREQUEST, method.c_str());
  curl_easy_setopt(c, CURLOPT_HTTPHEADER, headers);
  if (!body.empty() || method == "POST" || method == "PUT") {
    curl_easy_setopt(c, CURLOPT_POSTFIELDS, body.c_str());
    curl_easy_setopt(c, CURLOPT_POSTFIELDSIZE, static_cast<long>(body.size()));
  }
  curl_easy_setopt(c, CURLOPT_WRITEFUNCTION, collect);
  curl_easy_setopt(c, CURLOPT_WRITEDATA, &r.body);
  curl_easy_setopt(c, CURLOPT_HEADERFUNCTION, header);
  curl_easy_setopt(c, CURLOPT_HEADERDATA, &r.etag);
  curl_easy_setopt(c, CURLOPT_TIMEOUT, 10L);
  REQUIRE(curl_easy_perform(c) == CURLE_OK);
  curl_easy_getinfo(c, CURLINFO_RESPONSE_CODE, &r.status);
  curl_slist_free_all(headers);
  curl_easy_cleanup(c);
  return r;
}

std::vector<std::string> eval(const std::string& json, const std::string& expr) {
  fhir::Node n;
  fhir::Diagnostics d;
  REQUIRE(fhir::parse_json(json, fhir::Schema::r4(), n, d));
  fhirpath::EvalContext ctx;
  ctx.resource = &n;
  std::vector<std::string> out;
  for (const auto& v : fhirpath::Expression::compile(expr).evaluate(ctx)) {
    auto s = fhirpath::to_system(v);
    out.push_back(s ? fhirpath::to_display(*s) : "<node>");
  }
  return out;
}

struct Node {
  std::filesystem::path db = std::filesystem::temp_directory_path() / ("hw-api-" + std::to_string(::getpid()) + ".db");
  std::unique_ptr<node::FhirStore> store;
  std::unique_ptr<node::AccessPolicy> policy = plugins::allow_all::make();
  std::unique_ptr<http::FhirApi> api;
  boost::asio::io_context io;
  std::unique_ptr<http::Server> server;
  std::thread thread;
  std::string base;
  Node() {
    std::filesystem::remove(db);
    store = std::make_unique<plugins::SqliteFhirStore>(db.string());
    api = std::make_unique<http::FhirApi>(*store, *policy);
    server = std::make_unique<http::Server>(io, boost::asio::ip::tcp::endpoint(boost::asio::ip::make_address("127.0.0.1"), 0),
                                            [this](const http::Request& r) { return api->handle(r); }, 256 * 1024);
    base = "http://127.0.0.1:" + std::to_string(server->port());
    thread = std::thread([this] { io.run(); });
  }
  ~Node() {
    server->stop();
    io.stop();
    thread.join();
    store.reset();
    for (const char* ext : {"", "-wal", "-shm"}) std::filesystem::remove(db.string() + ext);
  }
};

std::string bundle_of(const std::string& file) {
  hl7v2::ParseError err;
  auto m = hl7v2::parse(hw_test::read_file(hw_test::data_path("hl7v2/" + file)), err);
  REQUIRE(m);
  return mapping::convert(*m).bundle_json;
}

// The admission with PID-24/25: one of twins, born second.
std::string twin_admission() {
  std::string text = hw_test::read_file(hw_test::data_path("hl7v2/adt_a01_v251.hl7"));
  std::size_t at = text.find("\rPID|") + 1, end = text.find('\r', at);
  text.replace(at, end - at, "PID|1||9434765919^^^NHS^NH||SMITH^MARGARET^ANN||19410302|F" + std::string(15, '|') + "|Y|2");
  hl7v2::ParseError err;
  auto m = hl7v2::parse(text, err);
  REQUIRE(m);
  mapping::Conversion c = mapping::convert(*m);
  REQUIRE(c.ok);
  return c.bundle_json;
}

// The JSON type of the member at a JSON Pointer, e.g. "number" for /valueQuantity/value.
std::string json_type(const std::string& json, const char* pointer) {
  rapidjson::Document d;
  d.Parse(json.c_str());
  const rapidjson::Value* v = rapidjson::Pointer(pointer).Get(d);
  if (!v) return "absent";
  return v->IsNumber() ? "number" : v->IsString() ? "string" : "other";
}

// The next link of a searchset; empty on the last page.
std::string next_of(const std::string& bundle) {
  rapidjson::Document d;
  d.Parse(bundle.c_str());
  if (d.IsObject() && d.HasMember("link"))
    for (const auto& l : d["link"].GetArray())
      if (l["relation"] == "next") return l["url"].GetString();
  return "";
}

// A transaction Bundle of `n` Provenance recorded at `recorded`.
std::string provenances(int n, const char* recorded) {
  std::string b = R"({"resourceType":"Bundle","type":"transaction","entry":[)";
  for (int i = 0; i < n; ++i)
    b += std::string(i ? "," : "") + R"({"resource":{"resourceType":"Provenance","target":[{"reference":"Patient/p"}],"recorded":")" +
         recorded + R"(","agent":[{"who":{"display":"lab"}}]},"request":{"method":"POST","url":"Provenance"}})";
  return b + "]}";
}

}  // namespace

TEST_CASE("transaction in, then read, search, vread, history and $everything out") {
  Node n;
  Reply tx = call("POST", n.base, bundle_of("adt_a01_v251.hl7"));
  REQUIRE_MESSAGE(tx.status == 200, tx.body);
  CHECK(eval(tx.body, "type") == std::vector<std::string>{"transaction-response"});
  REQUIRE(call("POST", n.base, bundle_of("oru_r01_v251.hl7")).status == 200);

  Reply found = call("GET", n.base + "/Patient?identifier=https://fhir.nhs.uk/Id/nhs-number%7C9434765919");
  REQUIRE(found.status == 200);
  auto ids = eval(found.body, "entry.resource.id");
  REQUIRE(ids.size() == 1);
  std::string pid = ids[0];
  Reply p = call("GET", n.base + "/Patient/" + pid);
  CHECK(p.status == 200);
  CHECK(p.etag == "W/\"1\"");
  CHECK(eval(p.body, "name.family") == std::vector<std::string>{"SMITH"});

  std::string changed = p.body;
  changed.replace(changed.find("\"SMITH\""), 7, "\"SMYTHE\"");
  Reply put = call("PUT", n.base + "/Patient/" + pid, changed);
  CHECK(put.status == 200);
  CHECK(put.etag == "W/\"2\"");
  CHECK(eval(call("GET", n.base + "/Patient/" + pid + "/_history/1").body, "name.family") == std::vector<std::string>{"SMITH"});
  CHECK(eval(call("GET", n.base + "/Patient/" + pid + "/_history").body, "entry.count()") == std::vector<std::string>{"2"});

  Reply obs = call("GET", n.base + "/Observation?patient=Patient/" + pid + "&_count=2");
  CHECK(eval(obs.body, "entry.count()") == std::vector<std::string>{"2"});
  CHECK(eval(obs.body, "link.where(relation = 'next').url.contains('_count=2&_page_after=')") == std::vector<std::string>{"true"});
  Reply all = call("GET", n.base + "/Patient/" + pid + "/$everything");
  CHECK(all.status == 200);
  CHECK(eval(all.body, "entry.resource.ofType(Observation).count()") == std::vector<std::string>{"5"});
  CHECK(eval(all.body, "entry.first().resource is Patient") == std::vector<std::string>{"true"});
}

TEST_CASE("errors are OperationOutcomes with the right status") {
  Node n;
  Reply missing = call("GET", n.base + "/Patient/nope");
  CHECK(missing.status == 404);
  CHECK(eval(missing.body, "issue.code") == std::vector<std::string>{"not-found"});
  CHECK(call("GET", n.base + "/Frobnicator/1").status == 404);
  Reply invalid = call("POST", n.base + "/Patient", R"({"resourceType":"Patient","birthDate":"1941-02-30",)"
                                                     R"("identifier":[{"system":"https://fhir.nhs.uk/Id/nhs-number","value":"9434765918"}]})");
  CHECK(invalid.status == 422);
  CHECK(eval(invalid.body, "issue.where(severity = 'error').count() >= 2") == std::vector<std::string>{"true"});
  CHECK(call("POST", n.base + "/Patient", "{not json").status == 400);
  CHECK(call("POST", n.base + "/Observation", R"({"resourceType":"Patient"})").status == 400);
  CHECK(call("GET", n.base + "/Patient?colour=blue").status == 400);
  Reply big = call("POST", n.base + "/Patient", std::string(300 * 1024, ' '));
  CHECK(big.status == 413);
  CHECK(call("DELETE", n.base + "/Patient/1").status == 405);
  Reply created = call("POST", n.base + "/Patient", R"({"resourceType":"Patient","active":true})");
  CHECK(created.status == 201);
}

TEST_CASE("the CapabilityStatement is itself valid FHIR; batch entries stand alone") {
  Node n;
  Reply cap = call("GET", n.base + "/metadata");
  REQUIRE(cap.status == 200);
  fhir::Node node;
  fhir::Diagnostics d;
  REQUIRE(fhir::parse_json(cap.body, fhir::Schema::r4(), node, d));
  fhir::validate(node, fhir::Schema::r4(), d);
  std::string problems;
  for (const auto& i : d.issues()) problems += i.location + ": " + i.message + "\n";
  CHECK_MESSAGE(d.error_count() == 0, problems);
  std::string batch = R"({"resourceType":"Bundle","type":"batch","entry":[
    {"resource":{"resourceType":"Patient","active":true},"request":{"method":"POST","url":"Patient"}},
    {"resource":{"resourceType":"Patient","active":false},"request":{"method":"DELETE","url":"Patient/x"}}]})";
  Reply b = call("POST", n.base, batch);
  CHECK(b.status == 200);
  CHECK(eval(b.body, "entry.response.status") == std::vector<std::string>{"201 Created", "400"});
}

TEST_CASE("decimals and integers come out as JSON numbers, so what was read can be written back") {
  Node n;
  REQUIRE(call("POST", n.base, twin_admission()).status == 200);
  REQUIRE(call("POST", n.base, bundle_of("oru_r01_v251.hl7")).status == 200);
  Reply found = call("GET", n.base + "/Patient?identifier=https://fhir.nhs.uk/Id/nhs-number%7C9434765919");
  auto ids = eval(found.body, "entry.resource.id");
  REQUIRE(ids.size() == 1);
  Reply patient = call("GET", n.base + "/Patient/" + ids[0]);
  REQUIRE(patient.status == 200);
  CHECK(json_type(patient.body, "/multipleBirthInteger") == "number");
  CHECK(patient.body.find(R"("multipleBirthInteger":2)") != std::string::npos);
  CHECK(call("PUT", n.base + "/Patient/" + ids[0], patient.body).status == 200);

  Reply obs = call("GET", n.base + "/Observation?patient=" + ids[0]);
  auto obs_ids = eval(obs.body, "entry.resource.id");
  REQUIRE(obs_ids.size() == 5);  // the weight from the ADT, four lab results
  bool weight_seen = false;
  for (const std::string& id : obs_ids) {
    Reply o = call("GET", n.base + "/Observation/" + id);
    REQUIRE(o.status == 200);
    CHECK(json_type(o.body, "/valueQuantity/value") == "number");
    weight_seen |= o.body.find(R"("value":61.5,)") != std::string::npos;
    Reply back = call("PUT", n.base + "/Observation/" + id, o.body);
    CHECK_MESSAGE(back.status == 200, back.body);
  }
  CHECK(weight_seen);
}

TEST_CASE("search pages by key: every match reachable once, _count=0 is the total, _count is capped") {
  Node n;
  for (int i = 0; i < 6; ++i) n.store->transaction(provenances(500, "2026-11-24T10:00:00Z"));  // straight in: paging is under test
  std::map<std::string, int> seen;
  int originals = 0, pages = 0;
  std::string url = n.base + "/Provenance?_count=100";
  while (!url.empty() && pages < 100) {
    Reply r = call("GET", url);
    REQUIRE_MESSAGE(r.status == 200, url << ": " << r.body);
    rapidjson::Document d;
    d.Parse(r.body.c_str());
    for (const auto& e : d["entry"].GetArray()) {
      ++seen[e["resource"]["id"].GetString()];
      originals += e["resource"]["recorded"] == "2026-11-24T10:00:00Z";
    }
    if (++pages == 5) n.store->transaction(provenances(40, "2026-11-25T10:00:00Z"));  // written during the walk
    url = next_of(r.body);
  }
  CHECK(originals == 3000);
  CHECK(seen.size() == 3040);
  CHECK(std::all_of(seen.begin(), seen.end(), [](const auto& kv) { return kv.second == 1; }));

  Reply total = call("GET", n.base + "/Provenance?_count=0");
  CHECK(json_type(total.body, "/total") == "number");
  CHECK(total.body.find(R"("total":3040)") != std::string::npos);
  CHECK(json_type(total.body, "/entry") == "absent");
  CHECK(next_of(total.body).empty());
  CHECK(call("GET", n.base + "/Provenance?_summary=count").body == total.body);

  Reply big = call("GET", n.base + "/Provenance?_count=5000");
  REQUIRE(big.status == 200);
  CHECK(eval(big.body, "entry.resource.ofType(Provenance).count()") == std::vector<std::string>{"1000"});
  CHECK(eval(big.body, "entry.where(search.mode = 'outcome').resource.issue.diagnostics.contains('maximum of 1000')") ==
        std::vector<std::string>{"true"});
  CHECK(next_of(big.body).find("_count=1000&") != std::string::npos);
  CHECK(call("GET", n.base + "/Provenance?_page_after=garbage").status == 400);
  for (const std::string& body : {total.body, big.body}) {  // both still valid Bundles
    fhir::Node node;
    fhir::Diagnostics d;
    REQUIRE(fhir::parse_json(body, fhir::Schema::r4(), node, d));
    fhir::validate(node, fhir::Schema::r4(), d);
    std::string problems;
    for (const auto& i : d.issues()) problems += i.location + ": " + i.message + "\n";
    CHECK_MESSAGE(d.error_count() == 0, problems);
  }
}

TEST_CASE("_lastUpdated takes the FHIR prefixes on dates of any precision and refuses what is not one") {
  Node n;
  n.store->transaction(provenances(3, "2026-11-24T10:00:00Z"));
  auto total = [&](const std::string& value) {
    Reply r = call("GET", n.base + "/Provenance?_count=0&_lastUpdated=" + value);
    REQUIRE_MESSAGE(r.status == 200, value << ": " << r.body);
    auto v = eval(r.body, "total");
    return v.empty() ? std::string("no total") : v[0];
  };
  std::string now = fhir::utc_now_instant(), today = now.substr(0, 10), year = now.substr(0, 4);
  CHECK(total("gt2020") == "3");
  CHECK(total("lt2020-01-01") == "0");
  CHECK(total("ge2020-01-01T00:00:00%2B01:00") == "3");
  CHECK(total("le2999-12-31T23:59:59.999Z") == "3");
  CHECK(total(today) == "3");
  CHECK(total("eq" + year) == "3");
  CHECK(total("ne" + today) == "0");
  CHECK(total("sa2020-06") == "3");
  CHECK(total("eb2020-06") == "0");
  CHECK(total("gt" + today) == "0");  // after the whole day
  CHECK(total("ap" + today) == "3");
  CHECK(total("gt2020&_lastUpdated=lt2999") == "3");
  for (const char* bad : {"gt2020xyz", "xx2020", "2020-13", "2021-02-29", "gt2020-01-01T25:00", "gt", "gt2020-01-01T10", "lt2020-01-01T10:00+1",
                          "2020-1-01", "ge+2020"}) {
    Reply r = call("GET", n.base + "/Provenance?_lastUpdated=" + std::string(bad));
    CHECK_MESSAGE(r.status == 400, bad);
    CHECK(eval(r.body, "issue.severity") == std::vector<std::string>{"error"});
  }
}

TEST_CASE("the instants a FHIR date of each precision covers") {
  auto range = [](const char* v) {
    std::string from, before, why;
    REQUIRE_MESSAGE(http::date_range(v, from, before, why), why);
    return from + " " + before;
  };
  CHECK(range("2026") == "2026-01-01T00:00:00.000Z 2027-01-01T00:00:00.000Z");
  CHECK(range("2024-02") == "2024-02-01T00:00:00.000Z 2024-03-01T00:00:00.000Z");
  CHECK(range("2024-02-29") == "2024-02-29T00:00:00.000Z 2024-03-01T00:00:00.000Z");
  CHECK(range("2026-11-24T00:30+01:00") == "2026-11-23T23:30:00.000Z 2026-11-23T23:31:00.000Z");
  CHECK(range("2026-12-31T23:59:59-00:30") == "2027-01-01T00:29:59.000Z 2027-01-01T00:30:00.000Z");
  CHECK(range("2026-11-24T09:15:02.5Z") == "2026-11-24T09:15:02.500Z 2026-11-24T09:15:02.600Z");
  CHECK(range("2026-11-24T09:15:02.123456Z") == "2026-11-24T09:15:02.123Z 2026-11-24T09:15:02.124Z");
  CHECK(range("9999") == "9999-01-01T00:00:00.000Z 9999-12-31T24:00:00.000Z");
  std::string from, before, why;
  for (const char* bad : {"2023-02-29", "0000", "20260", "2026-11-24T09:15:02.Z", "2026-11-24 09:15", "2026-11-24T09:15:02+15:00", ""})
    CHECK_MESSAGE(!http::date_range(bad, from, before, why), bad);
}

TEST_CASE("success outcomes are information, failures errors") {
  // A 2xx OperationOutcome (the HTTP source's 202 and 200, notes in a Bundle) once said "error":
  // a client that checks severities read an accepted message as refused.
  for (int status : {200, 201, 202})
    CHECK(eval(http::operation_outcome(status, "informational", "accepted as message 7").body, "issue.severity") ==
          std::vector<std::string>{"information"});
  for (int status : {400, 404, 422, 503})
    CHECK(eval(http::operation_outcome(status, "invalid", "refused").body, "issue.severity") == std::vector<std::string>{"error"});
  Node n;
  n.store->transaction(provenances(3, "2026-11-24T10:00:00Z"));
  Reply capped = call("GET", n.base + "/Provenance?_count=5000");
  REQUIRE(capped.status == 200);
  CHECK(eval(capped.body, "entry.where(search.mode = 'outcome').resource.issue.severity") == std::vector<std::string>{"information"});
}
