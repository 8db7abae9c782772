#include "fhir/bundle_rules.hpp"

#include "fhir/primitives.hpp"

#include <algorithm>
#include <cctype>
#include <optional>
#include <string>
#include <vector>

namespace hidewire::fhir {
namespace {

bool is_id(std::string_view s) {
  if (s.empty() || s.size() > 64) return false;
  for (char ch : s)
    if (!std::isalnum(static_cast<unsigned char>(ch)) && ch != '-' && ch != '.') return false;
  return true;
}

// A URL of the RESTful form [base]/Type/id[/_history/version] (the specification's regex);
// base is empty for a relative reference.
struct RestUrl {
  std::string base, type, id, version;
  std::string identity() const { return base + type + "/" + id; }
};

std::optional<RestUrl> parse_rest(std::string_view url, const Schema& schema) {
  if (url.rfind("urn:", 0) == 0) return std::nullopt;
  RestUrl r;
  if (auto h = url.find("/_history/"); h != std::string_view::npos) {
    r.version = std::string(url.substr(h + 10));
    url = url.substr(0, h);
    if (!is_id(r.version)) return std::nullopt;
  }
  auto last = url.rfind('/');
  if (last == std::string_view::npos || last == 0) return std::nullopt;
  auto before = url.rfind('/', last - 1);
  std::size_t start = before == std::string_view::npos ? 0 : before + 1;
  r.id = std::string(url.substr(last + 1));
  r.type = std::string(url.substr(start, last - start));
  r.base = std::string(url.substr(0, start));
  const TypeDef* t = schema.type(r.type);
  if (!is_id(r.id) || !t || t->kind != TypeKind::Resource) return std::nullopt;
  if (!r.base.empty() && r.base.rfind("http://", 0) != 0 && r.base.rfind("https://", 0) != 0) return std::nullopt;
  return r;
}

std::string value_of(const Node* n) { return n && n->has_value ? n->value : std::string(); }

struct Entry {
  int index = 0;
  std::string full_url;  // version-independent identity
  std::string version;   // meta.versionId
  const Node* resource = nullptr;
};

class BundleChecker {
 public:
  BundleChecker(const Node& b, const Schema& s, const PathFrame& at, Diagnostics& d) : bundle_(b), schema_(s), at_(at), d_(d) {
    type_ = value_of(b.child("type"));
  }

  void run() {
    int i = 0;
    for (const Node& e : bundle_.children) {
      if (e.name != "entry") continue;
      PathFrame eat{&at_, "entry", i};
      full_url(e, eat, i);
      ++i;
    }
    if (type_ == "document" || type_ == "message") resolve_references();
    links();
    if (type_ == "searchset") search_entries();
  }

 private:
  // The paging links (http.html#paging) name one page each: each relation at most once.
  void links() {
    std::vector<std::string> seen;
    int i = 0;
    for (const Node& l : bundle_.children) {
      if (l.name != "link") continue;
      std::string rel = value_of(l.child("relation"));
      bool paging = rel == "self" || rel == "first" || rel == "previous" || rel == "prev" || rel == "next" || rel == "last";
      if (paging && std::find(seen.begin(), seen.end(), rel) != seen.end())
        d_.error("structure", PathFrame{&at_, "link", i}.render(), "the link relation '" + rel + "' can only occur once", "bundle-link");
      seen.push_back(rel);
      ++i;
    }
  }

  // Search results: an entry in mode outcome is an OperationOutcome; one in mode match is a
  // resource from the server (so it has an id) of a type the search (the self link) asked for.
  void search_entries() {
    std::vector<std::string> types = searched_types();
    int i = 0;
    for (const Node& e : bundle_.children) {
      if (e.name != "entry") continue;
      PathFrame eat{&at_, "entry", i++};
      const Node* res = e.child("resource");
      const Node* search = e.child("search");
      std::string mode = search ? value_of(search->child("mode")) : std::string();
      if (!res || mode.empty()) continue;
      std::string type(res->resource_type());
      if (mode == "outcome" && type != "OperationOutcome")
        d_.error("structure", eat.render("resource"), "an entry in search mode 'outcome' must be an OperationOutcome, not a " + type,
                 "bundle-search");
      if (mode != "match") continue;
      if (value_of(res->child("id")).empty())
        d_.error("required", eat.render("resource"), "search results (search mode 'match') must have ids", "bundle-search");
      if (!types.empty() && std::find(types.begin(), types.end(), type) == types.end())
        d_.error("structure", eat.render("resource"), "a " + type + " does not match the search, which asked for " + join(types),
                 "bundle-search");
    }
  }

  // The resource types of the search in the self link: [base]/Type?... or [base]?_type=A,B.
  std::vector<std::string> searched_types() const {
    for (const Node& l : bundle_.children) {
      if (l.name != "link" || value_of(l.child("relation")) != "self") continue;
      std::string url = value_of(l.child("url"));
      std::string path = url.substr(0, url.find('?'));
      std::string query = url.find('?') == std::string::npos ? "" : url.substr(url.find('?') + 1);
      std::string last = path.substr(path.rfind('/') + 1);
      if (const TypeDef* t = schema_.type(last); t && t->kind == TypeKind::Resource) return {last};
      std::vector<std::string> out;
      for (std::size_t at = 0; at <= query.size();) {
        std::size_t amp = query.find('&', at);
        std::string param = query.substr(at, amp == std::string::npos ? std::string::npos : amp - at);
        if (param.rfind("_type=", 0) == 0)
          for (std::size_t b = 6; b <= param.size();) {
            std::size_t comma = param.find(',', b);
            out.push_back(param.substr(b, comma == std::string::npos ? std::string::npos : comma - b));
            b = comma == std::string::npos ? param.size() + 1 : comma + 1;
          }
        at = amp == std::string::npos ? query.size() + 1 : amp + 1;
      }
      return out;
    }
    return {};
  }

  static std::string join(const std::vector<std::string>& v) {
    std::string out;
    for (const std::string& s : v) out += (out.empty() ? "" : ", ") + s;
    return out;
  }

  // Bundle.entry.fullUrl: absolute; present except in transactions, batches, their responses
  // and search results (which may hold unidentified results of operations); and a RESTful
  // fullUrl names the resource's own type and id.
  void full_url(const Node& e, const PathFrame& at, int index) {
    const Node* res = e.child("resource");
    const Node* fu = e.child("fullUrl");
    if (!fu || !fu->has_value) {
      if (res && type_ != "transaction" && type_ != "batch" && type_ != "transaction-response" && type_ != "batch-response" &&
          type_ != "searchset")
        d_.error("required", at.render(),
                 "except in transactions, batches and search results, each entry with a resource must have a fullUrl, the "
                 "identity of the resource",
                 "bundle-fullurl");
      return;
    }
    const std::string& url = fu->value;
    if (!is_absolute_uri(url)) {
      d_.error("value", at.render("fullUrl"), "the fullUrl must be an absolute URL (not '" + url + "')", "bundle-fullurl");
      return;
    }
    std::string id = res ? value_of(res->child("id")) : std::string();
    if (res) {
      const Node* meta = res->child("meta");
      entries_.push_back({index, url, meta ? value_of(meta->child("versionId")) : std::string(), res});
    }
    auto rest = parse_rest(url, schema_);
    if (!res || !rest || rest->base.empty()) return;
    if (!rest->version.empty())
      d_.error("value", at.render("fullUrl"), "the fullUrl '" + url + "' must be version-independent", "bundle-fullurl");
    const Node* method = e.child("request") ? e.child("request")->child("method") : nullptr;
    if (id.empty()) {
      if (value_of(method) != "POST")  // a POST may give a temporary identity to a resource without id
        d_.error("value", at.render("fullUrl"),
                 "the fullUrl '" + url + "' looks like a RESTful server URL, but the resource has no id", "bundle-fullurl");
    } else if (rest->type != res->resource_type() || rest->id != id) {
      d_.error("value", at.render("fullUrl"),
               "the fullUrl '" + url + "' looks like a RESTful server URL, so it must end with the resource's type and id (/" +
                   std::string(res->resource_type()) + "/" + id + ")",
               "bundle-fullurl");
    }
  }

  // In documents and messages every reference to a resource in the Bundle (a urn:, or a
  // relative Type/id made absolute against the RESTful fullUrl of the entry holding it) must
  // match exactly one entry; a versioned reference matches on meta.versionId. Absolute URLs that
  // match no entry are references outside the Bundle and are not judged.
  void resolve_references() {
    for (const Entry& e : entries_) {
      PathFrame eat{&at_, "entry", e.index};
      PathFrame rat{&eat, "resource", -1};
      auto source = parse_rest(e.full_url, schema_);
      std::string base = source && !source->base.empty() && !value_of(e.resource->child("id")).empty() ? source->base : "";
      walk(*e.resource, rat, base);
    }
  }

  void walk(const Node& n, const PathFrame& at, const std::string& base) {
    if (n.type && n.type->name == "Reference")
      if (const Node* r = n.child("reference"); r && r->has_value) resolve(r->value, at, base);
    std::string_view last;
    int index = 0;
    for (const Node& c : n.children) {
      index = c.name == last ? index + 1 : 0;
      last = c.name;
      if (c.is_resource && c.name != "contained") continue;  // a nested resource resolves in its own scope
      PathFrame cat{&at, c.name, c.def && c.def->is_array() ? index : -1};
      walk(c, cat, base);
    }
  }

  void resolve(const std::string& ref, const PathFrame& at, const std::string& base) {
    if (ref.empty() || ref[0] == '#') return;
    std::string target, version;
    bool local = true;  // a reference that can only be to a resource in the Bundle
    if (ref.rfind("urn:", 0) == 0) {
      target = ref;
    } else if (auto rest = parse_rest(ref, schema_)) {
      if (rest->base.empty() && base.empty()) {
        d_.error("not-found", at.render(), "can't find '" + ref + "' in the bundle: a relative reference resolves against the RESTful "
                 "fullUrl of the entry holding it, and this entry has none (or its resource has no id)", "bundle-reference");
        return;
      }
      local = rest->base.empty();
      target = (local ? base : rest->base) + rest->type + "/" + rest->id;
      version = rest->version;
    } else {
      return;  // a search URL, or an absolute URL of another form
    }
    int matches = 0;
    for (const Entry& e : entries_)
      matches += e.full_url == target && (version.empty() || e.version == version);
    if (matches == 0 && local)
      d_.error("not-found", at.render(), "can't find '" + ref + "' in the bundle (" + target + ")", "bundle-reference");
    else if (matches > 1)
      d_.error("multiple-matches", at.render(), "found " + std::to_string(matches) + " matches for '" + ref + "' in the bundle",
               "bundle-reference");
  }

  const Node& bundle_;
  const Schema& schema_;
  const PathFrame& at_;
  Diagnostics& d_;
  std::string type_;
  std::vector<Entry> entries_;
};

}  // namespace

void check_bundle(const Node& bundle, const Schema& schema, const PathFrame& at, Diagnostics& out) {
  BundleChecker(bundle, schema, at, out).run();
}

}  // namespace hidewire::fhir
