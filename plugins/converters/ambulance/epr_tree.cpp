#include "plugins/converters/ambulance/epr_tree.hpp"

#include <rapidjson/document.h>
#include <rapidjson/error/en.h>

#include <algorithm>
#include <pugixml.hpp>

namespace hidewire::plugins::ambulance {
namespace {

constexpr int kMaxDepth = 32;  // ePR reports are shallow; deeper input is refused, never recursed into

bool json_node(const rapidjson::Value& v, TreeNode& n, int depth) {
  if (depth > kMaxDepth) return false;
  if (v.IsObject()) {
    for (auto& m : v.GetObject()) {
      std::string name(m.name.GetString(), m.name.GetStringLength());
      if (m.value.IsArray()) {
        for (auto& item : m.value.GetArray()) {
          TreeNode k;
          k.name = name;
          if (!json_node(item, k, depth + 1)) return false;
          n.kids.push_back(std::move(k));
        }
        continue;
      }
      TreeNode k;
      k.name = name;
      if (!json_node(m.value, k, depth + 1)) return false;
      n.kids.push_back(std::move(k));
    }
    return true;
  }
  n.leaf = true;
  if (v.IsString()) n.text.assign(v.GetString(), v.GetStringLength());  // numbers too: parsed as strings
  else if (v.IsBool()) n.text = v.GetBool() ? "true" : "false";
  return true;  // null: a leaf without a value
}

std::string trim(std::string_view s) {
  std::size_t b = s.find_first_not_of(" \t\r\n"), e = s.find_last_not_of(" \t\r\n");
  return b == std::string_view::npos ? std::string() : std::string(s.substr(b, e - b + 1));
}

// Element names without their namespace prefix: vendors differ in the prefix they write.
std::string local_name(const char* name) {
  std::string_view n(name);
  std::size_t colon = n.find(':');
  return std::string(colon == std::string_view::npos ? n : n.substr(colon + 1));
}

bool xml_node(const pugi::xml_node& x, TreeNode& n, int depth) {
  if (depth > kMaxDepth) return false;
  n.name = local_name(x.name());
  for (const pugi::xml_attribute& a : x.attributes()) {
    std::string an(a.name());
    if (an == "xmlns" || an.rfind("xmlns:", 0) == 0 || an.rfind("xsi:", 0) == 0) continue;
    TreeNode k;
    k.name = "@" + local_name(a.name());
    k.leaf = true;
    k.text = trim(a.value());
    n.kids.push_back(std::move(k));
  }
  bool elements = false;
  std::string text;
  for (const pugi::xml_node& c : x.children()) {
    if (c.type() == pugi::node_element) {
      elements = true;
      TreeNode k;
      if (!xml_node(c, k, depth + 1)) return false;
      n.kids.push_back(std::move(k));
    } else if (c.type() == pugi::node_pcdata || c.type() == pugi::node_cdata) {
      text += c.value();
    }
  }
  if (!elements) {
    n.text = trim(text);
    // An element with attributes and text (<Destination code="RK5">Kings Mill</Destination>)
    // keeps its text as the child "#text".
    if (n.kids.empty()) n.leaf = true;
    else if (!n.text.empty()) {
      TreeNode t;
      t.name = "#text";
      t.leaf = true;
      t.text = std::move(n.text);
      n.text.clear();
      n.kids.push_back(std::move(t));
    }
  }
  return true;
}

void collect(const TreeNode& n, std::string_view path, std::size_t from, std::vector<const TreeNode*>& out) {
  if (from >= path.size()) {
    out.push_back(&n);
    return;
  }
  std::size_t slash = path.find('/', from);
  std::string_view seg = path.substr(from, slash == std::string_view::npos ? std::string_view::npos : slash - from);
  std::size_t next = slash == std::string_view::npos ? path.size() : slash + 1;
  for (const TreeNode& k : n.kids)
    if (k.name == seg) collect(k, path, next, out);
}

void walk(const TreeNode& n, const std::string& at, const std::vector<std::string>& ignored, std::vector<std::string>& out) {
  auto under = [&](const std::string& p) {
    return std::any_of(ignored.begin(), ignored.end(), [&](const std::string& i) { return p == i || p.rfind(i + "/", 0) == 0; });
  };
  if (under(at)) return;
  if (n.leaf) {
    if (!n.used && !n.text.empty() && std::find(out.begin(), out.end(), at) == out.end()) out.push_back(at);
    return;
  }
  for (const TreeNode& k : n.kids) walk(k, at.empty() ? k.name : at + "/" + k.name, ignored, out);
}

}  // namespace

std::string read_json(std::string_view raw, TreeNode& root) {
  rapidjson::Document d;
  d.Parse<rapidjson::kParseNumbersAsStringsFlag | rapidjson::kParseStopWhenDoneFlag>(raw.data(), raw.size());
  if (d.HasParseError())
    return std::string("not JSON: ") + rapidjson::GetParseError_En(d.GetParseError()) + " at offset " + std::to_string(d.GetErrorOffset());
  if (!d.IsObject()) return "the report must be a JSON object";
  if (!json_node(d, root, 0)) return "the report nests deeper than " + std::to_string(kMaxDepth) + " levels";
  return {};
}

std::string read_xml(std::string_view raw, TreeNode& root) {
  pugi::xml_document doc;
  pugi::xml_parse_result r = doc.load_buffer(raw.data(), raw.size(), pugi::parse_default & ~pugi::parse_doctype);
  if (!r) return std::string("not well-formed XML: ") + r.description() + " at offset " + std::to_string(r.offset);
  pugi::xml_node el = doc.document_element();
  if (!el) return "the XML has no document element";
  if (!xml_node(el, root, 0)) return "the report nests deeper than " + std::to_string(kMaxDepth) + " levels";
  return {};
}

std::vector<const TreeNode*> find_all(const TreeNode& from, std::string_view path) {
  std::vector<const TreeNode*> out;
  collect(from, path, 0, out);
  return out;
}

const TreeNode* take_leaf(const TreeNode& from, std::string_view path) {
  for (const TreeNode* n : find_all(from, path)) {
    if (!n->leaf) continue;
    n->used = true;
    if (!n->text.empty()) return n;
  }
  return nullptr;
}

void unused_leaves(const TreeNode& root, const std::vector<std::string>& ignored, std::vector<std::string>& out) {
  for (const TreeNode& k : root.kids) walk(k, k.name, ignored, out);
}

}  // namespace hidewire::plugins::ambulance
