#include "fhir/schema.hpp"

#include <rapidjson/document.h>
#include <rapidjson/error/en.h>

#include <cctype>
#include <stdexcept>

extern "C" const char hw_schema_structure_json[];
extern "C" const char hw_schema_valuesets_json[];

namespace hidewire::fhir {

std::string_view ElementDef::base_name() const {
  std::string_view n = name;
  if (is_choice && n.size() > 3) n.remove_suffix(3);
  return n;
}

namespace {
std::size_t quick_hash(std::string_view s) {
  if (s.empty()) return 0;
  auto c = [&](std::size_t i) { return static_cast<std::size_t>(static_cast<unsigned char>(s[i])); };
  return (s.size() * 31 + c(0)) * 131 + c(s.size() / 2) * 7 + c(s.size() - 1);
}
}  // namespace

void TypeDef::build_index() {
  std::size_t size = 8;
  while (size < children.size() * 3) size *= 2;  // load factor under 1/3: probes stay short
  index_.assign(size, Slot{});
  mask_ = size - 1;
  for (const auto& [key, ref] : children) {
    std::size_t i = quick_hash(key) & mask_;
    while (index_[i].ref) i = (i + 1) & mask_;
    index_[i] = Slot{key, &ref};
  }
}

const ChildRef* TypeDef::find(std::string_view child_name) const {
  if (index_.empty()) return nullptr;
  for (std::size_t i = quick_hash(child_name) & mask_;; i = (i + 1) & mask_) {
    const Slot& s = index_[i];
    if (!s.ref) return nullptr;
    if (s.name == child_name) return s.ref;
  }
}

bool TypeDef::derives_from(std::string_view ancestor) const {
  for (const TypeDef* t = this; t; t = t->base)
    if (t->name == ancestor) return true;
  return false;
}

namespace {
using Json = rapidjson::Value;

std::string_view str(const Json& obj, const char* key) {
  auto it = obj.FindMember(key);
  if (it == obj.MemberEnd() || !it->value.IsString()) return {};
  return {it->value.GetString(), it->value.GetStringLength()};
}
bool flag(const Json& obj, const char* key) {
  auto it = obj.FindMember(key);
  return it != obj.MemberEnd() && it->value.IsBool() && it->value.GetBool();
}
std::string_view strip_version(std::string_view url) {
  auto bar = url.find('|');
  return bar == std::string_view::npos ? url : url.substr(0, bar);
}
BindingStrength strength_of(std::string_view s) {
  if (s == "required") return BindingStrength::Required;
  if (s == "extensible") return BindingStrength::Extensible;
  if (s == "preferred") return BindingStrength::Preferred;
  if (s == "example") return BindingStrength::Example;
  return BindingStrength::None;
}
TypeKind kind_of(std::string_view s) {
  if (s == "primitive-type") return TypeKind::Primitive;
  if (s == "resource") return TypeKind::Resource;
  if (s == "logical") return TypeKind::Logical;
  return TypeKind::Complex;
}
}  // namespace

class SchemaBuilder {
 public:
  explicit SchemaBuilder(Schema& s) : s_(s) {}

  void load_structure(std::string_view text) {
    rapidjson::Document doc;
    doc.Parse(text.data(), text.size());
    if (doc.HasParseError())
      throw std::runtime_error(std::string("schema structure JSON: ") +
                               rapidjson::GetParseError_En(doc.GetParseError()) + " at offset " +
                               std::to_string(doc.GetErrorOffset()));
    if (!doc.IsObject() || !doc.HasMember("types") || !doc["types"].IsArray())
      throw std::runtime_error("schema structure JSON: no \"types\" array");
    s_.fhir_version_ = std::string(str(doc, "fhirVersion"));
    for (const Json& t : doc["types"].GetArray()) add_type(t);
    for (const Json& t : doc["types"].GetArray()) add_elements(t);
    resolve();
  }

  void load_value_sets(std::string_view text) {
    if (text.empty()) return;
    rapidjson::Document doc;
    doc.Parse(text.data(), text.size());
    if (doc.HasParseError() || !doc.IsObject())
      throw std::runtime_error(std::string("schema value set JSON: ") +
                               rapidjson::GetParseError_En(doc.GetParseError()));
    auto vs = doc.FindMember("valueSets");
    if (vs == doc.MemberEnd() || !vs->value.IsObject()) return;
    for (auto& m : vs->value.GetObject()) {
      ValueSetCodes codes;
      codes.name = std::string(str(m.value, "name"));
      codes.complete = flag(m.value, "complete");
      auto list = m.value.FindMember("codes");
      if (list != m.value.MemberEnd() && list->value.IsArray()) {
        for (const Json& c : list->value.GetArray()) {
          if (!c.IsArray() || c.Size() < 2 || !c[0].IsString() || !c[1].IsString()) continue;
          std::string system(c[0].GetString(), c[0].GetStringLength());
          std::string code(c[1].GetString(), c[1].GetStringLength());
          codes.codes.insert(code);
          codes.system_codes.insert(system + "|" + code);
        }
      }
      s_.value_sets_.emplace(std::string(m.name.GetString(), m.name.GetStringLength()), std::move(codes));
    }
  }

 private:
  static void read_constraints(const Json& list, std::vector<Constraint>& out) {
    for (const Json& c : list.GetArray()) {
      out.push_back(Constraint{std::string(str(c, "key")), std::string(str(c, "severity")), std::string(str(c, "human")),
                               std::string(str(c, "expression")), std::string(str(c, "xpath"))});
      correct(out.back());
    }
  }

  // Published R4 expressions that contradict their own rule text, corrected as later FHIR
  // versions (and the reference validator) do. que-12 says "more than one enableWhen" but
  // 4.0.1 tests count() > 2 (R4B and R5 test > 1).
  static void correct(Constraint& c) {
    if (c.key == "que-12" && c.expression == "enableWhen.count() > 2 implies enableBehavior.exists()")
      c.expression = "enableWhen.count() > 1 implies enableBehavior.exists()";
  }

  void add_type(const Json& t) {
    auto def = std::make_unique<TypeDef>();
    def->name = std::string(str(t, "name"));
    def->kind = kind_of(str(t, "kind"));
    def->is_abstract = flag(t, "abstract");
    def->regex = std::string(str(t, "regex"));
    if (def->kind == TypeKind::Primitive) def->primitive = primitive_kind(def->name);
    if (auto cs = t.FindMember("constraints"); cs != t.MemberEnd() && cs->value.IsArray()) read_constraints(cs->value, def->constraints);
    base_names_.emplace_back(def.get(), std::string(str(t, "base")));
    s_.by_name_.emplace(def->name, def.get());
    s_.types_.push_back(std::move(def));
  }

  void add_elements(const Json& t) {
    TypeDef* root = const_cast<TypeDef*>(s_.by_name_.at(std::string(str(t, "name"))));
    auto els = t.FindMember("elements");
    if (els == t.MemberEnd() || !els->value.IsArray()) return;
    for (const Json& e : els->value.GetArray()) {
      auto el = std::make_unique<ElementDef>();
      el->path = std::string(str(e, "path"));
      auto dot = el->path.rfind('.');
      if (dot == std::string::npos) throw std::runtime_error("schema: element path without a dot: " + el->path);
      el->name = el->path.substr(dot + 1);
      std::string parent_path = el->path.substr(0, dot);
      el->min = e.HasMember("min") && e["min"].IsUint() ? e["min"].GetUint() : 0;
      std::string_view max = str(e, "max");
      el->max = max == "*" ? kUnbounded : (max.empty() ? 1 : static_cast<std::uint32_t>(std::stoul(std::string(max))));
      el->is_choice = el->name.size() > 3 && el->name.ends_with("[x]");
      el->xml_attr = flag(e, "xmlAttr");
      el->summary = flag(e, "summary");
      el->modifier = flag(e, "modifier");
      if (auto types = e.FindMember("types"); types != e.MemberEnd() && types->value.IsArray()) {
        for (const Json& tr : types->value.GetArray()) {
          TypeRef ref;
          ref.code = std::string(str(tr, "code"));
          if (auto tp = tr.FindMember("targetProfiles"); tp != tr.MemberEnd() && tp->value.IsArray())
            for (const Json& p : tp->value.GetArray())
              if (p.IsString()) ref.target_profiles.emplace_back(p.GetString(), p.GetStringLength());
          el->types.push_back(std::move(ref));
        }
      }
      if (auto b = e.FindMember("binding"); b != e.MemberEnd() && b->value.IsObject()) {
        el->binding = strength_of(str(b->value, "strength"));
        el->value_set = std::string(strip_version(str(b->value, "valueSet")));
      }
      if (auto cs = e.FindMember("constraints"); cs != e.MemberEnd() && cs->value.IsArray()) {
        read_constraints(cs->value, el->constraints);
      }
      std::string_view content_ref = str(e, "contentReference");
      if (!content_ref.empty()) {
        if (content_ref.front() == '#') content_ref.remove_prefix(1);
        content_refs_.emplace_back(el.get(), std::string(content_ref));
      }
      TypeDef* parent = parent_path == root->name ? root : backbone_for(parent_path);
      el->order = static_cast<std::uint32_t>(parent->elements.size());
      parent->elements.push_back(el.get());
      element_by_path_.emplace(el->path, el.get());
      s_.elements_.push_back(std::move(el));
    }
  }

  // Children of a backbone element live in a synthetic type named by the element's path.
  TypeDef* backbone_for(const std::string& path) {
    if (auto it = backbones_.find(path); it != backbones_.end()) return it->second;
    auto el_it = element_by_path_.find(path);
    if (el_it == element_by_path_.end()) throw std::runtime_error("schema: element " + path + " has children but no definition");
    auto def = std::make_unique<TypeDef>();
    def->name = path;
    def->kind = TypeKind::Backbone;
    ElementDef* owner = el_it->second;
    std::string base = owner->types.empty() ? "BackboneElement" : owner->types.front().code;
    base_names_.emplace_back(def.get(), base);
    owner->inline_type = def.get();
    TypeDef* raw = def.get();
    backbones_.emplace(path, raw);
    s_.types_.push_back(std::move(def));
    return raw;
  }

  void resolve() {
    for (auto& [type, base] : base_names_)
      if (!base.empty()) type->base = s_.type(base);
    for (auto& [el, target] : content_refs_) {
      auto it = backbones_.find(target);
      if (it == backbones_.end()) throw std::runtime_error("schema: contentReference to unknown #" + target);
      el->inline_type = it->second;
    }
    for (auto& el : s_.elements_)
      for (TypeRef& ref : el->types) ref.type = s_.type(ref.code);
    for (auto& type : s_.types_) {
      for (const ElementDef* el : type->elements) {
        if (el->is_choice) {
          std::string base(el->base_name());
          for (const TypeRef& ref : el->types) {
            std::string n = base + ref.code;
            n[base.size()] = static_cast<char>(std::toupper(static_cast<unsigned char>(n[base.size()])));
            type->children.emplace(std::move(n), ChildRef{el, ref.type});
          }
        } else {
          const TypeDef* t = el->inline_type;
          if (!t && el->types.size() == 1) t = el->types.front().type;
          type->children.emplace(el->name, ChildRef{el, t});
        }
      }
      type->build_index();
      if (type->kind == TypeKind::Resource && !type->is_abstract) s_.resource_list_.push_back(type.get());
    }
  }

  Schema& s_;
  std::vector<std::pair<TypeDef*, std::string>> base_names_;
  std::vector<std::pair<ElementDef*, std::string>> content_refs_;
  StringMap<ElementDef*> element_by_path_;
  StringMap<TypeDef*> backbones_;
};

std::unique_ptr<Schema> Schema::load(std::string_view structure_json, std::string_view valuesets_json) {
  std::unique_ptr<Schema> s(new Schema());
  SchemaBuilder b(*s);
  b.load_structure(structure_json);
  b.load_value_sets(valuesets_json);
  return s;
}

const Schema& Schema::r4() {
  static const std::unique_ptr<Schema> schema = load(hw_schema_structure_json, hw_schema_valuesets_json);
  return *schema;
}

const TypeDef* Schema::type(std::string_view name) const {
  auto it = by_name_.find(name);
  return it == by_name_.end() ? nullptr : it->second;
}

const TypeDef* Schema::resource(std::string_view name) const {
  const TypeDef* t = type(name);
  return t && t->kind == TypeKind::Resource && !t->is_abstract ? t : nullptr;
}

const ValueSetCodes* Schema::value_set(std::string_view url) const {
  auto it = value_sets_.find(strip_version(url));
  return it == value_sets_.end() ? nullptr : &it->second;
}

}  // namespace hidewire::fhir
