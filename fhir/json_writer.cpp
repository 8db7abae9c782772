// Node -> FHIR JSON. Repeated siblings become arrays (by cardinality, not by count, so a
// single repeating element is still an array), primitives get their `_x` companion for id and
// extensions, and numbers are written as the raw text they were read with.
#include <rapidjson/prettywriter.h>
#include <rapidjson/stringbuffer.h>
#include <rapidjson/writer.h>

#include "fhir/codec.hpp"

namespace hidewire::fhir {
namespace {

bool is_json_number_text(std::string_view s) {
  std::size_t i = 0, n = s.size();
  if (i < n && s[i] == '-') ++i;
  if (i >= n) return false;
  if (s[i] == '0') {
    ++i;
  } else if (s[i] >= '1' && s[i] <= '9') {
    while (i < n && s[i] >= '0' && s[i] <= '9') ++i;
  } else {
    return false;
  }
  if (i < n && s[i] == '.') {
    ++i;
    std::size_t start = i;
    while (i < n && s[i] >= '0' && s[i] <= '9') ++i;
    if (i == start) return false;
  }
  if (i < n && (s[i] == 'e' || s[i] == 'E')) {
    ++i;
    if (i < n && (s[i] == '+' || s[i] == '-')) ++i;
    std::size_t start = i;
    while (i < n && s[i] >= '0' && s[i] <= '9') ++i;
    if (i == start) return false;
  }
  return i == n;
}

template <typename W>
class JsonEmitter {
 public:
  explicit JsonEmitter(W& w) : w_(w) {}

  void object(const Node& n) {
    w_.StartObject();
    if (n.is_resource) {
      key("resourceType");
      str(n.resource_type());
    }
    members(n.children);
    w_.EndObject();
  }

 private:
  void key(std::string_view k) { w_.Key(k.data(), static_cast<rapidjson::SizeType>(k.size())); }
  void str(std::string_view s) { w_.String(s.data(), static_cast<rapidjson::SizeType>(s.size())); }

  // Writes children grouped by name, in order of first appearance (JSON has one property per
  // name). Small nodes group by scanning; large ones through a name index, so grouping stays
  // linear however many distinct names a hostile document has.
  void members(const std::vector<Node>& kids) {
    if (kids.size() > 32) {
      members_indexed(kids);
      return;
    }
    std::vector<const Node*> group;
    std::uint32_t done = 0;  // bit k: kids[k] already written
    for (std::size_t i = 0; i < kids.size(); ++i) {
      if (done & (1u << i)) continue;
      group.clear();
      for (std::size_t j = i; j < kids.size(); ++j) {
        if (!(done & (1u << j)) && kids[j].name == kids[i].name) {
          group.push_back(&kids[j]);
          done |= 1u << j;
        }
      }
      emit_group(group);
    }
  }

  void members_indexed(const std::vector<Node>& kids) {
    std::vector<std::string_view> order;
    StringMap<std::vector<const Node*>> groups;
    for (std::size_t k = 0; k < kids.size(); ++k) {
      auto [it, fresh] = groups.try_emplace(kids[k].name);
      if (fresh) order.push_back(it->first);
      it->second.push_back(&kids[k]);
    }
    for (std::string_view name : order) emit_group(groups.find(name)->second);
  }

  void emit_group(const std::vector<const Node*>& group) {
    const Node& first = *group.front();
    bool as_array = first.def ? first.def->is_array() : group.size() > 1;
    if (first.is_primitive)
      primitive_group(first.name, group, as_array);
    else
      complex_group(first.name, group, as_array);
  }

  void complex_group(std::string_view name, const std::vector<const Node*>& group, bool as_array) {
    key(name);
    if (as_array) w_.StartArray();
    for (const Node* n : group) object(*n);
    if (as_array) w_.EndArray();
  }

  void primitive_group(std::string_view name, const std::vector<const Node*>& group, bool as_array) {
    bool any_value = false, any_ext = false;
    for (const Node* n : group) {
      any_value |= n->has_value;
      any_ext |= !n->children.empty();
    }
    if (any_value) {
      key(name);
      if (as_array) w_.StartArray();
      for (const Node* n : group) {
        if (n->has_value)
          value(*n);
        else
          w_.Null();
      }
      if (as_array) w_.EndArray();
    }
    if (any_ext) {
      std::string companion = "_" + std::string(name);
      key(companion);
      if (as_array) w_.StartArray();
      for (const Node* n : group) {
        if (n->children.empty()) {
          w_.Null();
        } else {
          w_.StartObject();
          members(n->children);
          w_.EndObject();
        }
      }
      if (as_array) w_.EndArray();
    }
  }

  void value(const Node& n) {
    JsonKind kind = n.json_kind;
    if (n.type) {
      Primitive p = n.type->primitive;
      kind = is_json_number(p) ? JsonKind::Number : is_json_bool(p) ? JsonKind::Bool : JsonKind::String;
    }
    // A value read from XML may not fit its JSON type (e.g. decimal "abc"): keep it as a string
    // rather than write invalid JSON; the validator reports it.
    if (kind == JsonKind::Number && is_json_number_text(n.value)) {
      w_.RawValue(n.value.data(), n.value.size(), rapidjson::kNumberType);
    } else if (kind == JsonKind::Bool && (n.value == "true" || n.value == "false")) {
      w_.Bool(n.value == "true");
    } else {
      str(n.value);
    }
  }

  W& w_;
};

}  // namespace

std::string write_json(const Node& resource, const WriteOptions& opts) {
  rapidjson::StringBuffer buf;
  if (opts.pretty) {
    rapidjson::PrettyWriter<rapidjson::StringBuffer> w(buf);
    w.SetIndent(' ', 2);
    JsonEmitter<decltype(w)>(w).object(resource);
  } else {
    rapidjson::Writer<rapidjson::StringBuffer> w(buf);
    JsonEmitter<decltype(w)>(w).object(resource);
  }
  return std::string(buf.GetString(), buf.GetSize());
}

}  // namespace hidewire::fhir
