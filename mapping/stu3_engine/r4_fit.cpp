#include "mapping/stu3_engine/r4_fit.hpp"

#include <cctype>

#include "fhir/json_numbers.hpp"
#include "fhir/primitives.hpp"
#include "mapping/engine/datatypes.hpp"

namespace hidewire::mapping::stu3 {
namespace {

using fhir::Primitive;

bool empty_value(const Json& v) {
  if (v.IsNull()) return true;
  if (v.IsObject()) return v.MemberCount() == 0;
  if (v.IsArray()) return v.Empty();
  if (v.IsString()) return v.GetStringLength() == 0;
  return false;
}

// FHIR dateTime and instant with a time but no zone: the GP system's local time, UK (GMT/BST).
std::string with_zone(const std::string& s, bool instant) {
  if (s.size() <= 10 || s.find('T') == std::string::npos) return s;
  std::string_view time(s.c_str() + 11);
  if (time.find_first_of("Z+-") != std::string_view::npos) return s;
  std::string digits;
  for (char c : s)
    if (c != '-' && c != ':' && c != 'T') digits += c;
  std::string zoned = v2_datetime(digits, instant);
  return zoned.empty() ? s : zoned;
}

// One primitive value as R4 writes it; false when it cannot be (reported by the caller).
bool fit_primitive(Json& v, Primitive p, const fhir::ElementDef& def, Alloc& a) {
  const std::string raw(fhir::json::kRawNumber);
  if (fhir::is_json_number(p)) {
    if (v.IsString()) {
      std::string s = v.GetString();
      if (s.rfind(raw, 0) == 0) return fhir::check_primitive(p, s.substr(raw.size())).empty();
      if (!fhir::json::is_number_text(s) || !fhir::check_primitive(p, s).empty()) return false;
      v.SetString((raw + s).c_str(), a);
      return true;
    }
    return false;
  }
  if (fhir::is_json_bool(p)) {
    if (v.IsBool()) return true;
    if (v.IsString() && (std::string_view(v.GetString()) == "true" || std::string_view(v.GetString()) == "false")) {
      v.SetBool(std::string_view(v.GetString()) == "true");
      return true;
    }
    return false;
  }
  if (v.IsBool()) v.SetString(v.GetBool() ? "true" : "false", a);
  if (!v.IsString()) return false;
  std::string s = v.GetString();
  if (s.rfind(raw, 0) == 0) s = s.substr(raw.size());  // a number where R4 has a string
  if (p == Primitive::DateTime || p == Primitive::Instant) s = with_zone(s, p == Primitive::Instant);
  if (p == Primitive::Uri || p == Primitive::Url || p == Primitive::Canonical || p == Primitive::Code || p == Primitive::Id) {
    while (!s.empty() && (s.back() == ' ' || s.back() == '\t')) s.pop_back();  // " 86290005": blanks no code has
    std::size_t lead = s.find_first_not_of(" \t");
    s = lead == std::string::npos ? std::string() : s.substr(lead);
  }
  if (p != Primitive::NotPrimitive && !fhir::check_primitive(p, s).empty()) return false;
  if (p == Primitive::Code && def.binding == fhir::BindingStrength::Required && !def.value_set.empty())
    if (const fhir::ValueSetCodes* vs = fhir::Schema::r4().value_set(def.value_set); vs && vs->complete && !vs->codes.count(s))
      return false;
  v.SetString(s.c_str(), static_cast<rapidjson::SizeType>(s.size()), a);
  return true;
}

void fit(Json& obj, const fhir::TypeDef& t, Alloc& a, const std::string& at, const Report& report);

// An element R4 requires that the record did not give: present, saying why it has no value
// (data-absent-reason "unknown"), so the resource is valid and nothing is made up.
void mark_absent(Json& obj, const fhir::TypeDef& t, Alloc& a, const std::string& at, const Report& report) {
  if (t.kind != fhir::TypeKind::Resource && t.kind != fhir::TypeKind::Backbone) return;
  for (const fhir::ElementDef* e : t.elements) {
    if (e->min == 0 || e->types.empty()) continue;
    std::string name(e->base_name());
    bool given = false;
    for (auto& m : obj.GetObject()) {
      std::string_view n = m.name.GetString();
      if (!n.empty() && n.front() == '_') n.remove_prefix(1);
      if (n == name || (e->is_choice && n.rfind(name, 0) == 0 && t.find(n))) given = true;
    }
    if (given) continue;
    const fhir::TypeRef& type = e->types.front();
    if (e->is_choice) name += std::string(1, static_cast<char>(std::toupper(type.code[0]))) + type.code.substr(1);
    bool primitive = !type.type || type.type->is_primitive();
    Json dar(rapidjson::kObjectType), exts(rapidjson::kArrayType), holder(rapidjson::kObjectType);
    dar.AddMember("url", "http://hl7.org/fhir/StructureDefinition/data-absent-reason", a);
    dar.AddMember("valueCode", "unknown", a);
    exts.PushBack(dar, a);
    holder.AddMember("extension", exts, a);
    if (e->is_array()) {
      if (primitive) continue;  // no resource requires a list of primitives
      Json list(rapidjson::kArrayType);
      list.PushBack(holder, a);
      holder = std::move(list);
    }
    std::string key = primitive ? "_" + name : name;
    obj.AddMember(Json(key.c_str(), static_cast<rapidjson::SizeType>(key.size()), a), holder, a);
    if (report.absent) report.absent->push_back(at + "." + name);
  }
}

// One item of an element; false when it is not carried.
bool fit_item(Json& v, const fhir::ChildRef& c, Alloc& a, const std::string& at, const Report& report) {
  if (!c.type || c.type->is_primitive()) return fit_primitive(v, c.type ? c.type->primitive : Primitive::NotPrimitive, *c.def, a);
  if (!v.IsObject()) return false;
  const fhir::TypeDef* t = c.type;
  if (t->is_resource() || t->is_abstract) {
    auto rt = v.FindMember("resourceType");
    t = rt != v.MemberEnd() && rt->value.IsString() ? fhir::Schema::r4().resource(rt->value.GetString()) : nullptr;
    if (!t) return false;
  }
  fit(v, *t, a, at, report);
  return !empty_value(v);
}

void fit(Json& obj, const fhir::TypeDef& t, Alloc& a, const std::string& at, const Report& report) {
  for (auto m = obj.MemberBegin(); m != obj.MemberEnd();) {
    std::string name = m->name.GetString();
    if (name == "resourceType" && t.is_resource()) {
      ++m;
      continue;
    }
    bool shadow = name.size() > 1 && name[0] == '_';  // a primitive's id and extensions
    const fhir::ChildRef* c = t.find(shadow ? std::string_view(name).substr(1) : std::string_view(name));
    if (!c || !c->def) {
      if (!empty_value(m->value)) report.add(at + "." + name);
      m = obj.EraseMember(m);
      continue;
    }
    if (shadow) {
      ++m;
      continue;
    }
    Json& v = m->value;
    if (c->def->is_array() && !v.IsArray()) {
      Json one(std::move(v));
      v.SetArray();
      v.PushBack(one, a);
    } else if (!c->def->is_array() && v.IsArray()) {
      for (rapidjson::SizeType i = 1; i < v.Size(); ++i) report.add(at + "." + name + "[" + std::to_string(i) + "]");
      if (v.Empty()) {
        m = obj.EraseMember(m);
        continue;
      }
      Json first(std::move(v[0]));
      v = std::move(first);
    }
    if (v.IsArray()) {
      for (rapidjson::SizeType i = 0; i < v.Size();) {
        std::string item_at = at + "." + name + "[" + std::to_string(i) + "]";
        if (fit_item(v[i], *c, a, item_at, report)) {
          ++i;
          continue;
        }
        if (!empty_value(v[i])) report.add(item_at);
        v.Erase(v.Begin() + i);
      }
      if (v.Empty()) {
        m = obj.EraseMember(m);
        continue;
      }
    } else if (!fit_item(v, *c, a, at + "." + name, report)) {
      if (!empty_value(v)) report.add(at + "." + name);
      m = obj.EraseMember(m);
      continue;
    }
    ++m;
  }
  mark_absent(obj, t, a, at, report);
}

}  // namespace

bool fit_r4(Json& resource, Alloc& a, const std::string& at, const Report& report) {
  auto rt = resource.FindMember("resourceType");
  const fhir::TypeDef* t = rt != resource.MemberEnd() && rt->value.IsString() ? fhir::Schema::r4().resource(rt->value.GetString()) : nullptr;
  if (!t) return false;
  fit(resource, *t, a, at, report);
  return true;
}

}  // namespace hidewire::mapping::stu3
