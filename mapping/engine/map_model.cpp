#include "mapping/engine/map_model.hpp"

#include <rapidjson/document.h>
#include <rapidjson/error/en.h>
#include <rapidjson/stringbuffer.h>
#include <rapidjson/writer.h>

#include <algorithm>
#include <functional>

extern "C" const char hw_map_segments_json[];
extern "C" const char hw_map_messages_json[];
extern "C" const char hw_map_tables_json[];

namespace hidewire::mapping {
namespace {

using Json = rapidjson::Value;

// Reads typed values out of a JSON object, collecting every problem with its path.
class Reader {
 public:
  std::vector<std::string> errors;

  std::string str(const Json& o, const char* key, const std::string& path, bool required = false) {
    auto it = o.FindMember(key);
    if (it == o.MemberEnd()) {
      if (required) errors.push_back(path + "." + key + ": required");
      return {};
    }
    if (!it->value.IsString()) {
      errors.push_back(path + "." + key + ": must be a string");
      return {};
    }
    return it->value.GetString();
  }
  bool flag(const Json& o, const char* key, const std::string& path) {
    auto it = o.FindMember(key);
    if (it == o.MemberEnd()) return false;
    if (!it->value.IsBool()) errors.push_back(path + "." + key + ": must be true or false");
    return it->value.IsBool() && it->value.GetBool();
  }
  std::vector<std::string> strings(const Json& o, const char* key, const std::string& path) {
    std::vector<std::string> out;
    auto it = o.FindMember(key);
    if (it == o.MemberEnd()) return out;
    if (!it->value.IsArray()) {
      errors.push_back(path + "." + key + ": must be an array of strings");
      return out;
    }
    for (const Json& v : it->value.GetArray()) {
      if (v.IsString()) out.emplace_back(v.GetString());
      else errors.push_back(path + "." + key + ": must be an array of strings");
    }
    return out;
  }
  void check_keys(const Json& o, const std::string& path, std::initializer_list<const char*> allowed) {
    for (auto& m : o.GetObject()) {
      std::string k = m.name.GetString();
      if (k == "_comment") continue;
      if (std::none_of(allowed.begin(), allowed.end(), [&](const char* a) { return k == a; }))
        errors.push_back(path + "." + k + ": unknown key");
    }
  }
};

rapidjson::Document parse(const std::string& text, const char* what) {
  rapidjson::Document d;
  d.Parse(text.c_str());
  if (d.HasParseError())
    throw MapError(std::string(what) + ": invalid JSON: " + rapidjson::GetParseError_En(d.GetParseError()) + " at offset " +
                   std::to_string(d.GetErrorOffset()));
  if (!d.IsObject()) throw MapError(std::string(what) + ": must be a JSON object");
  return d;
}

// In the order of enum Conv.
const std::vector<std::string> kTypes = {"CX", "XPN", "XPN_TEXT", "XAD", "XTN", "CWE", "DT", "DTM", "DTM_INSTANT", "ID",
                                         "ID_CODING", "ID_CODING_CC", "ST", "FT", "NM_INT", "NM", "CWE_TEXT", "YN", "PL", "XCN_REF",
                                         "XON_ODS", "EI", "OBX_VALUE", "TQ_START", "TQ_END"};

ResourceRule read_rule(Reader& r, const Json& o, const std::string& path) {
  ResourceRule rule;
  if (!o.IsObject()) {
    r.errors.push_back(path + ": must be an object");
    return rule;
  }
  r.check_keys(o, path, {"from", "merge", "each", "group", "notes", "content", "children", "parent_link", "reason_for", "events"});
  rule.from = r.str(o, "from", path, true);
  rule.merge = r.strings(o, "merge", path);
  rule.each = r.flag(o, "each", path);
  rule.group = r.str(o, "group", path);
  rule.notes = r.str(o, "notes", path);
  rule.content = r.str(o, "content", path);
  rule.parent_link = r.str(o, "parent_link", path);
  rule.reason_for = r.str(o, "reason_for", path);
  rule.events = r.strings(o, "events", path);
  if (auto c = o.FindMember("children"); c != o.MemberEnd())
    rule.children = std::make_unique<ResourceRule>(read_rule(r, c->value, path + ".children"));
  return rule;
}

}  // namespace

std::string_view segment_of(std::string_view map_name) { return map_name.substr(0, map_name.find(':')); }

bool SegmentMap::ignored(int f) const { return std::find(ignore.begin(), ignore.end(), f) != ignore.end(); }
bool SegmentMap::mapped(int f) const {
  return std::any_of(fields.begin(), fields.end(), [f](const FieldMap& m) { return m.field == f; });
}

const MessageMap* MapSet::message(const std::string& structure) const {
  auto alias = message_aliases.find(structure);
  auto it = messages.find(alias == message_aliases.end() ? structure : alias->second);
  return it == messages.end() ? nullptr : &it->second;
}

MapSet MapSet::load(const std::string& segments_json, const std::string& messages_json, const std::string& tables_json) {
  MapSet set;
  Reader r;
  rapidjson::Document seg = parse(segments_json, "segments.json");
  for (auto& m : seg.GetObject()) {
    std::string name = m.name.GetString();
    if (name == "_comment") continue;
    std::string path = "segments." + name;
    if (!m.value.IsObject()) {
      r.errors.push_back(path + ": must be an object");
      continue;
    }
    r.check_keys(m.value, path, {"resource", "defaults", "fields", "ignore"});
    SegmentMap sm;
    sm.segment = name;
    sm.resource = r.str(m.value, "resource", path, true);
    if (auto df = m.value.FindMember("defaults"); df != m.value.MemberEnd()) {
      if (!df->value.IsObject()) {
        r.errors.push_back(path + ".defaults: must be an object");
      } else {
        rapidjson::StringBuffer buf;
        rapidjson::Writer<rapidjson::StringBuffer> w(buf);
        df->value.Accept(w);
        sm.defaults_json = buf.GetString();
        auto d = std::make_shared<rapidjson::Document>();
        d->Parse(sm.defaults_json.c_str());
        sm.defaults = std::move(d);
      }
    }
    if (auto f = m.value.FindMember("fields"); f != m.value.MemberEnd() && f->value.IsArray()) {
      int i = 0;
      for (const Json& fj : f->value.GetArray()) {
        std::string fp = path + ".fields[" + std::to_string(i++) + "]";
        if (!fj.IsObject()) {
          r.errors.push_back(fp + ": must be an object");
          continue;
        }
        r.check_keys(fj, fp, {"field", "path", "type", "repeat", "table", "system", "use", "reference_type", "id_type", "when"});
        FieldMap fm;
        if (auto n = fj.FindMember("field"); n != fj.MemberEnd() && n->value.IsInt() && n->value.GetInt() > 0)
          fm.field = n->value.GetInt();
        else
          r.errors.push_back(fp + ".field: must be a positive field number");
        fm.path = r.str(fj, "path", fp, true);
        fm.type = r.str(fj, "type", fp, true);
        auto known = std::find(kTypes.begin(), kTypes.end(), fm.type);
        if (!fm.type.empty() && known == kTypes.end())
          r.errors.push_back(fp + ".type: unknown converter '" + fm.type + "'");
        if (known != kTypes.end()) fm.conv = static_cast<Conv>(known - kTypes.begin());
        fm.repeat = r.flag(fj, "repeat", fp);
        fm.table = r.str(fj, "table", fp);
        fm.system = r.str(fj, "system", fp);
        fm.use = r.str(fj, "use", fp);
        fm.reference_type = r.str(fj, "reference_type", fp);
        fm.id_type = r.str(fj, "id_type", fp);
        if (auto w = fj.FindMember("when"); w != fj.MemberEnd()) {
          if (w->value.IsObject() && w->value.HasMember("field") && w->value["field"].IsInt() && w->value.HasMember("equals") &&
              w->value["equals"].IsString()) {
            fm.when_field = w->value["field"].GetInt();
            fm.when_equals = w->value["equals"].GetString();
          } else {
            r.errors.push_back(fp + ".when: must be {\"field\": N, \"equals\": \"code\"}");
          }
        }
        sm.fields.push_back(std::move(fm));
      }
    } else {
      r.errors.push_back(path + ".fields: must be an array");
    }
    if (auto ig = m.value.FindMember("ignore"); ig != m.value.MemberEnd() && ig->value.IsArray())
      for (const Json& n : ig->value.GetArray())
        if (n.IsInt()) sm.ignore.push_back(n.GetInt());
    for (int f : sm.ignore)
      if (f >= 0) {
        if (sm.accounted_.size() <= static_cast<std::size_t>(f)) sm.accounted_.resize(static_cast<std::size_t>(f) + 1);
        sm.accounted_[static_cast<std::size_t>(f)] = true;
      }
    for (const FieldMap& fm : sm.fields) {
      if (sm.accounted_.size() <= static_cast<std::size_t>(fm.field)) sm.accounted_.resize(static_cast<std::size_t>(fm.field) + 1);
      sm.accounted_[static_cast<std::size_t>(fm.field)] = true;
    }
    set.segments.emplace(name, std::move(sm));
  }
  rapidjson::Document tab = parse(tables_json, "tables.json");
  for (auto& m : tab.GetObject()) {
    std::string name = m.name.GetString();
    if (name == "_comment") continue;
    std::string path = "tables." + name;
    CodeTable t;
    if (!m.value.IsObject()) {
      r.errors.push_back(path + ": must be an object");
      continue;
    }
    r.check_keys(m.value, path, {"system", "map", "unknown"});
    t.system = r.str(m.value, "system", path);
    t.unknown = r.str(m.value, "unknown", path);
    if (auto mp = m.value.FindMember("map"); mp != m.value.MemberEnd() && mp->value.IsObject()) {
      for (auto& c : mp->value.GetObject()) {
        if (c.value.IsString()) t.codes.emplace(c.name.GetString(), c.value.GetString());
        else r.errors.push_back(path + ".map." + c.name.GetString() + ": must be a string");
      }
    } else {
      r.errors.push_back(path + ".map: required object");
    }
    set.tables.emplace(name, std::move(t));
  }
  rapidjson::Document msg = parse(messages_json, "messages.json");
  for (auto& m : msg.GetObject()) {
    std::string name = m.name.GetString();
    if (name == "_comment") continue;
    std::string path = "messages." + name;
    if (!m.value.IsObject()) {
      r.errors.push_back(path + ": must be an object");
      continue;
    }
    r.check_keys(m.value, path, {"encounter_status", "status", "merge_patients", "update_patient", "resources", "same_as"});
    if (auto same = m.value.FindMember("same_as"); same != m.value.MemberEnd()) {  // another structure's map, not copied
      if (same->value.IsString()) set.message_aliases.emplace(name, same->value.GetString());
      else r.errors.push_back(path + ".same_as: must be a string");
      continue;
    }
    MessageMap mm;
    mm.structure = name;
    mm.merge_patients = r.flag(m.value, "merge_patients", path);
    mm.update_patient = r.flag(m.value, "update_patient", path);
    if (auto es = m.value.FindMember("encounter_status"); es != m.value.MemberEnd() && es->value.IsObject())
      for (auto& e : es->value.GetObject())
        if (e.value.IsString()) mm.status["Encounter"].emplace(e.name.GetString(), e.value.GetString());
    if (auto st = m.value.FindMember("status"); st != m.value.MemberEnd() && st->value.IsObject())
      for (auto& t : st->value.GetObject())
        if (t.value.IsObject())
          for (auto& e : t.value.GetObject())
            if (e.value.IsString()) mm.status[t.name.GetString()].emplace(e.name.GetString(), e.value.GetString());
    if (auto rs = m.value.FindMember("resources"); rs != m.value.MemberEnd() && rs->value.IsArray()) {
      int i = 0;
      for (const Json& rj : rs->value.GetArray()) mm.resources.push_back(read_rule(r, rj, path + ".resources[" + std::to_string(i++) + "]"));
    } else {
      r.errors.push_back(path + ".resources: must be an array");
    }
    set.messages.emplace(name, std::move(mm));
  }
  // Cross-references: every segment a message names has a map; every table a field names exists.
  std::function<void(const ResourceRule&, const std::string&)> check_rule = [&](const ResourceRule& rule, const std::string& path) {
    for (const std::string* seg : {&rule.from, &rule.notes}) {
      if (!seg->empty() && !set.segments.count(*seg)) r.errors.push_back(path + ": no segment map '" + *seg + "'");
    }
    for (const std::string& seg : rule.merge)
      if (!set.segments.count(seg)) r.errors.push_back(path + ".merge: no segment map '" + seg + "'");
    if (!rule.from.empty() && set.segments.count(rule.from) && set.segments.at(rule.from).resource.empty())
      r.errors.push_back(path + ": segment map '" + rule.from + "' makes no resource");
    if (rule.children) check_rule(*rule.children, path + ".children");
  };
  for (auto& [name, target] : set.message_aliases)
    if (!set.messages.count(target)) r.errors.push_back("messages." + name + ".same_as: no message map '" + target + "'");
  for (auto& [name, mm] : set.messages)
    for (std::size_t i = 0; i < mm.resources.size(); ++i) check_rule(mm.resources[i], "messages." + name + ".resources[" + std::to_string(i) + "]");
  for (auto& [name, sm] : set.segments)
    for (std::size_t i = 0; i < sm.fields.size(); ++i)
      if (!sm.fields[i].table.empty() && !set.tables.count(sm.fields[i].table))
        r.errors.push_back("segments." + name + ".fields[" + std::to_string(i) + "].table: no table '" + sm.fields[i].table + "'");
  // Names resolved to the maps they stand for, once (map nodes keep their place when the set moves).
  auto segment_map = [&](const std::string& name) -> const SegmentMap* {
    auto it = set.segments.find(name);
    return it == set.segments.end() ? nullptr : &it->second;
  };
  std::function<void(ResourceRule&)> resolve = [&](ResourceRule& rule) {
    rule.from_map = segment_map(rule.from);
    for (const std::string& seg : rule.merge) rule.merge_maps.push_back(segment_map(seg));
    rule.notes_map = rule.notes.empty() ? nullptr : segment_map(rule.notes);
    if (rule.children) resolve(*rule.children);
  };
  for (auto& [name, mm] : set.messages)
    for (ResourceRule& rule : mm.resources) resolve(rule);
  if (auto t = set.tables.find(std::string_view("assigning-authority")); t != set.tables.end()) set.authorities = &t->second;
  for (auto& [name, sm] : set.segments)
    for (FieldMap& f : sm.fields)
      if (auto t = set.tables.find(f.table); !f.table.empty() && t != set.tables.end()) f.table_map = &t->second;
  if (!r.errors.empty()) {
    std::string all = "invalid HL7 v2 maps:";
    for (const std::string& e : r.errors) all += "\n  " + e;
    throw MapError(all);
  }
  return set;
}

const MapSet& MapSet::builtin() {
  static const MapSet set = load(hw_map_segments_json, hw_map_messages_json, hw_map_tables_json);
  return set;
}

}  // namespace hidewire::mapping
