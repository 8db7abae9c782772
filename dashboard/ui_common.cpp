#include <ctime>

#include "dashboard/ui_parts.hpp"

namespace hidewire::dashboard {

http::Response error(int status, const std::string& text) {
  rapidjson::StringBuffer b;
  Writer w(b);
  w.StartObject();
  write_string(w, "error", text);
  w.EndObject();
  return json(b, status);
}

http::Response json(const rapidjson::StringBuffer& out, int status) {
  http::Response r;
  r.status = status;
  r.content_type = "application/json";
  r.body.assign(out.GetString(), out.GetSize());
  return r;
}

bool body_object(const http::Request& r, rapidjson::Document& d, http::Response& bad) {
  d.Parse(r.body.empty() ? "{}" : r.body.c_str(), r.body.empty() ? 2 : r.body.size());
  if (d.HasParseError() || !d.IsObject()) {
    bad = error(400, "the body must be a JSON object");
    return false;
  }
  return true;
}

std::string member_string(const rapidjson::Value& o, const char* key) {
  auto it = o.FindMember(key);
  return it != o.MemberEnd() && it->value.IsString() ? std::string(it->value.GetString(), it->value.GetStringLength()) : std::string();
}

void write_string(Writer& w, const char* key, const std::string& value) {
  w.Key(key);
  w.String(value.data(), static_cast<rapidjson::SizeType>(value.size()));
}

void write_nullable(Writer& w, const char* key, const std::string& value) {
  if (value.empty()) {
    w.Key(key);
    w.Null();
  } else {
    write_string(w, key, value);
  }
}

std::string minute_iso(std::int64_t minute) {
  std::time_t t = static_cast<std::time_t>(minute * 60);
  std::tm tm{};
  gmtime_r(&t, &tm);
  char buf[32];
  std::strftime(buf, sizeof buf, "%Y-%m-%dT%H:%M:00Z", &tm);
  return buf;
}

}  // namespace hidewire::dashboard
