#include "federation/answer_scan.hpp"

#include <rapidjson/document.h>
#include <rapidjson/reader.h>

namespace hidewire::federation {
namespace {

// SAX events with the stream's position: where each entry's resource starts and ends.
struct Scanner {
  Scanner(rapidjson::StringStream* stream, ScannedAnswer& answer) : in(stream), out(answer) {}
  rapidjson::StringStream* in = nullptr;
  ScannedAnswer& out;
  int depth = 0;           // containers open
  int entries_depth = -1;  // depth of the entry array, while inside it
  enum class Want { Nothing, RootType, FullUrl, Resource, Type, Id } want = Want::Nothing;
  bool in_resource = false;
  ScannedEntry current;

  using Ch = char;
  using Size = rapidjson::SizeType;
  std::size_t at() const { return in->Tell(); }
  bool scalar() {
    want = Want::Nothing;
    return true;
  }
  bool Null() { return scalar(); }
  bool Bool(bool) { return scalar(); }
  bool Int(int) { return scalar(); }
  bool Uint(unsigned) { return scalar(); }
  bool Int64(int64_t) { return scalar(); }
  bool Uint64(uint64_t) { return scalar(); }
  bool Double(double) { return scalar(); }
  bool RawNumber(const Ch*, Size, bool) { return scalar(); }
  bool String(const Ch* s, Size n, bool) {
    switch (want) {
      case Want::RootType: out.resource_type.assign(s, n); break;
      case Want::FullUrl: current.full_url.assign(s, n); break;
      case Want::Type: current.type.assign(s, n); break;
      case Want::Id: current.id.assign(s, n); break;
      default: break;
    }
    return scalar();
  }
  bool Key(const Ch* s, Size n, bool) {
    std::string_view k(s, n);
    want = Want::Nothing;
    if (depth == 1 && k == "resourceType") want = Want::RootType;
    else if (depth == 1 && k == "entry") want = Want::Nothing, entries_key = true;
    else if (entries_depth > 0 && depth == entries_depth + 1 && k == "fullUrl") want = Want::FullUrl;
    else if (entries_depth > 0 && depth == entries_depth + 1 && k == "resource") want = Want::Resource;
    else if (in_resource && depth == entries_depth + 2 && k == "resourceType") want = Want::Type;
    else if (in_resource && depth == entries_depth + 2 && k == "id") want = Want::Id;
    if (depth == 1 && k != "entry") entries_key = false;
    return true;
  }
  bool StartObject() {
    ++depth;
    if (want == Want::Resource && depth == entries_depth + 2) {
      in_resource = true;
      current.begin = at() - 1;  // the stream is past the '{'
    } else if (entries_depth > 0 && depth == entries_depth + 1) {
      current = ScannedEntry{};
    }
    want = Want::Nothing;
    return true;
  }
  bool EndObject(Size) {
    if (in_resource && depth == entries_depth + 2) {
      in_resource = false;
      current.end = at();
    } else if (entries_depth > 0 && depth == entries_depth + 1 && current.end > current.begin) {
      out.entries.push_back(std::move(current));
      current = ScannedEntry{};
    }
    --depth;
    want = Want::Nothing;
    return true;
  }
  bool StartArray() {
    ++depth;
    if (depth == 2 && entries_key) entries_depth = depth;
    entries_key = false;
    want = Want::Nothing;
    return true;
  }
  bool EndArray(Size) {
    if (depth == entries_depth) entries_depth = -1;
    --depth;
    want = Want::Nothing;
    return true;
  }
  bool entries_key = false;
};

}  // namespace

ScannedAnswer scan_answer(const std::string& body) {
  ScannedAnswer out;
  rapidjson::StringStream in(body.c_str());
  Scanner h(&in, out);
  rapidjson::Reader reader;
  auto r = reader.Parse<rapidjson::kParseNumbersAsStringsFlag | rapidjson::kParseValidateEncodingFlag>(in, h);
  if (r.IsError()) {
    out.entries.clear();
    out.error = "not JSON (at offset " + std::to_string(r.Offset()) + ")";
    return out;
  }
  if (h.depth != 0 || out.resource_type.empty()) {
    out.entries.clear();
    out.error = "not a FHIR resource";
    return out;
  }
  out.ok = true;
  return out;
}

std::string wrong_patient(const std::string& body, const ScannedAnswer& a, const std::string& nhs) {
  std::size_t patients = 0;
  for (const ScannedEntry& e : a.entries) {
    if (e.type != "Patient") continue;
    ++patients;
    rapidjson::Document d;
    d.Parse(body.c_str() + e.begin, e.end - e.begin);
    bool match = false;
    if (!d.HasParseError() && d.IsObject() && d.HasMember("identifier") && d["identifier"].IsArray())
      for (const auto& id : d["identifier"].GetArray())
        if (id.IsObject() && id.HasMember("system") && id["system"].IsString() && id["system"].GetString() == std::string_view("https://fhir.nhs.uk/Id/nhs-number") &&
            id.HasMember("value") && id["value"].IsString() && id["value"].GetString() == nhs)
          match = true;
    if (!match) return "a Patient in its answer does not carry the NHS number asked for";
  }
  return patients ? std::string() : "its answer holds no Patient";
}

}  // namespace hidewire::federation
