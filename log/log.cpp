#include "log/log.hpp"

#include <spdlog/logger.h>
#include <spdlog/pattern_formatter.h>
#include <spdlog/sinks/stdout_sinks.h>

#include <atomic>
#include <cstdio>

namespace hidewire::log {
namespace {

spdlog::level::level_enum to_spdlog(Level l) {
  switch (l) {
    case Level::Debug: return spdlog::level::debug;
    case Level::Info: return spdlog::level::info;
    case Level::Warn: return spdlog::level::warn;
    case Level::Error: return spdlog::level::err;
  }
  return spdlog::level::info;
}

// The level by the names the configuration uses (spdlog's own says "warning", "critical").
class LevelFlag : public spdlog::custom_flag_formatter {
 public:
  explicit LevelFlag(bool pad) : pad_(pad) {}
  void format(const spdlog::details::log_msg& m, const std::tm&, spdlog::memory_buf_t& dest) override {
    std::string_view s = m.level <= spdlog::level::debug ? "debug" : m.level == spdlog::level::info ? "info" : m.level == spdlog::level::warn ? "warn" : "error";
    dest.append(s.data(), s.data() + s.size());
    if (pad_)
      for (std::size_t i = s.size(); i < 5; ++i) dest.push_back(' ');
  }
  std::unique_ptr<custom_flag_formatter> clone() const override { return std::make_unique<LevelFlag>(pad_); }

 private:
  bool pad_;
};

std::atomic<bool> json_lines{false};

void apply(spdlog::logger& l, Level level, Format format) {
  auto f = std::make_unique<spdlog::pattern_formatter>(spdlog::pattern_time_type::utc, "\n");
  bool json = format == Format::Json;
  f->add_flag<LevelFlag>('*', !json);
  f->set_pattern(json ? R"({"ts":"%Y-%m-%dT%H:%M:%S.%eZ","level":"%*",%v})" : "%Y-%m-%dT%H:%M:%S.%eZ %* %v");
  json_lines = json;
  l.set_formatter(std::move(f));
  l.set_level(to_spdlog(level));
}

spdlog::logger& logger() {
  // Standard error, flushed each line: the CLI's standard output is data, and a crash loses nothing logged.
  static spdlog::logger l = [] {
    spdlog::logger made("hidewire", std::make_shared<spdlog::sinks::stderr_sink_mt>());
    apply(made, Level::Info, Format::Text);
    return made;
  }();
  return l;
}

std::size_t utf8_length(std::string_view s, std::size_t i) {
  auto c = static_cast<unsigned char>(s[i]);
  std::size_t n = c >= 0xf0 && c <= 0xf4 ? 4 : c >= 0xe0 ? 3 : c >= 0xc2 && c < 0xe0 ? 2 : 0;
  if (c >= 0xf5 || n == 0 || i + n > s.size()) return 0;
  for (std::size_t k = 1; k < n; ++k)
    if ((static_cast<unsigned char>(s[i + k]) & 0xc0) != 0x80) return 0;
  return n;
}

// A JSON string; bytes that are not UTF-8 become U+FFFD, so every line stays parseable.
void quote(std::string& out, std::string_view s) {
  out += '"';
  for (std::size_t i = 0; i < s.size(); ++i) {
    auto c = static_cast<unsigned char>(s[i]);
    if (c == '"' || c == '\\') {
      out += '\\';
      out += static_cast<char>(c);
    } else if (c == '\n') {
      out += "\\n";
    } else if (c < 0x20 || c == 0x7f) {
      char buf[8];
      std::snprintf(buf, sizeof buf, "\\u%04x", c);
      out += buf;
    } else if (c < 0x80) {
      out += static_cast<char>(c);
    } else if (std::size_t n = utf8_length(s, i)) {
      out.append(s.substr(i, n));
      i += n - 1;
    } else {
      out += "\\ufffd";
    }
  }
  out += '"';
}

// key=value, quoted when empty or holding a space, quote, '=' or control character.
void text_value(std::string& out, std::string_view v) {
  bool plain = !v.empty();
  for (char c : v)
    if (c == ' ' || c == '"' || c == '=' || static_cast<unsigned char>(c) < 0x20) plain = false;
  if (plain) out += v;
  else quote(out, v);
}

}  // namespace

Field::Field(std::string_view k, double v) : key(k), number(true) {
  char buf[32];
  std::snprintf(buf, sizeof buf, "%.3f", v);
  value = buf;
}

void configure(Level level, Format format) { apply(logger(), level, format); }

bool parse_level(std::string_view t, Level& out) {
  for (auto [name, l] : {std::pair{"debug", Level::Debug}, {"info", Level::Info}, {"warn", Level::Warn}, {"error", Level::Error}})
    if (t == name) return out = l, true;
  return false;
}

bool parse_format(std::string_view t, Format& out) {
  if (t == "text") out = Format::Text;
  else if (t == "json") out = Format::Json;
  else return false;
  return true;
}

bool enabled(Level level) { return logger().should_log(to_spdlog(level)); }

void write(Level level, std::string_view msg, Fields fields) {
  spdlog::logger& l = logger();
  auto lv = to_spdlog(level);
  if (!l.should_log(lv)) return;
  std::string line;
  if (json_lines) {
    line += "\"msg\":";
    quote(line, msg);
    for (const Field& f : fields) {
      line += ',';
      quote(line, f.key);
      line += ':';
      if (f.number) line += f.value;
      else quote(line, f.value);
    }
  } else {
    line += msg;
    for (const Field& f : fields) {
      line += ' ';
      line += f.key;
      line += '=';
      text_value(line, f.value);
    }
  }
  l.log(lv, spdlog::string_view_t(line.data(), line.size()));
}

}  // namespace hidewire::log
