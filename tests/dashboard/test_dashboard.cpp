// The dashboard's in-memory parts: the last hour's activity per channel (counts, latency
// percentiles, delivery attempts) and the sign-in sessions (cap, idle expiry, cookies).
#include <doctest/doctest.h>

#include <thread>

#include "dashboard/sessions.hpp"
#include "node/activity.hpp"

using namespace hidewire;

TEST_CASE("activity: 60 one-minute points, this minute's counts and latency percentiles") {
  node::Activity a;
  for (int i = 1; i <= 1000; ++i) a.answered("pas", i % 10 != 0, static_cast<double>(i), i % 10 ? "" : "PID-3: NHS number fails Modulus 11");
  auto s = a.series("pas");
  REQUIRE(s.size() == 60);
  CHECK(s.back().received == 1000);
  CHECK(s.back().accepted == 900);
  CHECK(s.back().rejected == 100);
  REQUIRE(s.back().p50.has_value());
  // Reservoir-sampled (256 of 1000): the median of 1..1000 within a generous band.
  CHECK(*s.back().p50 > 350);
  CHECK(*s.back().p50 < 650);
  CHECK(*s.back().p95 > 850);
  for (std::size_t i = 0; i + 1 < s.size(); ++i) {
    CHECK(s[i].minute + 1 == s[i + 1].minute);
    CHECK(s[i].received == 0);
    CHECK(!s[i].p50.has_value());
  }
  REQUIRE(a.last_error("pas"));
  CHECK(a.last_error("pas")->text.find("Modulus 11") != std::string::npos);
  CHECK(a.series("elsewhere").size() == 60);
  CHECK(!a.last_error("elsewhere"));
}

TEST_CASE("activity: delivery attempts per message and a destination's counts") {
  node::Activity a;
  a.routed("gp");
  a.attempt("gp", 12, 1, "retrying", "HTTP 503");
  CHECK(a.destination("gp").retrying);
  a.attempt("gp", 12, 2, "delivered", "", 42.0);
  auto list = a.attempts(12);
  REQUIRE(list.size() == 2);
  CHECK(list[0].outcome == "retrying");
  CHECK(list[0].detail == "HTTP 503");
  CHECK(list[1].attempt == 2);
  auto d = a.destination("gp");
  CHECK(d.routed == 1);
  CHECK(d.delivered == 1);
  CHECK(!d.retrying);
  CHECK(a.series("gp", true).back().delivered == 1);
  CHECK(*a.series("gp", true).back().p50 == doctest::Approx(42.0));
  CHECK(a.series("gp").back().delivered == 0);  // a source of the same name is another channel
  REQUIRE(a.last_error("gp", true));
  CHECK(!a.last_error("gp"));
  // Only the latest entries are kept: the oldest are forgotten first.
  for (std::int64_t id = 100; id < 100 + static_cast<std::int64_t>(node::Activity::kTrackedEntries); ++id) a.attempt("store", id, 1, "delivered", "");
  CHECK(a.attempts(12).empty());
  CHECK(a.attempts(100).size() == 1);
}

TEST_CASE("sessions: a cap, an idle timeout, unknown and malformed cookies") {
  dashboard::Sessions s({2, std::chrono::seconds(1), std::chrono::seconds(3600)});
  node::Caller ops;
  ops.id = "ops";
  std::string c1, c2, c3;
  auto a = s.start(ops, "admin", c1);
  REQUIRE(a);
  CHECK(c1.size() == 64);
  CHECK(a->csrf.size() == 64);
  CHECK(a->csrf != c1);
  REQUIRE(s.start(ops, "viewer", c2));
  CHECK(c1 != c2);
  CHECK(!s.start(ops, "viewer", c3));  // the cap
  REQUIRE(s.find(c1));
  CHECK(s.find(c1)->role == "admin");
  CHECK(!s.find(std::string(64, '0')));
  CHECK(!s.find("short"));
  s.end(c2);
  CHECK(!s.find(c2));
  std::this_thread::sleep_for(std::chrono::milliseconds(1200));
  CHECK(!s.find(c1));  // unused past the idle timeout
  CHECK(s.start(ops, "viewer", c3));
}

TEST_CASE("cookie_value reads one cookie of a Cookie header") {
  CHECK(dashboard::cookie_value("a=1; hw_session=abc; b=2", "hw_session") == "abc");
  CHECK(dashboard::cookie_value("hw_session=x", "hw_session") == "x");
  CHECK(dashboard::cookie_value("xhw_session=x; hw_sessionx=y", "hw_session").empty());
  CHECK(dashboard::cookie_value("", "hw_session").empty());
}
