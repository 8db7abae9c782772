// The log's two formats, levels and escaping, read back from standard error.
#include <doctest/doctest.h>

#include <unistd.h>

#include <cstdio>
#include <fstream>
#include <iterator>
#include <string>

#include "log/log.hpp"

namespace hwlog = hidewire::log;

namespace {

// What `write` puts on standard error while it runs.
template <typename F>
std::string captured(F write) {
  std::fflush(stderr);
  char path[] = "/tmp/hidewire-log-XXXXXX";
  int fd = ::mkstemp(path);
  REQUIRE(fd >= 0);
  int saved = ::dup(2);
  ::dup2(fd, 2);
  write();
  std::fflush(stderr);
  ::dup2(saved, 2);
  ::close(saved);
  ::close(fd);
  std::ifstream in(path);
  std::string text((std::istreambuf_iterator<char>(in)), std::istreambuf_iterator<char>());
  ::unlink(path);
  return text;
}

}  // namespace

TEST_CASE("text: time, level, message and key=value fields; below the level nothing") {
  hwlog::configure(hwlog::Level::Info, hwlog::Format::Text);
  std::string out = captured([] {
    hwlog::debug("hidden", {{"x", 1}});
    hwlog::info("request", {{"method", "GET"}, {"path", "/Patient"}, {"status", 200}, {"caller", "gp one"}, {"empty", ""}, {"latency_ms", 1.5}});
  });
  CHECK(out.find("hidden") == std::string::npos);
  CHECK_MESSAGE(out.find("Z info  request method=GET path=/Patient status=200 caller=\"gp one\" empty=\"\" latency_ms=1.500\n") != std::string::npos, out);
  CHECK(out.size() > 24);
  CHECK(out[4] == '-');
  CHECK(out[10] == 'T');
  CHECK_FALSE(hwlog::enabled(hwlog::Level::Debug));
  CHECK(hwlog::enabled(hwlog::Level::Warn));
}

TEST_CASE("json: one object per line, numbers unquoted, strings escaped and kept UTF-8") {
  hwlog::configure(hwlog::Level::Debug, hwlog::Format::Json);
  std::string out = captured([] {
    hwlog::warn("message", {{"source", "pas"}, {"outcome", "rejected"}, {"journal_id", 7L}});
    hwlog::debug("odd \"text\"\n", {{"bytes", std::string("caf\xc3\xa9 \xff\x01")}});
  });
  hwlog::configure(hwlog::Level::Info, hwlog::Format::Text);
  CHECK_MESSAGE(out.find(R"(,"level":"warn","msg":"message","source":"pas","outcome":"rejected","journal_id":7})" "\n") != std::string::npos, out);
  CHECK_MESSAGE(out.find(R"("level":"debug","msg":"odd \"text\"\n","bytes":"caf)" "\xc3\xa9" R"( \ufffd\u0001"})") != std::string::npos, out);
  CHECK(out.rfind("{\"ts\":\"", 0) == 0);
}

TEST_CASE("level and format names") {
  hwlog::Level l{};
  hwlog::Format f{};
  CHECK((hwlog::parse_level("warn", l) && l == hwlog::Level::Warn));
  CHECK_FALSE(hwlog::parse_level("warning", l));
  CHECK((hwlog::parse_format("json", f) && f == hwlog::Format::Json));
  CHECK_FALSE(hwlog::parse_format("xml", f));
}
