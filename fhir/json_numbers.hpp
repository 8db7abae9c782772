// JSON through rapidjson's DOM without changing its numbers. rapidjson either rounds numbers to
// a double (1.50 -> 1.5, big integers lose digits) or, with kParseNumbersAsStringsFlag, turns
// them into strings ("61.5"), which FHIR refuses for decimal and integer elements. Here a
// number is held as a string that starts with kRawNumber and is written back as the number it
// was, digit for digit. FHIR strings cannot start with that control character (the validator
// refuses control characters), and one that does is still written as a string unless the rest
// is a JSON number.
#pragma once

#include <rapidjson/document.h>
#include <rapidjson/reader.h>
#include <rapidjson/stringbuffer.h>
#include <rapidjson/writer.h>

#include <cstdint>
#include <string>
#include <string_view>

namespace hidewire::fhir::json {

inline constexpr std::string_view kRawNumber = "\x01";

inline bool is_number_text(std::string_view s) {
  std::size_t i = 0, n = s.size();
  auto digits = [&] {
    std::size_t start = i;
    while (i < n && s[i] >= '0' && s[i] <= '9') ++i;
    return i > start;
  };
  if (i < n && s[i] == '-') ++i;
  if (i < n && s[i] == '0') {
    ++i;
  } else if (!digits()) {
    return false;
  }
  if (i < n && s[i] == '.' && (++i, !digits())) return false;
  if (i < n && (s[i] == 'e' || s[i] == 'E')) {
    ++i;
    if (i < n && (s[i] == '+' || s[i] == '-')) ++i;
    if (!digits()) return false;
  }
  return i == n;
}

namespace detail {

// Forwards the reader's events to the document, numbers as marked strings.
struct KeepNumbers {
  rapidjson::Document& d;
  std::string buf;
  using Ch = char;
  using Size = rapidjson::SizeType;
  bool Null() { return d.Null(); }
  bool Bool(bool b) { return d.Bool(b); }
  bool Int(int i) { return d.Int(i); }
  bool Uint(unsigned u) { return d.Uint(u); }
  bool Int64(std::int64_t i) { return d.Int64(i); }
  bool Uint64(std::uint64_t u) { return d.Uint64(u); }
  bool Double(double x) { return d.Double(x); }
  bool RawNumber(const Ch* s, Size n, bool) {
    buf.assign(kRawNumber).append(s, n);
    return d.String(buf.data(), static_cast<Size>(buf.size()), true);
  }
  bool String(const Ch* s, Size n, bool copy) { return d.String(s, n, copy); }
  bool StartObject() { return d.StartObject(); }
  bool Key(const Ch* s, Size n, bool copy) { return d.Key(s, n, copy); }
  bool EndObject(Size n) { return d.EndObject(n); }
  bool StartArray() { return d.StartArray(); }
  bool EndArray(Size n) { return d.EndArray(n); }
};

template <typename W>
void emit(const rapidjson::Value& v, W& w) {
  if (v.IsObject()) {
    w.StartObject();
    for (const auto& m : v.GetObject()) {
      w.Key(m.name.GetString(), m.name.GetStringLength());
      emit(m.value, w);
    }
    w.EndObject();
  } else if (v.IsArray()) {
    w.StartArray();
    for (const auto& x : v.GetArray()) emit(x, w);
    w.EndArray();
  } else if (v.IsString()) {
    std::string_view s(v.GetString(), v.GetStringLength());
    if (s.starts_with(kRawNumber) && is_number_text(s.substr(kRawNumber.size())))
      w.RawValue(s.data() + kRawNumber.size(), s.size() - kRawNumber.size(), rapidjson::kNumberType);
    else
      w.String(s.data(), static_cast<rapidjson::SizeType>(s.size()));
  } else {
    v.Accept(w);
  }
}

}  // namespace detail

// Parses `json` into `d` keeping every number's text; false when it is not JSON.
inline bool parse(const std::string& json, rapidjson::Document& d) {
  bool ok = false;
  auto generate = [&](rapidjson::Document& target) {
    detail::KeepNumbers h{target, {}};
    rapidjson::Reader reader;
    rapidjson::StringStream in(json.c_str());
    ok = !reader.Parse<rapidjson::kParseNumbersAsStringsFlag>(in, h).IsError();
    return ok;
  };
  d.Populate(generate);
  return ok;
}

// Writes a value parsed by parse() (or built with kRawNumber strings) back as JSON.
inline std::string write(const rapidjson::Value& v) {
  rapidjson::StringBuffer b;
  rapidjson::Writer<rapidjson::StringBuffer> w(b);
  detail::emit(v, w);
  return std::string(b.GetString(), b.GetSize());
}

}  // namespace hidewire::fhir::json
