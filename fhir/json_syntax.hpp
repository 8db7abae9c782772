// The JSON syntax tree the reader builds with RapidJSON's SAX parser before typing it against
// the schema. Internal to fhir/json_reader.cpp.
#pragma once

#include <rapidjson/reader.h>

#include <cstdint>
#include <string_view>
#include <vector>

namespace hidewire::fhir::json_syntax {

enum class JKind : std::uint8_t { Object, Array, String, Number, Bool, Null };

constexpr std::uint32_t kNone = 0xFFFFFFFFu;

// Syntax nodes live in one vector and link by index: one allocation per document instead of
// one per object or array.
struct JNode {
  std::string_view key;
  std::string_view text;  // string content, raw number, "true"/"false"
  JKind kind = JKind::Null;
  std::uint32_t first = kNone;  // first child
  std::uint32_t next = kNone;   // next sibling
  std::uint32_t count = 0;      // number of children
};

class JTree {
 public:
  std::vector<JNode> nodes;
  const JNode& at(std::uint32_t i) const { return nodes[i]; }
  // Children of `parent` by index, in document order.
  struct Range {
    const JTree* t;
    std::uint32_t first;
    struct It {
      const JTree* t;
      std::uint32_t i;
      const JNode& operator*() const { return t->nodes[i]; }
      It& operator++() { i = t->nodes[i].next; return *this; }
      bool operator!=(const It& o) const { return i != o.i; }
    };
    It begin() const { return {t, first}; }
    It end() const { return {t, kNone}; }
  };
  Range items(const JNode& parent) const { return {this, parent.first}; }
};

class SyntaxBuilder : public rapidjson::BaseReaderHandler<rapidjson::UTF8<>, SyntaxBuilder> {
 public:
  SyntaxBuilder(JTree& tree, unsigned max_depth) : t_(tree), max_depth_(max_depth) {}
  bool depth_exceeded = false;

  bool Null() { return scalar(JKind::Null, {}); }
  bool Bool(bool b) { return scalar(JKind::Bool, b ? "true" : "false"); }
  bool RawNumber(const char* s, rapidjson::SizeType n, bool) { return scalar(JKind::Number, {s, n}); }
  bool String(const char* s, rapidjson::SizeType n, bool) { return scalar(JKind::String, {s, n}); }
  bool Key(const char* s, rapidjson::SizeType n, bool) {
    key_ = {s, n};
    return true;
  }
  bool StartObject() { return open(JKind::Object); }
  bool EndObject(rapidjson::SizeType) { return close(); }
  bool StartArray() { return open(JKind::Array); }
  bool EndArray(rapidjson::SizeType) { return close(); }

 private:
  struct Open {
    std::uint32_t node, last;
  };
  std::uint32_t next() {
    auto idx = static_cast<std::uint32_t>(t_.nodes.size());
    JNode& n = t_.nodes.emplace_back();
    if (!stack_.empty()) {
      Open& top = stack_.back();
      JNode& parent = t_.nodes[top.node];
      if (parent.kind == JKind::Object) n.key = key_;
      if (top.last == kNone)
        parent.first = idx;
      else
        t_.nodes[top.last].next = idx;
      top.last = idx;
      ++parent.count;
    }
    return idx;
  }
  bool scalar(JKind k, std::string_view text) {
    std::uint32_t i = next();
    t_.nodes[i].kind = k;
    t_.nodes[i].text = text;
    return true;
  }
  bool open(JKind k) {
    if (stack_.size() >= max_depth_) {
      depth_exceeded = true;
      return false;
    }
    std::uint32_t i = next();
    t_.nodes[i].kind = k;
    stack_.push_back({i, kNone});
    return true;
  }
  bool close() {
    stack_.pop_back();
    return true;
  }
  JTree& t_;
  std::vector<Open> stack_;
  std::string_view key_;
  unsigned max_depth_;
};

}  // namespace hidewire::fhir::json_syntax
