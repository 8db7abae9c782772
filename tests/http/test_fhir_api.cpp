// The FHIR REST API over loopback, spoken to with libcurl as any client would.
#include <doctest/doctest.h>

#include <curl/curl.h>
#include <rapidjson/pointer.h>

#include <boost/asio/io_context.hpp>

#include <filesystem>
#include <thread>

#include "adapters/hl7v2/message.hpp"
#include "fhir/codec.hpp"
#include "fhir/validator.hpp"
#include "fhirpath/fhirpath.hpp"
#include "mapping/engine/converter.hpp"
#include "router/http/fhir_api.hpp"
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
  std::unique_ptr<router::FhirStore> store;
  std::unique_ptr<http::FhirApi> api;
  boost::asio::io_context io;
  std::unique_ptr<http::Server> server;
  std::thread thread;
  std::string base;
  Node() {
    std::filesystem::remove(db);
    store = std::make_unique<router::FhirStore>(db.string());
    api = std::make_unique<http::FhirApi>(*store);
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
  CHECK(eval(obs.body, "link.where(relation = 'next').url.contains('_offset=2')") == std::vector<std::string>{"true"});
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
