// Canonical text forms for comparing documents in tests: JSON with members sorted and numbers
// kept as raw text (so 1.0 and 1.00 differ, as FHIR says they do), and XML with comments and
// formatting whitespace dropped (whitespace inside XHTML narrative is kept).
#pragma once

#include <pugixml.hpp>
#include <rapidjson/reader.h>

#include <algorithm>
#include <string>
#include <string_view>
#include <vector>

namespace hw_test {

struct CanonJson {
  std::string key, text;
  char kind = 'n';
  std::vector<CanonJson> items;

  std::string str() const {
    std::string out;
    if (!key.empty()) out += "\"" + key + "\":";
    if (kind == 'o' || kind == 'a') {
      std::vector<std::string> parts;
      for (const CanonJson& i : items) parts.push_back(i.str());
      if (kind == 'o') std::sort(parts.begin(), parts.end());
      out += kind == 'o' ? "{" : "[";
      for (std::size_t i = 0; i < parts.size(); ++i) out += (i ? "," : "") + parts[i];
      out += kind == 'o' ? "}" : "]";
    } else {
      out += std::string(1, kind) + ":" + text;
    }
    return out;
  }
};

struct CanonBuilder : rapidjson::BaseReaderHandler<rapidjson::UTF8<>, CanonBuilder> {
  CanonJson root;
  std::vector<CanonJson*> stack;
  std::string key;
  bool started = false;
  CanonJson* next() {
    if (!started) { started = true; return &root; }
    CanonJson& n = stack.back()->items.emplace_back();
    if (stack.back()->kind == 'o') n.key = key;
    return &n;
  }
  bool scalar(char k, std::string t) { CanonJson* n = next(); n->kind = k; n->text = std::move(t); return true; }
  bool Null() { return scalar('z', ""); }
  bool Bool(bool b) { return scalar('b', b ? "true" : "false"); }
  bool RawNumber(const char* s, rapidjson::SizeType n, bool) { return scalar('#', std::string(s, n)); }
  bool String(const char* s, rapidjson::SizeType n, bool) { return scalar('s', std::string(s, n)); }
  bool Key(const char* s, rapidjson::SizeType n, bool) { key.assign(s, n); return true; }
  bool StartObject() { CanonJson* n = next(); n->kind = 'o'; stack.push_back(n); return true; }
  bool EndObject(rapidjson::SizeType) { stack.pop_back(); return true; }
  bool StartArray() { CanonJson* n = next(); n->kind = 'a'; stack.push_back(n); return true; }
  bool EndArray(rapidjson::SizeType) { stack.pop_back(); return true; }
};

inline std::string canonical_json(std::string_view text) {
  CanonBuilder b;
  rapidjson::Reader r;
  std::string copy(text);
  rapidjson::StringStream s2(copy.c_str());
  if (!r.Parse<rapidjson::kParseNumbersAsStringsFlag>(s2, b)) return "<invalid json>";
  return b.root.str();
}

inline void canon_xml_node(pugi::xml_node n, std::string& out, bool in_xhtml) {
  for (pugi::xml_node c : n.children()) {
    if (c.type() == pugi::node_pcdata || c.type() == pugi::node_cdata) {
      std::string_view v = c.value();
      bool ws = v.find_first_not_of(" \t\r\n") == std::string_view::npos;
      if (ws && !in_xhtml) continue;
      out += "T(" + std::string(v) + ")";
      continue;
    }
    if (c.type() != pugi::node_element) continue;
    std::string_view name = c.name();
    bool xhtml = in_xhtml || name == "div";
    std::vector<std::string> attrs;
    for (pugi::xml_attribute a : c.attributes()) attrs.push_back(std::string(a.name()) + "=" + a.value());
    std::sort(attrs.begin(), attrs.end());
    out += "<" + std::string(name);
    for (const std::string& a : attrs) out += " " + a;
    out += ">";
    canon_xml_node(c, out, xhtml);
    out += "</>";
  }
}

inline std::string canonical_xml(std::string_view text) {
  pugi::xml_document doc;
  if (!doc.load_buffer(text.data(), text.size(), pugi::parse_default | pugi::parse_ws_pcdata)) return "<invalid xml>";
  std::string out;
  canon_xml_node(doc, out, false);
  return out;
}

}  // namespace hw_test
