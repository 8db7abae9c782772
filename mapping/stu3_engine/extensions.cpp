// CareConnect / GP Connect extensions and STU3 code systems -> UK Core and R4 (extensions.json).
#include <algorithm>

#include "mapping/stu3_engine/resource_ops.hpp"

namespace hidewire::mapping::stu3 {
namespace {

Json str(const std::string& s, Alloc& a) { return Json(s.c_str(), static_cast<rapidjson::SizeType>(s.size()), a); }

std::string trimmed(std::string s) {
  auto space = [](unsigned char c) { return c == ' ' || c == '\t' || c == '\r' || c == '\n'; };
  while (!s.empty() && space(s.back())) s.pop_back();
  std::size_t i = 0;
  while (i < s.size() && space(s[i])) ++i;
  return s.substr(i);
}

// The value[x] member of an extension, or end.
Json::MemberIterator value_of(Json& ext) {
  for (auto m = ext.MemberBegin(); m != ext.MemberEnd(); ++m)
    if (std::string_view(m->name.GetString()).rfind("value", 0) == 0) return m;
  return ext.MemberEnd();
}

// Extension values carried as elements of the resource (dotted paths), put once its members are walked.
using Pending = std::vector<std::pair<std::string, Json>>;

// `here`: the extension is on a resource of one of the rule's types, so its values may become elements.
void rename_children(Json& ext, const ExtensionRule& rule, Alloc& a, const std::string& at, const Report& report, Pending* here) {
  auto subs = ext.FindMember("extension");
  if (subs == ext.MemberEnd() || !subs->value.IsArray() || rule.children.empty()) return;
  Json& list = subs->value;
  for (rapidjson::SizeType i = 0; i < list.Size();) {
    Json& sub = list[i];
    auto url = sub.IsObject() ? sub.FindMember("url") : Json::MemberIterator();
    if (!sub.IsObject() || url == sub.MemberEnd() || !url->value.IsString()) {
      ++i;
      continue;
    }
    if (auto e = rule.child_elements.find(url->value.GetString()); e != rule.child_elements.end()) {
      auto v = value_of(sub);
      if (here && v != sub.MemberEnd()) here->emplace_back(e->second, Json(std::move(v->value)));
      else report.add(at + ".extension('" + std::string(url->value.GetString()) + "')");
      list.Erase(list.Begin() + i);
      continue;
    }
    auto c = rule.children.find(url->value.GetString());
    if (c == rule.children.end()) {
      ++i;
      continue;
    }
    if (!c->second) {
      report.add(at + ".extension('" + std::string(url->value.GetString()) + "')");
      list.Erase(list.Begin() + i);
      continue;
    }
    url->value = str(*c->second, a);
    if (auto as = rule.as.find(*c->second); as != rule.as.end())
      if (auto v = value_of(sub); v != sub.MemberEnd() && as->second == "UnsignedInt") {
        Json n(std::move(v->value));  // a positiveInt is an unsignedInt: only the type's name changes
        sub.EraseMember(v);
        sub.AddMember(str("valueUnsignedInt", a), n, a);
      } else if (v != sub.MemberEnd() && as->second == "Identifier" && v->value.IsString()) {
        Json id(rapidjson::kObjectType);
        id.AddMember("value", Json(v->value, a), a);
        sub.EraseMember(v);
        sub.AddMember(str("value" + as->second, a), id, a);
      }
    ++i;
  }
}

void walk(Json& v, const Maps& maps, Alloc& a, const std::string& at, const Report& report, Pending* resource, const std::string& type) {
  if (v.IsArray()) {
    for (Json& item : v.GetArray()) walk(item, maps, a, at, report, nullptr, type);
    return;
  }
  if (!v.IsObject()) return;
  for (auto m = v.MemberBegin(); m != v.MemberEnd(); ++m) {
    std::string_view name = m->name.GetString();
    if (name == "system" && m->value.IsString()) {
      m->value = str(maps.system(trimmed(m->value.GetString())), a);
      continue;
    }
    if (name == "contained") continue;  // reshaped on their own
    if ((name == "extension" || name == "modifierExtension") && m->value.IsArray()) {
      Json& list = m->value;
      for (rapidjson::SizeType i = 0; i < list.Size();) {
        Json& ext = list[i];
        auto url = ext.IsObject() ? ext.FindMember("url") : Json::MemberIterator();
        if (ext.IsObject() && url != ext.MemberEnd() && url->value.IsString()) {
          std::string u = trimmed(url->value.GetString());
          if (auto r = maps.extensions.find(u); r != maps.extensions.end()) {
            const ExtensionRule& rule = r->second;
            if (!rule.element.empty()) {
              bool here = resource && std::find(rule.element_types.begin(), rule.element_types.end(), type) != rule.element_types.end();
              auto val = value_of(ext);
              if (here && val != ext.MemberEnd() && !v.HasMember(rule.element.c_str())) {
                resource->emplace_back(rule.element, Json(std::move(val->value)));
              } else {
                report.add(at + ".extension('" + u + "')");
              }
              list.Erase(list.Begin() + i);
              continue;
            }
            if (!rule.url.empty()) url->value = str(rule.url, a);
            bool here = resource && (rule.element_types.empty() ||
                                     std::find(rule.element_types.begin(), rule.element_types.end(), type) != rule.element_types.end());
            rename_children(ext, rule, a, at + ".extension('" + u + "')", report, here ? resource : nullptr);
            if (auto val = value_of(ext); !rule.value_system.empty() && val != ext.MemberEnd() && val->name == "valueCode" && val->value.IsString()) {
              Json coding(rapidjson::kObjectType), codings(rapidjson::kArrayType), cc(rapidjson::kObjectType);
              coding.AddMember("system", str(rule.value_system, a), a);
              coding.AddMember("code", Json(val->value, a), a);
              codings.PushBack(coding, a);
              cc.AddMember("coding", codings, a);
              ext.EraseMember(val);
              ext.AddMember("valueCodeableConcept", cc, a);
            }
            if (!rule.on.empty() && resource) {  // its context is an element of the resource, not the resource
              resource->emplace_back(rule.on + ".extension", Json(std::move(ext)));
              list.Erase(list.Begin() + i);
              continue;
            }
            if (value_of(ext) == ext.MemberEnd() && (!ext.HasMember("extension") || !ext["extension"].IsArray() || ext["extension"].Empty())) {
              list.Erase(list.Begin() + i);  // all of it carried elsewhere or reported: an empty extension is invalid
              continue;
            }
          }
        }
        walk(ext, maps, a, at, report, nullptr, type);
        ++i;
      }
      continue;
    }
    walk(m->value, maps, a, at, report, nullptr, type);
  }
}

}  // namespace

void rename_extensions(Json& v, const Maps& maps, Alloc& a, const std::string& at, const Report& report) {
  std::string type = v.IsObject() && v.HasMember("resourceType") && v["resourceType"].IsString() ? v["resourceType"].GetString() : "";
  Pending pending;
  walk(v, maps, a, at, report, &pending, type);
  for (auto& [path, value] : pending) {
    // Down the dotted path, making the objects on the way; what the resource has already wins.
    Json* at_obj = &v;
    std::size_t start = 0, dot;
    while ((dot = path.find('.', start)) != std::string::npos) {
      std::string step = path.substr(start, dot - start);
      if (!at_obj->HasMember(step.c_str())) at_obj->AddMember(str(step, a), Json(rapidjson::kObjectType), a);
      at_obj = &(*at_obj)[step.c_str()];
      if (!at_obj->IsObject()) break;
      start = dot + 1;
    }
    std::string last = path.substr(start);
    if (last == "extension" && at_obj->IsObject()) {  // an extension moved onto the element: added to its list
      if (!at_obj->HasMember("extension")) at_obj->AddMember("extension", Json(rapidjson::kArrayType), a);
      if ((*at_obj)["extension"].IsArray()) {
        (*at_obj)["extension"].PushBack(value, a);
        continue;
      }
    }
    if (at_obj->IsObject() && !at_obj->HasMember(last.c_str())) at_obj->AddMember(str(last, a), value, a);
    else report.add(at + "." + path);
  }
}

}  // namespace hidewire::mapping::stu3
