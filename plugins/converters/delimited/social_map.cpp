#include <rapidjson/document.h>

#include <algorithm>
#include <cctype>
#include <cstdio>

#include "plugins/common/map_json.hpp"
#include "plugins/converters/delimited/social_model.hpp"

namespace hidewire::plugins::social {
namespace {

using J = rapidjson::Value;

// Every section's keys (docs/SOCIAL_CARE.md): a map naming another is wrong, not ignored.
const std::map<std::string, std::vector<std::string>>& model_keys() {
  static const std::map<std::string, std::vector<std::string>> k = {
      {"person", {"id", "nhs_number", "family", "given", "birth_date", "gender", "address_line", "town", "postcode", "phone",
                  "lives_alone", "has_carer", "note"}},
      {"carer", {"id", "name", "family", "given", "relationship", "phone"}},
      {"coordinator", {"id", "name", "role", "relationship", "phone"}},
      {"episode", {"id", "type", "start", "end", "status"}},
      {"plan", {"id", "start", "review_date", "goal", "need", "trigger", "note"}},
      {"referral", {"id", "date", "service", "reason", "status", "to"}},
      {"visit", {"id", "date", "type", "by", "note"}},
      {"condition", {"code", "text", "onset"}},
      {"alert", {"type", "text", "start"}},
      {"council", {"ods", "name"}},  // the document's own council, over the map's
  };
  return k;
}

std::string lower(std::string s) {
  for (char& c : s) c = static_cast<char>(std::tolower(static_cast<unsigned char>(c)));
  return s;
}

std::string str(const J& o, const char* key, const std::string& at, bool required = false) {
  return plugins::map_string<MapError>(o, key, at, required);
}

FieldSpec field(const J& f, const std::string& at, const SocialMap& m) {
  if (!f.IsObject()) throw MapError(at + ": expected an object");
  FieldSpec s;
  std::string key = str(f, "key", at, true);
  auto dot = key.find('.');
  s.section = key.substr(0, dot);
  s.key = dot == std::string::npos ? "" : key.substr(dot + 1);
  auto sec = model_keys().find(s.section);
  if (sec == model_keys().end() || std::find(sec->second.begin(), sec->second.end(), s.key) == sec->second.end())
    throw MapError(at + ".key: '" + key + "' is not a key of the record model");
  if (auto c = f.FindMember("column"); c != f.MemberEnd()) {
    if (c->value.IsString()) s.column = c->value.GetString();
    else if (c->value.IsInt() && c->value.GetInt() > 0) s.position = c->value.GetInt();
    else throw MapError(at + ".column: expected a header name or a position from 1");
  }
  s.path = str(f, "path", at);
  if (m.format == "delimited" && s.column.empty() && !s.position) throw MapError(at + ".column: required");
  if (m.format == "xml" && s.path.empty()) throw MapError(at + ".path: required");
  s.values = str(f, "values", at);
  if (!s.values.empty() && !m.values.count(s.values)) throw MapError(at + ".values: no table '" + s.values + "' in values");
  s.date = str(f, "date", at);
  s.split = str(f, "split", at);
  return s;
}

std::vector<FieldSpec> fields(const J& o, const char* key, const std::string& at, const SocialMap& m) {
  std::vector<FieldSpec> out;
  auto it = o.FindMember(key);
  if (it == o.MemberEnd()) return out;
  if (!it->value.IsArray()) throw MapError(at + "." + key + ": expected an array");
  for (rapidjson::SizeType i = 0; i < it->value.Size(); ++i)
    out.push_back(field(it->value[i], at + "." + key + "[" + std::to_string(i) + "]", m));
  return out;
}

char one_char(const J& o, const char* key, const std::string& at, char dflt) {
  std::string s = str(o, key, at);
  if (s.empty()) return dflt;
  if (s == "\\t" || s == "tab") return '\t';
  if (s.size() != 1) throw MapError(at + "." + key + ": expected one character");
  return s[0];
}

}  // namespace

SocialMap load_social_map(const std::string& json, const std::string& source) {
  rapidjson::Document doc;
  std::string at;
  plugins::parse_map_file<MapError>(json, source, doc, at);
  SocialMap m;
  m.name = str(doc, "name", at, true);
  m.format = str(doc, "format", at, true);
  if (m.format != "delimited" && m.format != "xml") throw MapError(at + ".format: expected delimited or xml");
  auto council = doc.FindMember("council");
  if (council == doc.MemberEnd() || !council->value.IsObject()) throw MapError(at + ".council: required object");
  m.council_ods = str(council->value, "ods", at + ".council", true);
  m.council_name = str(council->value, "name", at + ".council", true);
  if (auto v = doc.FindMember("values"); v != doc.MemberEnd()) {
    if (!v->value.IsObject()) throw MapError(at + ".values: expected an object");
    for (const auto& table : v->value.GetObject()) {
      std::string tat = at + ".values." + table.name.GetString();
      if (!table.value.IsObject()) throw MapError(tat + ": expected an object");
      auto& t = m.values[table.name.GetString()];
      for (const auto& w : table.value.GetObject()) {
        if (!w.value.IsString()) throw MapError(tat + "." + w.name.GetString() + ": expected a string");
        t[lower(w.name.GetString())] = w.value.GetString();
      }
    }
  }
  if (auto ig = doc.FindMember("ignore"); ig != doc.MemberEnd()) {
    if (!ig->value.IsArray()) throw MapError(at + ".ignore: expected an array");
    for (const auto& s : ig->value.GetArray()) {
      if (!s.IsString()) throw MapError(at + ".ignore: expected strings");
      m.ignore.push_back(s.GetString());
    }
  }
  if (m.format == "delimited") {
    m.delimiter = one_char(doc, "delimiter", at, ',');
    m.quote = one_char(doc, "quote", at, '"');
    if (auto h = doc.FindMember("header"); h != doc.MemberEnd()) {
      if (!h->value.IsBool()) throw MapError(at + ".header: expected true or false");
      m.header = h->value.GetBool();
    }
    if (std::string k = str(doc, "person_key", at); !k.empty()) m.person_key = k;
    m.recognise = str(doc, "recognise", at);
    m.fields = fields(doc, "columns", at, m);
    for (const FieldSpec& f : m.fields)
      if (m.header ? f.column.empty() : !f.position)
        throw MapError(at + ".columns: '" + f.section + "." + f.key + "' needs a " + (m.header ? "header name" : "position"));
    if (std::none_of(m.fields.begin(), m.fields.end(), [&](const FieldSpec& f) { return f.section + "." + f.key == m.person_key; }))
      throw MapError(at + ".person_key: no column is mapped to '" + m.person_key + "'");
  } else {
    m.root = str(doc, "root", at, true);
    m.fields = fields(doc, "fields", at, m);
    if (auto l = doc.FindMember("lists"); l != doc.MemberEnd()) {
      if (!l->value.IsArray()) throw MapError(at + ".lists: expected an array");
      for (rapidjson::SizeType i = 0; i < l->value.Size(); ++i) {
        std::string lat = at + ".lists[" + std::to_string(i) + "]";
        if (!l->value[i].IsObject()) throw MapError(lat + ": expected an object");
        m.lists.push_back({str(l->value[i], "path", lat, true), fields(l->value[i], "fields", lat, m)});
      }
    }
  }
  return m;
}

bool SocialMap::ignored(const std::string& name) const { return std::find(ignore.begin(), ignore.end(), name) != ignore.end(); }

bool SocialMap::read(const FieldSpec& spec, const std::string& raw, const std::string& at, Item& into, fhir::Diagnostics& d) const {
  std::vector<std::string> parts;
  if (spec.split.empty()) {
    parts.push_back(raw);
  } else {
    for (std::size_t from = 0;;) {
      std::size_t to = raw.find(spec.split, from);
      parts.push_back(raw.substr(from, to == std::string::npos ? std::string::npos : to - from));
      if (to == std::string::npos) break;
      from = to + spec.split.size();
    }
  }
  bool any = false;
  for (std::string p : parts) {
    p.erase(0, p.find_first_not_of(" \t\r\n"));
    p.erase(p.find_last_not_of(" \t\r\n") + 1);
    if (p.empty()) continue;
    std::string text = p;
    if (!spec.date.empty()) {
      text = social_date(p, spec.date);
      if (text.empty()) {
        d.warning("value", at, "'" + p + "' is not a date as " + spec.date + ": left out");
        continue;
      }
    } else if (!spec.values.empty()) {
      const auto& table = values.at(spec.values);
      auto it = table.find(lower(p));
      if (it == table.end()) {
        // Kept as the sender wrote it: never coded by a guess.
        d.warning("code-invalid", at, "'" + p + "' is not in the map's table '" + spec.values + "': carried as text");
        text = "text:" + p;
      } else {
        text = it->second;
      }
    }
    auto& vs = into.fields[spec.key];
    if (std::none_of(vs.begin(), vs.end(), [&](const Value& v) { return v.text == text; })) vs.push_back({text, at});
    any = true;
  }
  return any;
}

std::string social_date(const std::string& text, const std::string& pattern) {
  int day = 0, month = 0, year = 0;
  std::size_t i = 0;
  const std::string p = pattern.empty() ? "yyyy-MM-dd" : pattern;
  auto digits = [&](std::size_t n, int& out) {
    if (i + n > text.size()) return false;
    out = 0;
    for (std::size_t k = 0; k < n; ++k) {
      char c = text[i + k];
      if (c < '0' || c > '9') return false;
      out = out * 10 + (c - '0');
    }
    i += n;
    return true;
  };
  for (std::size_t j = 0; j < p.size();) {
    if (p.compare(j, 4, "yyyy") == 0) {
      if (!digits(4, year)) return {};
      j += 4;
    } else if (p.compare(j, 2, "yy") == 0) {
      if (!digits(2, year)) return {};
      year += year > 50 ? 1900 : 2000;  // a two-digit year: 1951-2050
      j += 2;
    } else if (p.compare(j, 2, "dd") == 0 || p.compare(j, 2, "MM") == 0) {
      if (!digits(2, p[j] == 'd' ? day : month)) return {};
      j += 2;
    } else {
      if (i >= text.size() || text[i] != p[j]) return {};
      ++i, ++j;
    }
  }
  // An ISO dateTime keeps only its date.
  if (pattern.empty() && i < text.size() && text[i] != 'T') return {};
  if (!pattern.empty() && i != text.size()) return {};
  static const int days[] = {31, 29, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31};
  bool leap = (year % 4 == 0 && year % 100 != 0) || year % 400 == 0;
  if (month < 1 || month > 12 || day < 1 || day > days[month - 1] || (month == 2 && day == 29 && !leap) || year < 1850) return {};
  char buf[40];
  std::snprintf(buf, sizeof buf, "%04d-%02d-%02d", year, month, day);
  return buf;
}

const Value* Item::get(const std::string& key) const {
  auto it = fields.find(key);
  return it == fields.end() || it->second.empty() ? nullptr : &it->second.front();
}

const std::string& Item::text(const std::string& key) const {
  static const std::string none;
  const Value* v = get(key);
  return v ? v->text : none;
}

std::vector<std::string> Item::all(const std::string& key) const {
  std::vector<std::string> out;
  if (auto it = fields.find(key); it != fields.end())
    for (const Value& v : it->second) out.push_back(v.text);
  return out;
}

void Record::add(const std::string& section, Item item) {
  // A multi-valued cell of conditions or alerts is one of each per value.
  if (section == "condition" || section == "alert") {
    const char* key = section == "condition" ? "code" : "type";
    auto it = item.fields.find(key);
    if (it != item.fields.end() && it->second.size() > 1) {
      std::vector<Value> values = std::move(it->second);
      for (Value& v : values) {
        Item one = item;
        one.fields[key] = {std::move(v)};
        add(section, std::move(one));
      }
      return;
    }
  }
  auto same = [&](const Item& other) {
    if (const Value* id = item.get("id")) return other.text("id") == id->text;
    if (other.get("id")) return false;
    for (const auto& [k, vs] : item.fields)
      if (other.all(k) != item.all(k)) return false;
    return other.fields.size() == item.fields.size();
  };
  auto& list = lists[section];
  auto it = std::find_if(list.begin(), list.end(), same);
  if (it == list.end()) return list.push_back(std::move(item));
  // The same item on another row (a plan over several rows): its values added, each once.
  for (auto& [k, vs] : item.fields)
    for (Value& v : vs) {
      auto& have = it->fields[k];
      if (std::none_of(have.begin(), have.end(), [&](const Value& h) { return h.text == v.text; })) have.push_back(std::move(v));
    }
}

}  // namespace hidewire::plugins::social
