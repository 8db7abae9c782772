// The client under the fan-out: one thread, every call ended by its deadline (even one waiting
// for a connection), the peer's CA alone trusted, https only, answers bounded in size, and
// stop() answering what is in flight.
#include <doctest/doctest.h>

#include <future>

#include "federation/peer_client.hpp"
#include "tests/federation/holders.hpp"

using namespace hidewire;
using namespace hidewire::federation;
using hw_fed_test::Holder;
using hw_fed_test::pki;

namespace {

PeerCall call_to(const Holder& h, int deadline_ms, const std::string& ca = "ca.crt") {
  PeerCall c;
  c.url = h.url() + "/Patient/$hidewire-holds-record";
  c.body = R"({"resourceType":"Parameters"})";
  c.tls = {pki().file("rx9.crt"), pki().file("rx9.key"), pki().file(ca), false};
  c.deadline = Clock::now() + std::chrono::milliseconds(deadline_ms);
  return c;
}

PeerReply wait(std::future<PeerReply>& f) {
  REQUIRE(f.wait_for(std::chrono::seconds(20)) == std::future_status::ready);
  return f.get();
}

}  // namespace

TEST_CASE("peer client: a call waiting for a connection to a busy peer still ends at its deadline") {
  Holder slow("RXX", "acute-trust");
  slow.open = true;
  slow.answer = [&](const std::string&, const http::Request&, hw_fed_test::Reply reply) { slow.later(3000, Holder::json(200, "{}"), std::move(reply)); };
  ClientLimits limits;
  limits.max_connections = 1;
  limits.max_per_host = 1;
  PeerClient client(limits);
  std::promise<PeerReply> a, b;
  auto t0 = Clock::now();
  client.post(call_to(slow, 500), [&](PeerReply r) { a.set_value(std::move(r)); });
  client.post(call_to(slow, 500), [&](PeerReply r) { b.set_value(std::move(r)); });
  auto fa = a.get_future(), fb = b.get_future();
  PeerReply ra = wait(fa), rb = wait(fb);
  double s = std::chrono::duration<double>(Clock::now() - t0).count();
  CHECK(ra.kind == PeerReply::Kind::TimedOut);
  CHECK(rb.kind == PeerReply::Kind::TimedOut);
  CHECK(s < 0.5 + 0.25);
}

TEST_CASE("peer client: only the peer's own CA, only https, answers of bounded size") {
  Holder h("RXX", "acute-trust");
  h.open = true;
  std::string big(300000, 'x');
  h.answer = [&](const std::string&, const http::Request&, hw_fed_test::Reply reply) { reply(Holder::json(200, "\"" + big + "\"")); };
  ClientLimits limits;
  limits.max_answer_bytes = 100000;
  PeerClient client(limits);
  std::promise<PeerReply> stranger, plain, large;
  client.post(call_to(h, 3000, "stranger-ca.crt"), [&](PeerReply r) { stranger.set_value(std::move(r)); });
  PeerCall http = call_to(h, 3000);
  http.url = "http://127.0.0.1:" + std::to_string(h.server->port()) + "/Patient/$hidewire-holds-record";
  client.post(http, [&](PeerReply r) { plain.set_value(std::move(r)); });
  client.post(call_to(h, 3000), [&](PeerReply r) { large.set_value(std::move(r)); });
  auto fs = stranger.get_future(), fp = plain.get_future(), fl = large.get_future();
  PeerReply rs = wait(fs), rp = wait(fp), rl = wait(fl);
  CHECK(rs.kind == PeerReply::Kind::TlsRefused);
  CHECK(rp.kind == PeerReply::Kind::Unreachable);  // unsupported protocol: never sent in the clear
  CHECK(rl.kind == PeerReply::Kind::TooLarge);
  CHECK(rl.body.empty());
  CHECK(h.calls("$hidewire-holds-record") == 1);  // only the large one reached it
}

TEST_CASE("peer client: an answer comes back whole, with its status") {
  Holder h("A81001", "gp-practice");
  h.open = true;
  h.answer = [&](const std::string&, const http::Request& r, hw_fed_test::Reply reply) {
    reply(Holder::json(r.header("x-request-id") == "corr-1" ? 200 : 400, R"({"resourceType":"Parameters","parameter":[]})"));
  };
  PeerClient client;
  PeerCall c = call_to(h, 3000);
  c.headers.push_back("X-Request-ID: corr-1");
  std::promise<PeerReply> p;
  client.post(c, [&](PeerReply r) { p.set_value(std::move(r)); });
  auto f = p.get_future();
  PeerReply r = wait(f);
  CHECK(r.kind == PeerReply::Kind::Answered);
  CHECK(r.status == 200);
  CHECK(r.body == R"({"resourceType":"Parameters","parameter":[]})");
}

TEST_CASE("peer client: stop() answers the calls in flight at once") {
  Holder slow("RXX", "acute-trust");
  slow.open = true;
  slow.answer = [&](const std::string&, const http::Request&, hw_fed_test::Reply reply) { slow.later(3000, Holder::json(200, "{}"), std::move(reply)); };
  auto client = std::make_unique<PeerClient>();
  std::promise<PeerReply> p;
  client->post(call_to(slow, 10000), [&](PeerReply r) { p.set_value(std::move(r)); });
  std::this_thread::sleep_for(std::chrono::milliseconds(200));
  auto t0 = Clock::now();
  client->stop();
  auto f = p.get_future();
  PeerReply r = wait(f);
  CHECK(r.kind == PeerReply::Kind::Stopped);
  CHECK(std::chrono::duration<double>(Clock::now() - t0).count() < 1.0);
  std::promise<PeerReply> after;
  client->post(call_to(slow, 1000), [&](PeerReply r) { after.set_value(std::move(r)); });  // answered on this thread
  auto fa = after.get_future();
  CHECK(wait(fa).kind == PeerReply::Kind::Stopped);
}
