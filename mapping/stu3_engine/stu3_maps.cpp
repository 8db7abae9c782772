#include "mapping/stu3_engine/stu3_maps.hpp"

#include <rapidjson/document.h>
#include <rapidjson/stringbuffer.h>
#include <rapidjson/writer.h>

extern "C" const char hw_stu3_resources_json[];
extern "C" const char hw_stu3_tables_json[];
extern "C" const char hw_stu3_extensions_json[];

namespace hidewire::mapping::stu3 {
namespace {

using Value = rapidjson::Value;

[[noreturn]] void fail(const std::string& where, const std::string& what) { throw MapError(where + ": " + what); }

std::string str(const Value& o, const char* name, const std::string& where, bool required = false) {
  auto m = o.FindMember(name);
  if (m == o.MemberEnd()) {
    if (required) fail(where, std::string("needs \"") + name + "\"");
    return {};
  }
  if (!m->value.IsString()) fail(where + "." + name, "expected a string");
  return m->value.GetString();
}

std::vector<std::string> split_path(const std::string& p, const std::string& where) {
  std::vector<std::string> out;
  std::size_t start = 0;
  while (start <= p.size()) {
    std::size_t dot = p.find('.', start);
    std::string part = p.substr(start, dot == std::string::npos ? std::string::npos : dot - start);
    if (part.empty()) fail(where, "empty part in path '" + p + "'");
    out.push_back(part);
    if (dot == std::string::npos) break;
    start = dot + 1;
  }
  return out;
}

std::vector<std::string> strings(const Value& o, const char* name, const std::string& where) {
  std::vector<std::string> out;
  auto m = o.FindMember(name);
  if (m == o.MemberEnd()) return out;
  if (!m->value.IsArray()) fail(where + "." + name, "expected an array of strings");
  for (const Value& v : m->value.GetArray()) {
    if (!v.IsString()) fail(where + "." + name, "expected an array of strings");
    out.emplace_back(v.GetString());
  }
  return out;
}

const std::map<std::string, Op::Kind>& kinds() {
  static const std::map<std::string, Op::Kind> k = {
      {"type", Op::Kind::Type},       {"rename", Op::Kind::Rename},   {"move", Op::Kind::Move},
      {"lift", Op::Kind::Lift},       {"code", Op::Kind::Code},       {"concept", Op::Kind::Concept},
      {"derive", Op::Kind::Derive},   {"annotation", Op::Kind::Annotation}, {"split", Op::Kind::Split},
      {"default", Op::Kind::Default}, {"drop", Op::Kind::Drop},       {"append", Op::Kind::Append}};
  return k;
}

Op read_op(const Value& v, const std::string& where) {
  if (!v.IsObject()) fail(where, "expected an object");
  Op op;
  std::string kind = str(v, "op", where, true);
  auto k = kinds().find(kind);
  if (k == kinds().end()) fail(where + ".op", "unknown op '" + kind + "'");
  op.kind = k->second;
  bool needs_to = op.kind == Op::Kind::Type || op.kind == Op::Kind::Rename || op.kind == Op::Kind::Move ||
                  op.kind == Op::Kind::Derive || op.kind == Op::Kind::Annotation || op.kind == Op::Kind::Append;
  if (op.kind != Op::Kind::Type) op.path = split_path(str(v, "path", where, true), where + ".path");
  op.to = str(v, "to", where, needs_to);
  op.child = str(v, "child", where, op.kind == Op::Kind::Lift);
  op.system = str(v, "system", where, op.kind == Op::Kind::Concept);
  op.table = str(v, "table", where, op.kind == Op::Kind::Code || op.kind == Op::Kind::Derive || op.kind == Op::Kind::Split);
  op.key = str(v, "key", where, op.kind == Op::Kind::Split);
  if (op.kind == Op::Kind::Split) op.value = str(v, "value", where, true);
  op.unless = strings(v, "unless", where);
  if (op.kind == Op::Kind::Default) {
    if (!v.HasMember("value")) fail(where, "a default needs \"value\"");
    rapidjson::StringBuffer b;
    rapidjson::Writer<rapidjson::StringBuffer> w(b);
    v["value"].Accept(w);
    op.value_json = b.GetString();
  }
  if (op.kind == Op::Kind::Split && op.value.empty()) fail(where, "a split needs \"value\" (the member carried)");
  return op;
}

std::vector<Op> read_ops(const Value& v, const std::string& where) {
  if (!v.IsArray()) fail(where, "expected an array of ops");
  std::vector<Op> ops;
  for (rapidjson::SizeType i = 0; i < v.Size(); ++i) ops.push_back(read_op(v[i], where + "[" + std::to_string(i) + "]"));
  return ops;
}

rapidjson::Document parse(std::string_view text, const char* file) {
  rapidjson::Document d;
  d.Parse(text.data(), text.size());
  if (d.HasParseError()) fail(file, "not JSON (error at byte " + std::to_string(d.GetErrorOffset()) + ")");
  if (!d.IsObject()) fail(file, "not a JSON object");
  return d;
}

void read_resources(const rapidjson::Document& d, Maps& m) {
  const std::string at = "resources.json";
  if (d.HasMember("common")) m.common = read_ops(d["common"], at + ".common");
  if (!d.HasMember("types") || !d["types"].IsObject()) fail(at, "needs \"types\"");
  for (const auto& t : d["types"].GetObject()) m.types[t.name.GetString()] = read_ops(t.value, at + ".types." + t.name.GetString());
}

void read_tables(const rapidjson::Document& d, Maps& m) {
  for (const auto& t : d.GetObject()) {
    std::string name = t.name.GetString(), where = "tables.json." + name;
    if (name.rfind('_', 0) == 0) continue;
    if (!t.value.IsObject() || !t.value.HasMember("map") || !t.value["map"].IsObject()) fail(where, "needs \"map\"");
    Table table;
    for (const auto& e : t.value["map"].GetObject()) {
      if (e.value.IsNull()) table.map[e.name.GetString()] = std::nullopt;
      else if (e.value.IsString()) table.map[e.name.GetString()] = std::string(e.value.GetString());
      else fail(where + ".map." + e.name.GetString(), "expected a string or null");
    }
    std::string others = str(t.value, "others", where);
    if (others != "keep" && others != "report") fail(where + ".others", "expected \"keep\" or \"report\"");
    table.keep_others = others == "keep";
    m.tables[name] = std::move(table);
  }
}

ExtensionRule read_extension(const Value& v, const std::string& where) {
  if (!v.IsObject()) fail(where, "expected an object");
  ExtensionRule r;
  r.url = str(v, "url", where);
  r.keep = v.HasMember("keep") && v["keep"].IsTrue();
  r.element = str(v, "element", where);
  r.element_types = strings(v, "types", where);
  if (r.url.empty() && !r.keep && r.element.empty()) fail(where, "needs \"url\", \"keep\" or \"element\"");
  if (auto c = v.FindMember("children"); c != v.MemberEnd()) {
    if (!c->value.IsObject()) fail(where + ".children", "expected an object");
    for (const auto& e : c->value.GetObject()) {
      if (e.value.IsNull()) r.children[e.name.GetString()] = std::nullopt;
      else if (e.value.IsString()) r.children[e.name.GetString()] = std::string(e.value.GetString());
      else if (e.value.IsObject()) r.child_elements[e.name.GetString()] = str(e.value, "element", where + ".children." + e.name.GetString(), true);
      else fail(where + ".children." + e.name.GetString(), "expected a string, null or {\"element\": path}");
    }
  }
  if (auto a = v.FindMember("as"); a != v.MemberEnd()) {
    if (!a->value.IsObject()) fail(where + ".as", "expected an object");
    for (const auto& e : a->value.GetObject()) {
      if (!e.value.IsString() || (std::string_view(e.value.GetString()) != "Identifier" && std::string_view(e.value.GetString()) != "UnsignedInt"))
        fail(where + ".as." + e.name.GetString(), "only \"Identifier\" and \"UnsignedInt\" are supported");
      r.as[e.name.GetString()] = e.value.GetString();
    }
  }
  r.on = str(v, "on", where);
  r.value_system = str(v, "value_system", where);
  return r;
}

void read_extensions(const rapidjson::Document& d, Maps& m) {
  const std::string at = "extensions.json";
  if (auto s = d.FindMember("systems"); s != d.MemberEnd() && s->value.IsObject())
    for (const auto& e : s->value.GetObject()) {
      if (!e.value.IsString()) fail(at + ".systems." + e.name.GetString(), "expected a string");
      m.systems[e.name.GetString()] = e.value.GetString();
    }
  if (auto s = d.FindMember("system_prefixes"); s != d.MemberEnd() && s->value.IsObject())
    for (const auto& e : s->value.GetObject()) {
      if (!e.value.IsString()) fail(at + ".system_prefixes." + e.name.GetString(), "expected a string");
      m.system_prefixes.emplace_back(e.name.GetString(), e.value.GetString());
    }
  if (!d.HasMember("extensions") || !d["extensions"].IsObject()) fail(at, "needs \"extensions\"");
  std::vector<std::pair<std::string, std::string>> aliases;
  for (const auto& e : d["extensions"].GetObject()) {
    std::string where = at + ".extensions[\"" + std::string(e.name.GetString()) + "\"]";
    if (e.value.IsObject() && e.value.HasMember("same_as")) aliases.emplace_back(e.name.GetString(), str(e.value, "same_as", where));
    else m.extensions[e.name.GetString()] = read_extension(e.value, where);
  }
  for (const auto& [url, target] : aliases) {
    auto t = m.extensions.find(target);
    if (t == m.extensions.end()) fail(at + ".extensions[\"" + url + "\"].same_as", "'" + target + "' is not listed");
    m.extensions[url] = t->second;
  }
}

}  // namespace

Maps Maps::load(std::string_view resources_json, std::string_view tables_json, std::string_view extensions_json) {
  Maps m;
  read_tables(parse(tables_json, "tables.json"), m);
  read_resources(parse(resources_json, "resources.json"), m);
  read_extensions(parse(extensions_json, "extensions.json"), m);
  auto check = [&](const std::vector<Op>& ops, const std::string& where) {
    for (const Op& op : ops)
      if (!op.table.empty() && !m.tables.count(op.table)) fail(where, "table '" + op.table + "' is not in tables.json");
  };
  check(m.common, "resources.json.common");
  for (const auto& [type, ops] : m.types) check(ops, "resources.json.types." + type);
  return m;
}

const Maps& Maps::builtin() {
  static const Maps m = load(hw_stu3_resources_json, hw_stu3_tables_json, hw_stu3_extensions_json);
  return m;
}

const Table* Maps::table(std::string_view name) const {
  auto t = tables.find(name);
  return t == tables.end() ? nullptr : &t->second;
}

std::string Maps::system(std::string_view stu3) const {
  if (auto s = systems.find(stu3); s != systems.end()) return s->second;
  for (const auto& [prefix, to] : system_prefixes)
    if (stu3.substr(0, prefix.size()) == prefix) return to + std::string(stu3.substr(prefix.size()));
  return std::string(stu3);
}

}  // namespace hidewire::mapping::stu3
