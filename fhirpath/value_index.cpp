#include "fhirpath/value_index.hpp"

#include <algorithm>
#include <cmath>
#include <functional>
#include <string_view>

#include "fhir/schema.hpp"

namespace hidewire::fhirpath {
namespace {

std::size_t mix(std::size_t h, std::size_t v) { return h ^ (v + 0x9E3779B97F4A7C15ull + (h << 6) + (h >> 2)); }
std::size_t text_hash(std::string_view s) { return std::hash<std::string_view>{}(s); }

// Kinds of canonical form, so a string and a number with the same hash stay apart.
enum Tag : std::size_t { kDeep = 1, kBoolean, kString, kQuantity, kMoment, kTime };

// What deep_equal compares (name, value, children), so equal elements share it.
std::size_t deep_hash(const fhir::Node& n) {
  std::size_t h = mix(mix(text_hash(n.name), text_hash(n.value)), n.has_value);
  h = mix(h, n.children.size());
  for (const fhir::Node& c : n.children) h = mix(h, deep_hash(c));
  return h;
}

// Date and DateTime as compare_moments sees them: equal moments have the same precision
// (seconds and milliseconds are one), the same fields to it, after moving to UTC when they carry
// a zone, and from hour precision on either both carry a zone or neither does.
std::size_t moment_hash(const Moment& m0) {
  int precision = std::min(m0.precision, 6);
  Moment m = precision >= 4 && m0.has_tz ? moment_in_utc(m0) : m0;
  std::size_t h = mix(kMoment, static_cast<std::size_t>(precision));
  if (precision >= 4) h = mix(h, m.has_tz);
  const int fields[] = {m.year, m.month, m.day, m.hour, m.minute, m.second};
  for (int p = 1; p <= precision; ++p) h = mix(h, static_cast<std::size_t>(fields[p - 1]));
  if (precision == 6) h = mix(h, static_cast<std::size_t>(m.millis));
  return h;
}

// Primitives that to_system() reads as a String (code, uri, id, string...).
bool text_primitive(fhir::Primitive p) {
  using P = fhir::Primitive;
  switch (p) {
    case P::Boolean: case P::Integer: case P::PositiveInt: case P::UnsignedInt: case P::Decimal:
    case P::Date: case P::DateTime: case P::Instant: case P::Time: return false;
    default: return true;
  }
}

}  // namespace

struct ValueIndex::Keys {
  enum class Kind { Never, Hashed, Number, Wild } kind = Kind::Never;
  bool files = false;        // filed under `file` when added
  std::size_t file = 0;
  std::size_t probe[2] = {};  // buckets where an equal value may be
  int probes = 0;
  double number = 0;

  static Keys hashed(std::size_t h) {
    Keys k;
    k.kind = Kind::Hashed;
    k.files = true;
    k.file = k.probe[0] = h;
    k.probes = 1;
    return k;
  }
  static Keys of(Kind kind, double number = 0) {
    Keys k;
    k.kind = kind;
    k.number = number;
    return k;
  }
};

// The cases follow equal(): elements (not Quantity) equal only elements, by content; a Quantity
// element equals quantities, and an element whose content it shares; primitives compare as
// System values, each type with its own (numbers with Integer and Decimal together).
ValueIndex::Keys ValueIndex::keys(const Value& v) {
  using Kind = Keys::Kind;
  if (v.type == VType::Node && !v.node->type) return Keys::of(Kind::Wild);  // untyped: read as text or content
  if (v.type == VType::Node && !v.node->is_primitive) {
    std::size_t deep = mix(kDeep, deep_hash(*v.node));
    if (!v.node->type->derives_from("Quantity")) return Keys::hashed(deep);
    Keys k = Keys::of(Kind::Hashed);
    k.probe[k.probes++] = deep;
    if (to_system(v)) {
      k.files = true;
      k.file = k.probe[k.probes++] = kQuantity;
    }
    return k;
  }
  if (v.type == VType::Node && v.node->has_value && text_primitive(v.node->type->primitive))
    return Keys::hashed(mix(kString, text_hash(v.node->value)));  // as to_system() reads it, without the copy
  std::optional<Value> s = to_system(v);
  if (!s) return Keys::of(Kind::Never);
  switch (s->type) {
    case VType::Boolean: return Keys::hashed(mix(kBoolean, s->b));
    case VType::String: return Keys::hashed(mix(kString, text_hash(s->s)));
    case VType::Integer: return Keys::of(Kind::Number, static_cast<double>(s->i));
    case VType::Decimal: return std::isfinite(s->d) ? Keys::of(Kind::Number, s->d) : Keys::of(Kind::Wild);
    case VType::Quantity: return Keys::hashed(kQuantity);  // units convert: compared among quantities
    case VType::Date:
    case VType::DateTime: return s->m.is_time ? Keys::of(Kind::Wild) : Keys::hashed(moment_hash(s->m));
    case VType::Time: return Keys::hashed(kTime);  // a zone on one side only is compared as written
    case VType::TypeInfo: return Keys::of(Kind::Never);
    case VType::Node: break;
  }
  return Keys::of(Kind::Wild);
}

bool ValueIndex::matches(std::size_t item, const Value& v) const {
  auto eq = equal(*items_[item], v);
  return eq && *eq;
}

bool ValueIndex::contains(const Value& v) const { return contains(v, keys(v)); }

bool ValueIndex::contains(const Value& v, const Keys& k) const {
  if (k.kind == Keys::Kind::Wild) {
    for (std::size_t i = 0; i < items_.size(); ++i)
      if (matches(i, v)) return true;
    return false;
  }
  for (std::size_t i : wild_)
    if (matches(i, v)) return true;
  if (k.kind == Keys::Kind::Number) {
    // equal() allows a relative difference of 1e-9; twice that bounds every candidate.
    double tol = 2e-9 * std::max(1.0, std::fabs(k.number));
    for (auto it = numbers_.lower_bound(k.number - tol); it != numbers_.end() && it->first <= k.number + tol; ++it)
      if (matches(it->second, v)) return true;
    return false;
  }
  if (slots_.empty()) return false;
  std::size_t mask = slots_.size() - 1;
  for (int p = 0; p < k.probes; ++p)
    for (std::size_t s = k.probe[p] & mask; slots_[s].item != kEmpty; s = (s + 1) & mask)
      if (slots_[s].hash == k.probe[p] && matches(slots_[s].item, v)) return true;
  return false;
}

void ValueIndex::file(std::size_t hash, std::size_t item) {
  if (2 * (filed_ + 1) > slots_.size()) rehash(std::max<std::size_t>(16, 2 * slots_.size()));
  std::size_t mask = slots_.size() - 1, s = hash & mask;
  while (slots_[s].item != kEmpty) s = (s + 1) & mask;
  slots_[s] = {hash, item};
  ++filed_;
}

void ValueIndex::rehash(std::size_t size) {
  std::vector<Slot> old = std::move(slots_);
  slots_.assign(size, Slot{});
  filed_ = 0;
  for (const Slot& s : old)
    if (s.item != kEmpty) file(s.hash, s.item);
}

void ValueIndex::add(const Value& v) { add(v, keys(v)); }

void ValueIndex::add(const Value& v, const Keys& k) {
  std::size_t i = items_.size();
  items_.push_back(&v);
  if (k.kind == Keys::Kind::Wild) wild_.push_back(i);
  else if (k.kind == Keys::Kind::Number) numbers_.emplace(k.number, i);
  else if (k.files) file(k.file, i);
}

bool ValueIndex::insert(const Value& v) {
  Keys k = keys(v);  // once: an element's canonical form walks its content
  if (contains(v, k)) return false;
  add(v, k);
  return true;
}

void ValueIndex::reserve(std::size_t n) {
  items_.reserve(n);
  std::size_t size = 16;
  while (size < 2 * n) size *= 2;
  if (size > slots_.size()) rehash(size);
}

Collection distinct_values(const Collection& c) {
  ValueIndex seen;
  seen.reserve(c.size());
  Collection out;
  for (const Value& v : c)
    if (seen.insert(v)) out.push_back(v);
  return out;
}

}  // namespace hidewire::fhirpath
