#include "profiles/match.hpp"

#include <cctype>
#include <algorithm>
#include <cstdlib>
#include <ctime>
#include <string_view>

#include "fhir/schema.hpp"
#include "fhirpath/value.hpp"

namespace hidewire::profiles {

bool equals_fixed(const fhir::Node& a, const fhir::Node& f) {
  if (a.has_value != f.has_value || (f.has_value && a.value != f.value)) return false;
  if (a.children.size() != f.children.size()) return false;
  for (std::size_t i = 0; i < f.children.size(); ++i)
    if (a.children[i].name != f.children[i].name || !equals_fixed(a.children[i], f.children[i])) return false;
  return true;
}

bool matches_pattern(const fhir::Node& a, const fhir::Node& p) {
  if (p.has_value && (!a.has_value || a.value != p.value)) return false;
  for (const fhir::Node& pc : p.children) {
    bool found = false;
    for (const fhir::Node& ac : a.children)
      if (ac.name == pc.name && matches_pattern(ac, pc)) {
        found = true;
        break;
      }
    if (!found) return false;
  }
  return true;
}

std::string describe(const fhir::Node& v) {
  if (v.has_value && v.children.empty()) return v.value;
  std::string out = "{";
  for (const fhir::Node& c : v.children) {
    if (out.size() > 1) out += ", ";
    out += c.name + ": " + describe(c);
  }
  return out + "}";
}

bool name_matches(std::string_view n, std::string_view def) {
  if (!def.ends_with("[x]")) return n == def;
  std::string_view base = def.substr(0, def.size() - 3);
  return n.size() > base.size() && n.starts_with(base) && std::isupper(static_cast<unsigned char>(n[base.size()]));
}

std::string type_of(const fhir::Node& n) {
  if (n.is_resource) return std::string(n.resource_type());
  return n.type ? n.type->name : std::string();
}

namespace {

// now -/+ the Duration `bound`, written to the precision of the date or UTC dateTime `like`;
// empty when it cannot be (not a time unit, a dateTime in another zone).
std::string relative_to_now(const fhir::Node& bound, const std::string& like, bool upper) {
  const fhir::Node* v = bound.child("value");
  const fhir::Node* code = bound.child("code");
  if (!v || !v->has_value || !code || !code->has_value) return {};
  double amount = std::strtod(v->value.c_str(), nullptr) * (upper ? 1 : -1);
  bool utc = like.size() <= 10 || like.back() == 'Z';
  if (!utc) return {};
  std::time_t t = std::time(nullptr);
  std::tm tm{};
  gmtime_r(&t, &tm);
  if (code->value == "a" || code->value == "mo") {  // calendar years and months, whole ones
    int months = static_cast<int>(amount * (code->value == "a" ? 12 : 1));
    tm.tm_year += months / 12;
    tm.tm_mon += months % 12;
    t = timegm(&tm);
  } else if (auto seconds = fhirpath::convert_quantity(amount, code->value, "s")) {
    t += static_cast<std::time_t>(*seconds);
  } else {
    return {};
  }
  gmtime_r(&t, &tm);
  char buf[32];
  std::strftime(buf, sizeof buf, "%Y-%m-%dT%H:%M:%S", &tm);
  std::string out(buf);
  if (like.size() <= 10) return out.substr(0, like.size());
  return out.substr(0, std::min<std::size_t>(like.size() - 1, out.size())) + "Z";
}

bool temporal(fhir::Primitive p) {
  return p == fhir::Primitive::Date || p == fhir::Primitive::DateTime || p == fhir::Primitive::Instant;
}

}  // namespace

int compare_to_bound(const fhir::Node& instance, const fhir::Node& bound, bool upper) {
  const fhir::Node* a = &instance;
  const fhir::Node* b = &bound;
  if (!bound.is_primitive && instance.is_primitive && instance.has_value && instance.type && temporal(instance.type->primitive)) {
    std::string limit = relative_to_now(bound, instance.value, upper);
    if (limit.empty() || (instance.value.size() > 10 && limit.size() != instance.value.size())) return 2;
    int c = instance.value.compare(0, limit.size(), limit);
    return c < 0 ? -1 : c > 0 ? 1 : 0;
  }
  if (!bound.is_primitive) {  // Quantity: the values, in the same unit or one UCUM scales to
    auto unit = [](const fhir::Node& q) {
      const fhir::Node* c = q.child("code");
      if (!c) c = q.child("unit");
      return c && c->has_value ? c->value : std::string();
    };
    auto system = [](const fhir::Node& q) {
      const fhir::Node* s = q.child("system");
      return s && s->has_value ? s->value : std::string();
    };
    a = instance.child("value");
    b = bound.child("value");
    if (!a || !b || !a->has_value || !b->has_value) return 2;
    std::string ua = unit(instance), ub = unit(bound);
    if (ua != ub) {
      constexpr std::string_view ucum = "http://unitsofmeasure.org";
      if (system(instance) != ucum || system(bound) != ucum) return 2;
      auto x = fhirpath::convert_quantity(std::strtod(a->value.c_str(), nullptr), ua, ub);
      if (!x) return 2;
      double y = std::strtod(b->value.c_str(), nullptr);
      return *x < y ? -1 : *x > y ? 1 : 0;
    }
  }
  if (!a->has_value || !b->has_value || !a->type || !b->type) return 2;
  fhir::Primitive pa = a->type->primitive, pb = b->type->primitive;
  auto numeric = [](fhir::Primitive p) {
    return p == fhir::Primitive::Decimal || p == fhir::Primitive::Integer || p == fhir::Primitive::PositiveInt ||
           p == fhir::Primitive::UnsignedInt;
  };
  if (numeric(pa) && numeric(pb)) {
    double x = std::strtod(a->value.c_str(), nullptr), y = std::strtod(b->value.c_str(), nullptr);
    return x < y ? -1 : x > y ? 1 : 0;
  }
  bool temporal = pa == fhir::Primitive::Date || pa == fhir::Primitive::DateTime || pa == fhir::Primitive::Instant ||
                  pa == fhir::Primitive::Time;
  if (!temporal || pa != pb || a->value.size() != b->value.size()) return 2;  // one precision and zone form only
  int c = a->value.compare(b->value);
  return c < 0 ? -1 : c > 0 ? 1 : 0;
}

std::optional<bool> conforms_to_base(const fhir::Node& instance, std::string_view url, const fhir::Schema& schema) {
  constexpr std::string_view base = "http://hl7.org/fhir/StructureDefinition/";
  if (!url.starts_with(base)) return std::nullopt;
  std::string_view name = url.substr(base.size());
  name = name.substr(0, name.find('|'));
  if (!schema.type(name)) return std::nullopt;
  const fhir::TypeDef* t = schema.type(type_of(instance));
  return t && t->derives_from(name);
}

}  // namespace hidewire::profiles
