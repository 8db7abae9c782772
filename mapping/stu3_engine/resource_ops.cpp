#include "mapping/stu3_engine/resource_ops.hpp"

#include <functional>


namespace hidewire::mapping::stu3 {
namespace {

using Path = std::vector<std::string>;

Json str(const std::string& s, Alloc& a) { return Json(s.c_str(), static_cast<rapidjson::SizeType>(s.size()), a); }

std::string dotted(const Path& p, std::size_t n) {
  std::string out;
  for (std::size_t i = 0; i < n && i < p.size(); ++i) out += (i ? "." : "") + p[i];
  return out;
}

// Calls `fn` with every object that holds the path's last member (arrays on the way walked).
void each_parent(Json& v, const Path& p, std::size_t depth, const std::function<void(Json&)>& fn) {
  if (v.IsArray()) {
    for (Json& item : v.GetArray()) each_parent(item, p, depth, fn);
    return;
  }
  if (!v.IsObject()) return;
  if (depth + 1 == p.size()) return fn(v);
  auto m = v.FindMember(p[depth].c_str());
  if (m != v.MemberEnd()) each_parent(m->value, p, depth + 1, fn);
}
void each_parent(Json& root, const Path& p, const std::function<void(Json&)>& fn) { each_parent(root, p, 0, fn); }

Json* member(Json& o, const std::string& name) {
  if (!o.IsObject()) return nullptr;
  auto m = o.FindMember(name.c_str());
  return m == o.MemberEnd() ? nullptr : &m->value;
}

// Takes the value at `p` out of the resource (the first item where a step is an array).
bool take(Json& root, const Path& p, Json& out) {
  Json* at = &root;
  for (std::size_t i = 0; i + 1 < p.size(); ++i) {
    at = member(*at, p[i]);
    if (!at) return false;
    if (at->IsArray()) {
      if (at->Empty()) return false;
      at = &(*at)[0];
    }
  }
  Json* v = member(*at, p.back());
  if (!v) return false;
  out = std::move(*v);
  at->RemoveMember(p.back().c_str());
  return true;
}

// Puts `v` at `p`, making the objects on the way.
void put(Json& root, const Path& p, Json v, Alloc& a) {
  Json* at = &root;
  for (std::size_t i = 0; i + 1 < p.size(); ++i) {
    Json* next = member(*at, p[i]);
    if (!next) {
      at->AddMember(str(p[i], a), Json(rapidjson::kObjectType), a);
      next = member(*at, p[i]);
    }
    if (next->IsArray() && !next->Empty()) next = &(*next)[0];
    if (!next->IsObject()) return;
    at = next;
  }
  at->RemoveMember(p.back().c_str());
  at->AddMember(str(p.back(), a), v, a);
}

Path split(const std::string& dotted_path) {
  Path p;
  std::size_t start = 0;
  for (;;) {
    std::size_t dot = dotted_path.find('.', start);
    p.push_back(dotted_path.substr(start, dot == std::string::npos ? std::string::npos : dot - start));
    if (dot == std::string::npos) return p;
    start = dot + 1;
  }
}

bool present(Json& root, const std::string& dotted_path) {
  Json* at = &root;
  std::size_t start = 0;
  while (at) {
    std::size_t dot = dotted_path.find('.', start);
    at = member(*at, dotted_path.substr(start, dot == std::string::npos ? std::string::npos : dot - start));
    if (at && at->IsArray()) at = at->Empty() ? nullptr : &(*at)[0];
    if (dot == std::string::npos) break;
    start = dot + 1;
  }
  return at != nullptr;
}

void rename_member(Json& o, const std::string& from, const std::string& to, Alloc& a) {
  Json* v = member(o, from);
  if (!v) return;
  Json moved = std::move(*v);
  o.RemoveMember(from.c_str());
  if (Json* existing = member(o, to); existing && existing->IsArray()) {
    if (moved.IsArray())
      for (Json& item : moved.GetArray()) existing->PushBack(item, a);
    else
      existing->PushBack(moved, a);
    return;
  }
  o.RemoveMember(to.c_str());
  o.AddMember(str(to, a), moved, a);
}

std::string code_text(const Json& v) {
  if (v.IsString()) return v.GetString();
  if (v.IsBool()) return v.GetBool() ? "true" : "false";
  return {};
}

// Translates one code: the R4 code, nullopt when it is consumed or not carried (reported).
std::optional<std::string> translate(const Table* t, const std::string& code, const std::string& at, const Report& report) {
  if (!t) return code;
  if (auto m = t->map.find(code); m != t->map.end()) return m->second;
  if (t->keep_others) return code;
  report.add(at);
  return std::nullopt;
}

void apply(const Op& op, Json& r, const Maps& maps, Alloc& a, const std::string& at, const Report& report) {
  const std::string last = op.path.empty() ? std::string() : op.path.back();
  const std::string where = at + "." + dotted(op.path, op.path.size());
  const Table* table = op.table.empty() ? nullptr : maps.table(op.table);
  auto skip = [&] {
    for (const std::string& u : op.unless)
      if (present(r, u)) return true;
    return false;
  };
  switch (op.kind) {
    case Op::Kind::Type:
      return;
    case Op::Kind::Rename:
      return each_parent(r, op.path, [&](Json& parent) { rename_member(parent, last, op.to, a); });
    case Op::Kind::Move: {
      if (skip()) return;
      Json v;
      if (take(r, op.path, v)) put(r, split(op.to), std::move(v), a);
      return;
    }
    case Op::Kind::Lift:
      return each_parent(r, op.path, [&](Json& parent) {
        Json* v = member(parent, last);
        if (!v) return;
        auto lift_one = [&](Json& item) {
          if (!item.IsObject()) return;
          for (auto& m : item.GetObject())
            if (op.child != m.name.GetString()) report.add(where + "." + m.name.GetString());
          Json* c = member(item, op.child);
          Json keep = c ? Json(std::move(*c)) : Json(rapidjson::kObjectType);
          item = std::move(keep);
        };
        if (v->IsArray())
          for (Json& item : v->GetArray()) lift_one(item);
        else
          lift_one(*v);
      });
    case Op::Kind::Code:
    case Op::Kind::Concept:
      return each_parent(r, op.path, [&](Json& parent) {
        Json* v = member(parent, last);
        if (!v || !v->IsString()) return;
        std::optional<std::string> code = translate(table, v->GetString(), where, report);
        if (!code) {
          parent.RemoveMember(last.c_str());
          return;
        }
        if (op.kind == Op::Kind::Code) {
          *v = str(*code, a);
          return;
        }
        Json coding(rapidjson::kObjectType), codings(rapidjson::kArrayType), cc(rapidjson::kObjectType);
        coding.AddMember("system", str(op.system, a), a);
        coding.AddMember("code", str(*code, a), a);
        codings.PushBack(coding, a);
        cc.AddMember("coding", codings, a);
        *v = std::move(cc);
      });
    case Op::Kind::Derive:
      return each_parent(r, op.path, [&](Json& parent) {
        Json* v = member(parent, last);
        if (!v) return;
        std::string code = code_text(*v);
        if (auto t = table->map.find(code); t != table->map.end()) {
          if (t->second) put(parent, {op.to}, str(*t->second, a), a);
        } else {
          report.add(where);
        }
        parent.RemoveMember(last.c_str());
      });
    case Op::Kind::Annotation:
      return each_parent(r, op.path, [&](Json& parent) {
        Json* v = member(parent, last);
        if (!v || !v->IsString()) return;
        Json note(rapidjson::kObjectType);
        note.AddMember("text", Json(*v, a), a);
        parent.RemoveMember(last.c_str());
        Json* notes = member(parent, op.to);
        if (!notes) {
          parent.AddMember(str(op.to, a), Json(rapidjson::kArrayType), a);
          notes = member(parent, op.to);
        }
        if (notes->IsArray()) notes->PushBack(note, a);
      });
    case Op::Kind::Split:
      return each_parent(r, op.path, [&](Json& parent) {
        Json* v = member(parent, last);
        if (!v || !v->IsArray()) return;
        Json items = std::move(*v);
        parent.RemoveMember(last.c_str());
        for (rapidjson::SizeType i = 0; i < items.Size(); ++i) {
          Json* k = member(items[i], op.key);
          Json* carried = member(items[i], op.value);
          std::optional<std::string> target = k ? translate(table, code_text(*k), where + "[" + std::to_string(i) + "]." + op.key, report)
                                                : std::nullopt;
          if (!target || !carried) continue;
          Json* list = member(parent, *target);
          if (!list) {
            parent.AddMember(str(*target, a), Json(rapidjson::kArrayType), a);
            list = member(parent, *target);
          }
          if (list->IsArray()) list->PushBack(Json(std::move(*carried)), a);
          else report.add(where + "[" + std::to_string(i) + "]");
        }
      });
    case Op::Kind::Default: {
      if (present(r, last) || skip()) return;
      rapidjson::Document d(&a);
      d.Parse(op.value_json.c_str());
      return put(r, {last}, Json(d, a), a);
    }
    case Op::Kind::Drop:
      return each_parent(r, op.path, [&](Json& parent) { parent.RemoveMember(last.c_str()); });
    case Op::Kind::Append:
      // A copy of the value added to the list `to` beside it, unless the list holds it already.
      return each_parent(r, op.path, [&](Json& parent) {
        Json* v = member(parent, last);
        if (!v || v->IsArray()) return;
        Json* list = member(parent, op.to);
        if (!list) {
          parent.AddMember(str(op.to, a), Json(rapidjson::kArrayType), a);
          list = member(parent, op.to);
        }
        if (!list->IsArray()) return report.add(where + "." + op.to);
        for (const Json& item : list->GetArray())
          if (item == *v) return;
        list->PushBack(Json(*v, a), a);
      });
  }
}

}  // namespace

std::string reshape(Json& resource, const Maps& maps, Alloc& a, const std::string& at, const Report& report) {
  if (!resource.IsObject() || !resource.HasMember("resourceType") || !resource["resourceType"].IsString()) return {};
  std::string stu3_type = resource["resourceType"].GetString();
  if (Json* contained = member(resource, "contained"); contained && contained->IsArray())
    for (rapidjson::SizeType i = 0; i < contained->Size(); ++i)
      reshape((*contained)[i], maps, a, at + ".contained[" + std::to_string(i) + "]", report);
  std::string type = stu3_type;
  auto ops = maps.types.find(stu3_type);
  if (ops != maps.types.end())
    for (const Op& op : ops->second)
      if (op.kind == Op::Kind::Type) type = op.to;
  resource["resourceType"] = str(type, a);
  for (const Op& op : maps.common) apply(op, resource, maps, a, at, report);
  if (ops != maps.types.end())
    for (const Op& op : ops->second) apply(op, resource, maps, a, at, report);
  rename_extensions(resource, maps, a, at, report);
  return type;
}

}  // namespace hidewire::mapping::stu3
