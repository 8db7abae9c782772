#pragma once

#include <rapidjson/document.h>
#include <rapidjson/pointer.h>
#include <rapidjson/stringbuffer.h>
#include <rapidjson/writer.h>

#include <initializer_list>
#include <stdexcept>
#include <utility>

#include <algorithm>
#include <filesystem>
#include <fstream>
#include <iterator>
#include <string>
#include <vector>

namespace hw_test {

inline std::string data_path(const std::string& rel) { return std::string(HIDEWIRE_TEST_DATA) + "/" + rel; }

inline std::string read_file(const std::string& path) {
  std::ifstream in(path, std::ios::binary);
  return std::string(std::istreambuf_iterator<char>(in), std::istreambuf_iterator<char>());
}

// Files of a data folder with the given extension, sorted so failures are reproducible.
inline std::vector<std::string> files_in(const std::string& rel, const std::string& ext) {
  std::vector<std::string> out;
  for (const auto& e : std::filesystem::directory_iterator(data_path(rel)))
    if (e.path().extension() == ext) out.push_back(e.path().string());
  std::sort(out.begin(), out.end());
  return out;
}

// An official example with JSON Pointer edits applied (a value of "<delete>" removes), as JSON.
inline std::string mutated_example(const std::string& example,
                                   std::initializer_list<std::pair<const char*, const char*>> edits) {
  rapidjson::Document doc;
  doc.Parse(read_file(data_path("fhir-r4-examples/" + example)).c_str());
  if (doc.HasParseError()) throw std::runtime_error("cannot read example " + example);
  for (auto [ptr, json] : edits) {
    if (std::string_view(json) == "<delete>") {
      rapidjson::Pointer(ptr).Erase(doc);
      continue;
    }
    rapidjson::Document v(&doc.GetAllocator());
    v.Parse(json);
    if (v.HasParseError()) throw std::runtime_error(std::string("bad edit value ") + json);
    rapidjson::Pointer(ptr).Set(doc, v);
  }
  rapidjson::StringBuffer buf;
  rapidjson::Writer<rapidjson::StringBuffer> w(buf);
  doc.Accept(w);
  return buf.GetString();
}

}  // namespace hw_test
