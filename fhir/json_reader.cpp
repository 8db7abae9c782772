// FHIR JSON -> Node. RapidJSON's SAX parser (iterative, in situ, numbers kept as raw text so
// decimals keep every digit) builds a light syntax tree; a typing pass then pairs `x`/`_x`,
// flattens arrays into repeated siblings and resolves every element against the schema.
#include <rapidjson/error/en.h>

#include <string>
#include <unordered_map>
#include <vector>

#include "fhir/codec.hpp"
#include "fhir/json_syntax.hpp"
#include "fhir/path_frame.hpp"
#include "fhir/utf8.hpp"

namespace hidewire::fhir {
namespace {
using namespace json_syntax;

std::string_view kind_name(JKind k) {
  switch (k) {
    case JKind::Object: return "an object";
    case JKind::Array: return "an array";
    case JKind::String: return "a string";
    case JKind::Number: return "a number";
    case JKind::Bool: return "a boolean";
    case JKind::Null: return "null";
  }
  return "?";
}

class Typer {
 public:
  Typer(const JTree& t, const Schema& s, Diagnostics& d) : t_(t), schema_(s), diags_(d) {}

  bool read_root(const JNode& j, Node& out) {
    if (j.kind != JKind::Object) {
      diags_.add(Severity::Fatal, "structure", "", "a FHIR resource must be a JSON object, got " + std::string(kind_name(j.kind)));
      return false;
    }
    return read_resource(j, out, "", nullptr, true);
  }

 private:
  // Reads a resource object into `out`; `name` is the element holding it (empty for a root).
  bool read_resource(const JNode& j, Node& out, std::string_view name, const PathFrame* at, bool root) {
    const JNode* rt = find(j, "resourceType");
    auto where = [at] { return at ? at->render() : std::string(); };
    if (!rt || rt->kind != JKind::String) {
      diags_.add(root ? Severity::Fatal : Severity::Error, "structure", where(),
                 rt ? "resourceType must be a string" : "missing resourceType");
      return false;
    }
    const TypeDef* t = schema_.resource(rt->text);
    if (!t) {
      diags_.add(root ? Severity::Fatal : Severity::Error, "not-supported", where(),
                 "unknown resourceType '" + std::string(rt->text) + "'");
      return false;
    }
    out.name = root ? std::string(rt->text) : std::string(name);
    out.type = t;
    out.is_resource = true;
    PathFrame self{at, root ? std::string_view(t->name) : std::string_view(), -1};
    const PathFrame* frame = root ? &self : at;
    read_members(j, t, out, frame, true);
    return true;
  }

  // Key look-ups within one object: a linear scan for the usual small object, a hash map for
  // large ones, so a hostile object with a million keys costs linear time, not quadratic.
  class Keys {
   public:
    Keys(const JTree& t, const JNode& obj) : t_(t), obj_(obj), hashed_(obj.count > 16) {
      if (hashed_) map_.reserve(obj.count);
    }
    // Adds every key; returns the ones that repeat (FHIR JSON forbids them).
    std::vector<std::string_view> index() {
      std::vector<std::string_view> repeated;
      for (const JNode& m : t_.items(obj_)) {
        if (hashed_) {
          if (!map_.emplace(m.key, &m).second) repeated.push_back(m.key);
          continue;
        }
        for (const JNode& k : t_.items(obj_)) {
          if (&k == &m) break;
          if (k.key == m.key) {
            repeated.push_back(m.key);
            break;
          }
        }
      }
      return repeated;
    }
    // The member named `name`, or `_name` when companion is set.
    const JNode* get(std::string_view name, bool companion) const {
      if (hashed_) {
        auto it = map_.find(companion ? "_" + std::string(name) : std::string(name));
        return it == map_.end() ? nullptr : it->second;
      }
      for (const JNode& m : t_.items(obj_)) {
        std::string_view k = m.key;
        if (companion) {
          if (k.empty() || k.front() != '_') continue;
          k.remove_prefix(1);
        }
        if (k == name) return &m;
      }
      return nullptr;
    }

   private:
    const JTree& t_;
    const JNode& obj_;
    bool hashed_;
    std::unordered_map<std::string, const JNode*> map_;
  };

  void read_members(const JNode& j, const TypeDef* type, Node& out, const PathFrame* at, bool is_resource) {
    out.children.reserve(j.count);
    Keys keys(t_, j);
    for (std::string_view k : keys.index())
      diags_.error("structure", at_str(at, k), "duplicate JSON property '" + std::string(k) + "'");
    bool any_companion = false;  // most objects have none: skip the `_x` look-ups
    for (const JNode& m : t_.items(j)) any_companion |= !m.key.empty() && m.key.front() == '_';
    for (const JNode& m : t_.items(j)) {
      if (is_resource && m.key == "resourceType") continue;
      bool companion = !m.key.empty() && m.key.front() == '_';
      std::string_view base = companion ? m.key.substr(1) : m.key;
      const JNode* value = companion ? keys.get(base, false) : &m;
      const JNode* ext = companion ? &m : nullptr;
      if (companion && value) continue;  // handled with its value
      if (!companion && any_companion) ext = keys.get(base, true);
      const ChildRef* cr = type ? type->find(base) : nullptr;
      if (!cr) {
        read_unknown(m, out, m.key);
        if (!companion && ext) read_unknown(*ext, out, ext->key);  // kept too: nothing dropped
        continue;
      }
      read_element(value, ext, *cr, base, out, at);
    }
  }

  const JNode* find(const JNode& obj, std::string_view key) const {
    for (const JNode& m : t_.items(obj))
      if (m.key == key) return &m;
    return nullptr;
  }
  static std::string at_str(const PathFrame* at, std::string_view leaf) {
    return at ? at->render(leaf) : std::string(leaf);
  }

  void read_element(const JNode* value, const JNode* ext, const ChildRef& cr, std::string_view name, Node& parent,
                    const PathFrame* at) {
    bool is_array = (value && value->kind == JKind::Array) || (ext && ext->kind == JKind::Array);
    if (is_array) {
      if (!cr.def->is_array())
        diags_.error("structure", at_str(at, name), "element '" + std::string(name) + "' is not repeating but is given as an array");
      std::size_t nv = value && value->kind == JKind::Array ? value->count : 0;
      std::size_t ne = ext && ext->kind == JKind::Array ? ext->count : 0;
      if ((value && value->kind != JKind::Array) || (ext && ext->kind != JKind::Array))
        diags_.error("structure", at_str(at, name), "'" + std::string(name) + "' and '_" + std::string(name) + "' must both be arrays");
      if (value && ext && nv != ne && nv && ne)
        diags_.error("structure", at_str(at, name), "'" + std::string(name) + "' and '_" + std::string(name) + "' arrays differ in length");
      std::size_t n = std::max(nv, ne);
      if (n == 0) diags_.error("structure", at_str(at, name), "array '" + std::string(name) + "' must not be empty");
      std::uint32_t vi = nv ? value->first : kNone, ei = ne ? ext->first : kNone;
      for (std::size_t i = 0; i < n; ++i) {
        const JNode* v = vi != kNone ? &t_.at(vi) : nullptr;
        const JNode* e = ei != kNone ? &t_.at(ei) : nullptr;
        if (v) vi = v->next;
        if (e) ei = e->next;
        if (v && v->kind == JKind::Null) v = nullptr;
        if (e && e->kind == JKind::Null) e = nullptr;
        PathFrame item{at, name, static_cast<int>(i)};
        if (!v && !e) {
          diags_.error("structure", item.render(), "array item is null in both '" + std::string(name) + "' and its '_' companion");
          continue;
        }
        read_single(v, e, cr, name, parent, item);
      }
      return;
    }
    if (cr.def->is_array())
      diags_.error("structure", at_str(at, name), "element '" + std::string(name) + "' repeats and must be a JSON array");
    PathFrame item{at, name, -1};
    read_single(value && value->kind != JKind::Null ? value : nullptr, ext && ext->kind != JKind::Null ? ext : nullptr,
                cr, name, parent, item);
    if ((value && value->kind == JKind::Null) || (ext && ext->kind == JKind::Null))
      diags_.error("structure", item.render(), "null is only allowed inside arrays of primitives");
  }

  void read_single(const JNode* v, const JNode* e, const ChildRef& cr, std::string_view name, Node& parent,
                   const PathFrame& at) {
    if (!v && !e) return;
    Node& n = parent.children.emplace_back();
    n.name = std::string(name);
    n.def = cr.def;
    n.type = cr.type;
    bool primitive = !cr.type || cr.type->is_primitive();
    if (primitive) {
      n.is_primitive = true;
      n.is_xhtml = cr.type && cr.type->primitive == Primitive::Xhtml;
      if (v) read_primitive_value(*v, n, at);
      if (e) {
        if (e->kind != JKind::Object) {
          diags_.error("structure", at.render(), "'_" + std::string(name) + "' must be an object, got " + std::string(kind_name(e->kind)));
        } else if (n.is_xhtml) {
          diags_.error("structure", at.render(), "xhtml elements cannot have id or extensions");
        } else {
          read_members(*e, cr.type, n, &at, false);
        }
      }
      return;
    }
    if (e) diags_.error("structure", at.render(), "'_" + std::string(name) + "' is only allowed for primitive elements");
    if (!v) return;
    if (v->kind != JKind::Object) {
      diags_.error("structure", at.render(), "'" + std::string(name) + "' must be an object, got " + std::string(kind_name(v->kind)));
      parent.children.pop_back();
      return;
    }
    if (cr.type->kind == TypeKind::Resource && cr.type->is_abstract) {
      if (!read_resource(*v, n, name, &at, false)) parent.children.pop_back();
      return;
    }
    read_members(*v, cr.type, n, &at, false);
  }

  void read_primitive_value(const JNode& v, Node& n, const PathFrame& at) {
    Primitive p = n.type ? n.type->primitive : Primitive::String;
    switch (v.kind) {
      case JKind::String: n.json_kind = JsonKind::String; break;
      case JKind::Number: n.json_kind = JsonKind::Number; break;
      case JKind::Bool: n.json_kind = JsonKind::Bool; break;
      default:
        diags_.error("structure", at.render(), "a primitive value must be a string, number or boolean, got " + std::string(kind_name(v.kind)));
        return;
    }
    n.value.assign(v.text);
    n.has_value = true;
    JsonKind want = is_json_number(p) ? JsonKind::Number : is_json_bool(p) ? JsonKind::Bool : JsonKind::String;
    if (n.type && want != n.json_kind)
      diags_.error("structure", at.render(),
                   "value of type " + std::string(primitive_name(p)) + " must be a JSON " +
                       (want == JsonKind::Number ? "number" : want == JsonKind::Bool ? "boolean" : "string") +
                       ", got " + std::string(kind_name(v.kind)));
  }

  // Elements the schema does not know are kept (generically) so the validator can report them
  // and writers do not lose them.
  void read_unknown(const JNode& j, Node& parent, std::string_view name) {
    if (j.kind == JKind::Array) {
      for (const JNode& item : t_.items(j)) read_unknown(item, parent, name);
      return;
    }
    Node& n = parent.children.emplace_back();
    n.name = std::string(name);
    if (j.kind == JKind::Object) {
      for (const JNode& m : t_.items(j)) read_unknown(m, n, m.key);
    } else if (j.kind != JKind::Null) {
      n.is_primitive = true;
      n.has_value = true;
      n.value.assign(j.text);
      n.json_kind = j.kind == JKind::Number ? JsonKind::Number : j.kind == JKind::Bool ? JsonKind::Bool : JsonKind::String;
    }
  }

  const JTree& t_;
  const Schema& schema_;
  Diagnostics& diags_;
};

}  // namespace

Format detect_format(std::string_view text) {
  for (char c : text) {
    if (c == ' ' || c == '\t' || c == '\r' || c == '\n') continue;
    if (c == '{') return Format::Json;
    if (c == '<') return Format::Xml;
    if (c == '\xEF') continue;  // UTF-8 byte order mark
    if (c == '\xBB' || c == '\xBF') continue;
    return Format::Unknown;
  }
  return Format::Unknown;
}

std::string_view format_name(Format f) {
  switch (f) {
    case Format::Json: return "json";
    case Format::Xml: return "xml";
    case Format::Unknown: break;
  }
  return "unknown";
}

bool parse_json(std::string_view text, const Schema& schema, Node& out, Diagnostics& diags, const ParseLimits& limits) {
  if (text.size() > limits.max_bytes) {
    diags.add(Severity::Fatal, "too-costly", "",
              "input is " + std::to_string(text.size()) + " bytes, over the limit of " + std::to_string(limits.max_bytes));
    return false;
  }
  std::size_t bad = 0;
  if (!is_valid_utf8(text, &bad)) {
    diags.add(Severity::Fatal, "structure", "", "input is not valid UTF-8 (bad byte at offset " + std::to_string(bad) + ")");
    return false;
  }
  std::string buf(text);  // in-situ parsing rewrites escapes in place; the syntax tree points into buf
  JTree tree;
  tree.nodes.reserve(text.size() / 24 + 16);  // about one syntax node per 24 bytes of FHIR JSON
  SyntaxBuilder builder(tree, limits.max_depth);
  rapidjson::Reader reader;
  rapidjson::InsituStringStream ss(buf.data());
  constexpr unsigned kFlags = rapidjson::kParseInsituFlag | rapidjson::kParseIterativeFlag |
                              rapidjson::kParseNumbersAsStringsFlag;
  rapidjson::ParseResult ok = reader.Parse<kFlags>(ss, builder);
  if (!ok) {
    std::string msg = builder.depth_exceeded
                          ? "JSON nesting is deeper than the limit of " + std::to_string(limits.max_depth)
                          : std::string("invalid JSON: ") + rapidjson::GetParseError_En(ok.Code());
    // Report a line and column: people open the file in an editor, not a hex viewer.
    std::size_t off = std::min<std::size_t>(ok.Offset(), text.size());
    std::size_t line = 1, col = 1;
    for (std::size_t i = 0; i < off; ++i) {
      if (text[i] == '\n') { ++line; col = 1; } else { ++col; }
    }
    diags.add(Severity::Fatal, "structure", "",
              msg + " at line " + std::to_string(line) + ", column " + std::to_string(col) + " (offset " + std::to_string(off) + ")");
    return false;
  }
  Typer typer(tree, schema, diags);
  return typer.read_root(tree.nodes.front(), out);
}

bool parse_any(std::string_view text, const Schema& schema, Node& out, Diagnostics& diags, const ParseLimits& limits) {
  switch (detect_format(text)) {
    case Format::Json: return parse_json(text, schema, out, diags, limits);
    case Format::Xml: return parse_xml(text, schema, out, diags, limits);
    case Format::Unknown: break;
  }
  diags.add(Severity::Fatal, "structure", "", text.empty() ? "input is empty" : "input is neither FHIR JSON nor FHIR XML (it starts with neither '{' nor '<')");
  return false;
}

}  // namespace hidewire::fhir
