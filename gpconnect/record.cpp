#include "gpconnect/record.hpp"

namespace hidewire::gpconnect {

Record::Record(const std::vector<node::StoredResource>& resources) {
  items_.reserve(resources.size());
  for (const node::StoredResource& r : resources) {
    auto it = std::make_unique<Item>();
    it->stored = &r;
    it->doc.Parse(r.json.c_str(), r.json.size());
    if (it->doc.HasParseError() || !it->doc.IsObject()) continue;  // the store keeps only valid JSON; never fatal here
    it->key = r.type + "/" + r.id;
    by_key_[it->key] = it.get();
    items_.push_back(std::move(it));
  }
}

const Item* Record::find(const std::string& key) const {
  auto it = by_key_.find(key);
  return it == by_key_.end() ? nullptr : it->second;
}

std::vector<const Item*> Record::of_type(std::string_view type) const {
  std::vector<const Item*> out;
  for (const auto& i : items_)
    if (i->type() == type) out.push_back(i.get());
  return out;
}

const Json* member(const Json& o, const char* key) {
  if (!o.IsObject()) return nullptr;
  auto it = o.FindMember(key);
  return it == o.MemberEnd() ? nullptr : &it->value;
}

std::string text_at(const Json& o, std::string_view path) {
  const Json* v = &o;
  while (v && !path.empty()) {
    std::size_t dot = path.find('.');
    std::string key(path.substr(0, dot));
    v = member(*v, key.c_str());
    path = dot == std::string_view::npos ? std::string_view() : path.substr(dot + 1);
  }
  return v && v->IsString() ? std::string(v->GetString(), v->GetStringLength()) : std::string();
}

std::string first_text(const Json& o, std::initializer_list<std::string_view> paths) {
  for (std::string_view p : paths)
    if (std::string s = text_at(o, p); !s.empty()) return s;
  return {};
}

std::string reference_key(const Json* ref) {
  if (!ref || !ref->IsObject()) return {};
  std::string r = text_at(*ref, "reference");
  if (r.empty() || r[0] == '#' || r.rfind("urn:", 0) == 0) return {};
  // The last two segments (an absolute URL's too), without a _history tail.
  if (auto h = r.find("/_history/"); h != std::string::npos) r.resize(h);
  std::size_t last = r.rfind('/');
  if (last == std::string::npos || last == 0) return {};
  std::size_t prev = r.rfind('/', last - 1);
  return prev == std::string::npos ? r : r.substr(prev + 1);
}

bool has_code(const Json* list, std::string_view code, std::string_view system) {
  if (!list) return false;
  auto one = [&](const Json& cc) {
    const Json* cs = member(cc, "coding");
    if (!cs || !cs->IsArray()) return false;
    for (const Json& c : cs->GetArray())
      if (text_at(c, "code") == code && (system.empty() || text_at(c, "system") == system)) return true;
    return false;
  };
  if (list->IsArray()) {
    for (const Json& cc : list->GetArray())
      if (one(cc)) return true;
    return false;
  }
  return one(*list);
}

std::string first_code(const Json* cc) {
  const Json* cs = cc ? member(*cc, "coding") : nullptr;
  if (!cs || !cs->IsArray()) return {};
  for (const Json& c : cs->GetArray())
    if (std::string s = text_at(c, "code"); !s.empty()) return s;
  return {};
}

void each_reference(const Json& v, std::vector<std::string>& out) {
  if (v.IsObject()) {
    for (auto it = v.MemberBegin(); it != v.MemberEnd(); ++it) {
      if (it->value.IsString() && std::string_view(it->name.GetString()) == "reference") {
        if (std::string k = reference_key(&v); !k.empty()) out.push_back(std::move(k));
      } else if (it->value.IsObject() || it->value.IsArray()) {
        each_reference(it->value, out);
      }
    }
  } else if (v.IsArray()) {
    for (const Json& x : v.GetArray()) each_reference(x, out);
  }
}

}  // namespace hidewire::gpconnect
