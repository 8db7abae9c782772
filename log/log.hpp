// The node's log: levels, one line per event with named fields, as text or as JSON lines.
// spdlog stays behind this header (only log/log.cpp includes it), so the many files that log
// do not compile it. Health data: no message content, token or NHS number in a field or message
// above debug level; callers check `enabled(Level::Debug)` before building such a line.
#pragma once

#include <initializer_list>
#include <string>
#include <string_view>

namespace hidewire::log {

enum class Level { Debug, Info, Warn, Error };
enum class Format { Text, Json };

// One named value; numbers are written unquoted in JSON.
struct Field {
  Field(std::string_view k, std::string_view v) : key(k), value(v) {}
  Field(std::string_view k, const std::string& v) : key(k), value(v) {}
  Field(std::string_view k, const char* v) : key(k), value(v ? v : "") {}
  Field(std::string_view k, long long v) : key(k), value(std::to_string(v)), number(true) {}
  Field(std::string_view k, long v) : Field(k, static_cast<long long>(v)) {}
  Field(std::string_view k, int v) : Field(k, static_cast<long long>(v)) {}
  Field(std::string_view k, unsigned long v) : key(k), value(std::to_string(v)), number(true) {}
  Field(std::string_view k, unsigned v) : Field(k, static_cast<unsigned long>(v)) {}
  Field(std::string_view k, double v);  // with 3 decimals: latencies in milliseconds
  std::string_view key;
  std::string value;
  bool number = false;
};

using Fields = std::initializer_list<Field>;

// Before configure: text at info, on standard error (standard output is the CLI's data).
void configure(Level level, Format format);
// "debug", "info", "warn", "error" / "text", "json"; false when not one of them.
bool parse_level(std::string_view text, Level& out);
bool parse_format(std::string_view text, Format& out);
bool enabled(Level level);

void write(Level level, std::string_view msg, Fields fields = {});
inline void debug(std::string_view msg, Fields fields = {}) { write(Level::Debug, msg, fields); }
inline void info(std::string_view msg, Fields fields = {}) { write(Level::Info, msg, fields); }
inline void warn(std::string_view msg, Fields fields = {}) { write(Level::Warn, msg, fields); }
inline void error(std::string_view msg, Fields fields = {}) { write(Level::Error, msg, fields); }

}  // namespace hidewire::log
