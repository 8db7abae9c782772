// Value sets expanded from the code systems at hand: compose.include by concept list, whole
// code systems, is-a / descendent-of filters on their hierarchy, other value sets; excludes
// taken out. What needs a terminology server (SNOMED CT, dm+d, filters on systems not loaded)
// leaves the expansion incomplete and names the system, so its codes are "not checked".
#include <functional>

#include "profiles/profile_set.hpp"

namespace hidewire::profiles {
namespace {

std::string_view value_of(const fhir::Node& n, std::string_view child) {
  const fhir::Node* c = n.child(child);
  return c && c->has_value ? std::string_view(c->value) : std::string_view();
}

void add_code(Expansion& e, std::string_view system, std::string_view code) {
  e.system_codes.insert(std::string(system) + "|" + std::string(code));
  e.codes.insert(std::string(code));
}

// Every concept of a CodeSystem, or those under `root` (is-a includes it, descendent-of not).
void concepts(const fhir::Node& parent, std::string_view system, std::string_view root, bool under, bool include_root,
              Expansion& e) {
  for (const fhir::Node& c : parent.children) {
    if (c.name != "concept") continue;
    std::string_view code = value_of(c, "code");
    bool is_root = !root.empty() && code == root;
    if (under || root.empty() || (is_root && include_root)) add_code(e, system, code);
    concepts(c, system, root, under || is_root, include_root, e);
  }
}

}  // namespace

const Expansion* ProfileSet::expand(std::string_view url, int depth) const {
  std::lock_guard lock(expansions_mu_);
  if (auto it = expansions_.find(url); it != expansions_.end()) return it->second.get();
  auto out = std::make_unique<Expansion>();
  out->url = url;
  auto vs_it = vss_.find(url);
  if (vs_it == vss_.end()) {
    const fhir::ValueSetCodes* base = schema_.value_set(url);  // R4's own value sets
    if (!base) return expansions_.emplace(std::string(url), nullptr).first->second.get();
    out->name = base->name;
    out->complete = base->complete;
    out->system_codes = base->system_codes;
    out->codes = base->codes;
    return expansions_.emplace(std::string(url), std::move(out)).first->second.get();
  }
  const fhir::Node& vs = *vs_it->second;
  out->name = value_of(vs, "name");
  auto whole_system = [&](std::string_view system, const fhir::Node* filter_parent, Expansion& e) {
    auto cs = css_.find(system);
    bool has_filter = filter_parent && filter_parent->child("filter");
    if (cs == css_.end() || value_of(*cs->second, "content") == "not-present") {
      e.complete = false;
      e.unexpanded.insert(std::string(system));
      return;
    }
    if (!has_filter) {
      concepts(*cs->second, system, {}, false, true, e);
      return;
    }
    for (const fhir::Node& f : filter_parent->children) {
      if (f.name != "filter") continue;
      std::string_view op = value_of(f, "op"), prop = value_of(f, "property");
      if ((op == "is-a" || op == "descendent-of") && prop == "concept") {
        concepts(*cs->second, system, value_of(f, "value"), false, op == "is-a", e);
      } else {
        e.complete = false;
        e.unexpanded.insert(std::string(system));
      }
    }
  };
  // Included value sets are expanded first, without the lock held (expand() takes it).
  std::vector<std::string> included;
  if (const fhir::Node* compose = vs.child("compose"))
    for (const fhir::Node& inc : compose->children)
      if (inc.name == "include")
        for (const fhir::Node& v : inc.children)
          if (v.name == "valueSet" && v.has_value) included.push_back(v.value);
  if (!included.empty() && depth < 10) {
    expansions_mu_.unlock();
    std::vector<const Expansion*> subs;
    for (const std::string& u : included) subs.push_back(expand(u.substr(0, u.find('|')), depth + 1));
    expansions_mu_.lock();
    if (auto again = expansions_.find(url); again != expansions_.end()) return again->second.get();
    for (const Expansion* s : subs) {
      if (!s) {
        out->complete = false;
        continue;
      }
      out->complete &= s->complete;
      out->system_codes.insert(s->system_codes.begin(), s->system_codes.end());
      out->codes.insert(s->codes.begin(), s->codes.end());
      out->unexpanded.insert(s->unexpanded.begin(), s->unexpanded.end());
    }
  }
  if (const fhir::Node* expansion = vs.child("expansion")) {  // a pre-expanded value set
    std::function<void(const fhir::Node&)> contains = [&](const fhir::Node& n) {
      for (const fhir::Node& c : n.children)
        if (c.name == "contains") {
          if (std::string_view code = value_of(c, "code"); !code.empty()) add_code(*out, value_of(c, "system"), code);
          contains(c);
        }
    };
    contains(*expansion);
  } else if (const fhir::Node* compose = vs.child("compose")) {
    for (const fhir::Node& inc : compose->children) {
      if (inc.name != "include") continue;
      std::string_view system = value_of(inc, "system");
      bool listed = false;
      for (const fhir::Node& c : inc.children)
        if (c.name == "concept") {
          listed = true;
          add_code(*out, system, value_of(c, "code"));
        }
      if (!listed && !system.empty()) whole_system(system, &inc, *out);
    }
    for (const fhir::Node& exc : compose->children) {
      if (exc.name != "exclude") continue;
      std::string_view system = value_of(exc, "system");
      for (const fhir::Node& c : exc.children)
        if (c.name == "concept") out->system_codes.erase(std::string(system) + "|" + std::string(value_of(c, "code")));
    }
  }
  return expansions_.emplace(std::string(url), std::move(out)).first->second.get();
}

}  // namespace hidewire::profiles
