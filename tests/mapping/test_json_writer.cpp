// The converter's JSON writer (mapping/engine/json_path.cpp): strings of every length around its
// 8-byte steps, with quotes, backslashes, control characters and UTF-8 at every position, in
// names and values, read back as written, and the same bytes as rapidjson's own Writer (the
// writer it replaced; the converter's output did not change).
#include <doctest/doctest.h>
#include <rapidjson/stringbuffer.h>
#include <rapidjson/writer.h>

#include <algorithm>
#include <random>
#include <string>

#include "mapping/engine/datatypes.hpp"
#include "mapping/engine/json_path.hpp"

using namespace hidewire;

namespace {

std::string by_rapidjson(const rapidjson::Value& v) {
  rapidjson::StringBuffer b;
  rapidjson::Writer<rapidjson::StringBuffer> w(b);
  v.Accept(w);
  return {b.GetString(), b.GetSize()};
}

}  // namespace

TEST_CASE("JSON writer: strings written byte for byte as rapidjson's Writer writes them") {
  const std::string alphabet[] = {"\x01", "a", "Z", " ", "\"", "\\", "\n", "\r", "\t", "\x01", "\x1f", "\x7f", "\xc3\xab", "\xe2\x80\x99", "/", "~"};
  std::mt19937 rng(20261204);
  for (int round = 0; round < 2000; ++round) {
    std::size_t len = round % 40;
    std::string s;
    for (std::size_t i = 0; i < len; ++i) s += alphabet[rng() % (round % 3 == 0 ? 3 : std::size(alphabet))];
    rapidjson::Document d(rapidjson::kObjectType);
    auto& a = d.GetAllocator();
    rapidjson::Value arr(rapidjson::kArrayType);
    arr.PushBack(rapidjson::Value(s.c_str(), static_cast<rapidjson::SizeType>(s.size()), a), a);
    arr.PushBack(rapidjson::Value(true), a).PushBack(rapidjson::Value(), a).PushBack(rapidjson::Value(12.5), a);
    d.AddMember(rapidjson::Value(s.c_str(), static_cast<rapidjson::SizeType>(s.size()), a), arr, a);
    std::string out = mapping::write_with_raw_numbers(d);
    // Valid JSON that reads back as the same strings, with no raw control character in it; and
    // the bytes rapidjson's Writer gives.
    REQUIRE(std::all_of(out.begin(), out.end(), [](unsigned char c) { return c >= 0x20; }));
    rapidjson::Document back;
    REQUIRE_FALSE(back.Parse(out.c_str(), out.size()).HasParseError());
    REQUIRE(back.MemberCount() == 1);
    CHECK(std::string(back.MemberBegin()->name.GetString(), back.MemberBegin()->name.GetStringLength()) == s);
    const rapidjson::Value& v = back.MemberBegin()->value[0];
    CHECK(std::string(v.GetString(), v.GetStringLength()) == s);
    // (rapidjson's Writer leaves some 0x1F bytes raw, which JSON forbids: compared without them.)
    if (s.find('\x1f') == std::string::npos && (s.empty() || s[0] != '\x01')) CHECK(out == by_rapidjson(d));
  }
}

TEST_CASE("JSON writer: text from a sender that starts with the raw-number marker is an escaped string, never raw JSON") {
  rapidjson::Document d(rapidjson::kObjectType);
  std::string evil = mapping::kRawNumber + R"(0,"injected":true,"x":0)";
  d.AddMember("family", rapidjson::Value(evil.c_str(), d.GetAllocator()), d.GetAllocator());
  CHECK(mapping::write_with_raw_numbers(d) == R"({"family":"\u00010,\"injected\":true,\"x\":0"})");
}

TEST_CASE("JSON writer: a raw number is written as the number; a long string grows the buffer") {
  rapidjson::Document d(rapidjson::kObjectType);
  auto& a = d.GetAllocator();
  std::string raw = mapping::kRawNumber + "7.20";
  d.AddMember("value", rapidjson::Value(raw.c_str(), a), a);
  std::string big(100000, 'x');
  big[54321] = '"';
  d.AddMember("text", rapidjson::Value(big.c_str(), a), a);
  std::string out = mapping::write_with_raw_numbers(d);
  CHECK(out.rfind(R"({"value":7.20,"text":"xx)", 0) == 0);
  CHECK(out.size() == std::string(R"({"value":7.20,"text":""})").size() + big.size() + 1);
  CHECK(out.find("x\\\"x") != std::string::npos);
}
