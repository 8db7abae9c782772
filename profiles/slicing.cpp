// Slicing: each repeated element is put in the first slice whose discriminators it meets (as
// the reference validator does), then the slices' cardinality and the ordered / closed rules
// are checked. Discriminator paths are the subset of FHIRPath the specification allows there:
// names, $this, extension('url'), ofType(T), resolve().
#include <cctype>

#include "profiles/match.hpp"
#include "profiles/slicing.hpp"

namespace hidewire::profiles {
namespace {

std::string_view value_of(const fhir::Node& n, std::string_view child) {
  const fhir::Node* c = n.child(child);
  return c && c->has_value ? std::string_view(c->value) : std::string_view();
}

// "extension('http://a.b/c').value" -> ["extension('http://a.b/c')", "value"]
std::vector<std::string_view> segments(std::string_view path) {
  std::vector<std::string_view> out;
  int depth = 0;
  std::size_t start = 0;
  for (std::size_t i = 0; i < path.size(); ++i) {
    if (path[i] == '(') ++depth;
    if (path[i] == ')') --depth;
    if (path[i] == '.' && depth == 0) {
      out.push_back(path.substr(start, i - start));
      start = i + 1;
    }
  }
  out.push_back(path.substr(start));
  return out;
}

std::string_view argument(std::string_view seg) {
  auto open = seg.find('('), close = seg.rfind(')');
  std::string_view a = seg.substr(open + 1, close - open - 1);
  if (a.size() >= 2 && (a.front() == '\'' || a.front() == '"')) a = a.substr(1, a.size() - 2);
  return a;
}

bool slice_has_url(const ProfileElement& s, std::string_view url) {
  if (const ProfileElement* u = s.child("url"); u && u->fixed) return u->fixed->value == url;
  for (const ProfileType& t : s.types)
    for (const std::string& p : t.profiles)
      if (p == url) return true;
  return false;
}

// The url an extension slice stands for: its fixed url, or the profile of its type.
std::string slice_url(const ProfileElement& s) {
  if (const ProfileElement* u = s.child("url"); u && u->fixed) return u->fixed->value;
  for (const ProfileType& t : s.types)
    if (!t.profiles.empty()) return t.profiles.front();
  return {};
}

}  // namespace

std::string referenced_type(const fhir::Node& c) {
  if (std::string_view t = value_of(c, "type"); !t.empty()) return std::string(t.substr(t.rfind('/') + 1));
  std::string_view ref = value_of(c, "reference");
  if (ref.empty() || ref[0] == '#' || ref.starts_with("urn:")) return {};
  if (auto h = ref.find("/_history/"); h != std::string_view::npos) ref = ref.substr(0, h);
  auto last = ref.rfind('/');
  if (last == std::string_view::npos || last == 0) return {};
  auto before = ref.rfind('/', last - 1);
  std::size_t start = before == std::string_view::npos ? 0 : before + 1;
  std::string type(ref.substr(start, last - start));
  return !type.empty() && std::isupper(static_cast<unsigned char>(type[0])) ? type : std::string();
}

const fhir::Node* resolve(const fhir::Node& c, const fhir::Node& root) {
  std::string_view ref = value_of(c, "reference");
  if (ref.empty()) return nullptr;
  if (ref[0] == '#') {
    for (const fhir::Node& k : root.children)
      if (k.name == "contained" && value_of(k, "id") == ref.substr(1)) return &k;
    return nullptr;
  }
  if (root.resource_type() != "Bundle") return nullptr;
  std::string type = referenced_type(c);
  for (const fhir::Node& e : root.children) {
    if (e.name != "entry") continue;
    const fhir::Node* res = e.child("resource");
    if (!res) continue;
    std::string_view full = value_of(e, "fullUrl");
    if (full == ref) return res;
    if (!type.empty() && res->resource_type() == type && (ref.ends_with("/" + std::string(value_of(*res, "id")))) &&
        ref.substr(0, ref.rfind('/')).ends_with(type))
      return res;
  }
  return nullptr;
}

bool Checker::discriminated(const fhir::Node& item, const ProfileElement& slice, const Discriminator& disc) {
  std::vector<const fhir::Node*> nodes{&item};
  const ProfileElement* def = &slice;
  bool resolved = false;
  for (std::string_view seg : segments(disc.path)) {
    std::vector<const fhir::Node*> next;
    if (seg == "$this" || seg.empty()) continue;
    if (seg == "resolve()") {
      for (const fhir::Node* n : nodes)
        if (const fhir::Node* r = resolve(*n, root_)) next.push_back(r);
      resolved = true;
    } else if (seg.starts_with("extension(")) {
      std::string_view url = argument(seg);
      for (const fhir::Node* n : nodes)
        for (const fhir::Node& k : n->children)
          if (k.name == "extension" && value_of(k, "url") == url) next.push_back(&k);
      const ProfileElement* ext = def ? def->child("extension") : nullptr;
      const ProfileElement* found = nullptr;
      if (ext)
        for (const ProfileElement& s : ext->slices)
          if (slice_has_url(s, url)) found = &s;
      def = found;
      if (!def)
        if (const Profile* q = set_.profile(url)) def = &q->root;
    } else if (seg.starts_with("ofType(")) {
      std::string_view t = argument(seg);
      for (const fhir::Node* n : nodes)
        if (type_of(*n) == t) next.push_back(n);
    } else {
      for (const fhir::Node* n : nodes)
        for (const fhir::Node& k : n->children)
          if (k.name == seg || name_matches(k.name, std::string(seg) + "[x]")) next.push_back(&k);
      const ProfileElement* d = nullptr;
      if (def) {
        d = def->child(seg);
        if (!d) d = def->child(std::string(seg) + "[x]");
        if (!d)
          for (const ProfileElement& c : def->children)
            if (name_matches(c.name, std::string(seg) + "[x]")) d = &c;
        if (!d)  // the slice's type profile may hold it (an extension slice's value[x])
          for (const ProfileType& t : def->types)
            for (const std::string& u : t.profiles)
              if (const Profile* q = set_.profile(u); q && !d) d = q->root.child(seg) ? q->root.child(seg) : q->root.child(std::string(seg) + "[x]");
      }
      if (!d && def && seg == "url" && !slice_url(*def).empty()) {
        std::string url = slice_url(*def);
        for (const fhir::Node* n : next)
          if (n->value == url) return true;
        return false;
      }
      def = d;
    }
    nodes = std::move(next);
  }
  switch (disc.type) {
    case DiscriminatorType::Value:
    case DiscriminatorType::Pattern: {
      if (!def) return false;
      for (const fhir::Node* n : nodes) {
        if (def->fixed && (disc.type == DiscriminatorType::Value ? equals_fixed(*n, *def->fixed) || matches_pattern(*n, *def->fixed)
                                                                 : matches_pattern(*n, *def->fixed)))
          return true;
        if (def->pattern && matches_pattern(*n, *def->pattern)) return true;
      }
      if (!def->fixed && !def->pattern && def->binding == fhir::BindingStrength::Required) {
        const Expansion* vs = set_.expansion(def->value_set);
        for (const fhir::Node* n : nodes) {
          if (n->has_value && vs && vs->codes.count(n->value)) return true;
          for (const fhir::Node& k : n->children)
            if (k.name == "coding" && vs && vs->system_codes.count(std::string(value_of(k, "system")) + "|" + std::string(value_of(k, "code"))))
              return true;
        }
      }
      return false;
    }
    case DiscriminatorType::Exists:
      if (!def) return true;
      if (def->min && *def->min >= 1) return !nodes.empty();
      if (def->max && *def->max == 0) return nodes.empty();
      return true;
    case DiscriminatorType::Type: {
      if (!def || def->types.empty()) return true;
      for (const fhir::Node* n : nodes)
        for (const ProfileType& t : def->types) {
          if (!resolved && t.code == type_of(*n)) return true;
          for (const std::string& tp : t.target_profiles) {
            const Profile* q = set_.profile(tp);
            if (resolved && (q ? q->type : tp.substr(tp.rfind('/') + 1)) == type_of(*n)) return true;
          }
        }
      return false;
    }
    case DiscriminatorType::Profile: {
      if (!def) return true;
      std::vector<std::string> urls;
      for (const ProfileType& t : def->types)
        for (const std::string& u : resolved ? t.target_profiles : t.profiles) urls.push_back(u);
      if (urls.empty()) return true;
      for (const fhir::Node* n : nodes)
        for (const std::string& u : urls) {
          const Profile* q = set_.profile(u);
          fhir::Diagnostics scratch;
          if (q ? conforms(*n, *q, "", scratch) : conforms_to_base(*n, u, set_.schema()).value_or(false)) return true;
        }
      return false;
    }
  }
  return false;
}

bool Checker::in_slice(const fhir::Node& item, const ProfileElement& slice, const Slicing& slicing) {
  if (slicing.discriminators.empty()) return false;
  for (const Discriminator& d : slicing.discriminators)
    if (!discriminated(item, slice, d)) return false;
  return true;
}

std::vector<const ProfileElement*> Checker::assign_slices(const std::vector<const fhir::Node*>& items,
                                                          const std::vector<std::string>& locs, const ProfileElement& c,
                                                          const Profile& p, const std::string& loc) {
  Slicing slicing;
  if (c.slicing) slicing = *c.slicing;
  else slicing.discriminators.push_back({DiscriminatorType::Value, "url"});  // Element.extension's own slicing
  std::vector<const ProfileElement*> out(items.size(), nullptr);
  std::vector<std::uint32_t> counts(c.slices.size(), 0);
  std::size_t last_slice = 0;
  bool seen_unsliced = false;
  for (std::size_t i = 0; i < items.size(); ++i) {
    for (std::size_t s = 0; s < c.slices.size(); ++s) {
      if (!in_slice(*items[i], c.slices[s], slicing)) continue;
      out[i] = &c.slices[s];
      ++counts[s];
      if (slicing.ordered && s < last_slice)
        d_.error("structure", locs[i], where(p, c) + "the element matches slice " + c.slices[s].slice_name +
                                           ", which comes before slice " + c.slices[last_slice].slice_name + " in the ordered slicing",
                 "slicing");
      if (slicing.rules == Slicing::Rules::OpenAtEnd && seen_unsliced)
        d_.error("structure", locs[i], where(p, c) + "slice " + c.slices[s].slice_name + " must come before elements in no slice (openAtEnd)",
                 "slicing");
      last_slice = std::max(last_slice, s);
      break;
    }
    if (!out[i]) {
      seen_unsliced = true;
      if (slicing.rules == Slicing::Rules::Closed) {
        std::string names;
        for (const ProfileElement& s : c.slices) names += (names.empty() ? "" : ", ") + s.slice_name;
        d_.error("structure", locs[i], where(p, c) + "the element matches none of the slices of the closed slicing (" + names + ")",
                 "slicing");
      }
    }
  }
  for (std::size_t s = 0; s < c.slices.size(); ++s) {
    const ProfileElement& sl = c.slices[s];
    if (sl.min && counts[s] < *sl.min)
      d_.error("required", loc + "." + c.name, where(p, sl) + "slice " + sl.slice_name + " requires at least " + std::to_string(*sl.min) +
                                                   ", but found " + std::to_string(counts[s]), "slice-cardinality");
    if (sl.max && counts[s] > *sl.max)
      d_.error("structure", loc + "." + c.name, where(p, sl) + "slice " + sl.slice_name + " allows at most " + std::to_string(*sl.max) +
                                                    ", but found " + std::to_string(counts[s]), "slice-cardinality");
  }
  return out;
}

}  // namespace hidewire::profiles
