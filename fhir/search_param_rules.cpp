#include "fhir/search_param_rules.hpp"

#include <rapidjson/document.h>

#include <algorithm>
#include <map>
#include <string>
#include <vector>

extern "C" const char hw_schema_search_parameters_json[];

namespace hidewire::fhir {
namespace {

struct R4SearchParam {
  std::string type;
  std::vector<std::string> base;
};

const R4SearchParam* r4_param(std::string_view url) {
  static const std::map<std::string, R4SearchParam, std::less<>> table = [] {
    std::map<std::string, R4SearchParam, std::less<>> out;
    rapidjson::Document doc;
    doc.Parse(hw_schema_search_parameters_json);
    if (doc.HasParseError() || !doc.HasMember("searchParameters")) return out;
    for (const auto& m : doc["searchParameters"].GetObject()) {
      R4SearchParam p;
      p.type = m.value["type"].GetString();
      for (const auto& b : m.value["base"].GetArray()) p.base.emplace_back(b.GetString());
      out.emplace(m.name.GetString(), std::move(p));
    }
    return out;
  }();
  auto it = table.find(url.substr(0, url.find('|')));
  return it == table.end() ? nullptr : &it->second;
}

std::string_view value_of(const Node& n, std::string_view child) {
  const Node* c = n.child(child);
  return c && c->has_value ? std::string_view(c->value) : std::string_view();
}

}  // namespace

// R4 CapabilityStatement.rest.resource.searchParam.type: "It SHALL be the same as the type in
// the search parameter definition."
void check_capability_search_params(const Node& cs, const PathFrame& at, Diagnostics& out) {
  int r = 0;
  for (const Node& rest : cs.children) {
    if (rest.name != "rest") continue;
    PathFrame rat{&at, "rest", r++};
    int i = 0;
    for (const Node& res : rest.children) {
      if (res.name != "resource") continue;
      PathFrame iat{&rat, "resource", i++};
      int s = 0;
      for (const Node& sp : res.children) {
        if (sp.name != "searchParam") continue;
        PathFrame sat{&iat, "searchParam", s++};
        std::string_view type = value_of(sp, "type");
        const R4SearchParam* def = r4_param(value_of(sp, "definition"));
        if (def && !type.empty() && type != def->type)
          out.error("invalid", sat.render("type"),
                    "searchParam '" + std::string(value_of(sp, "name")) + "' has type " + std::string(type) + ", but its definition " +
                        std::string(value_of(sp, "definition")) + " is of type " + def->type,
                    "search-param-type");
      }
    }
  }
}

// R4 SearchParameter.derivedFrom: "the details in the search parameter must be consistent with
// the definition from which it is defined ... the functionality should be a proper subset":
// the same type, and no base resource type the original does not search.
void check_search_parameter(const Node& sp, const PathFrame& at, Diagnostics& out) {
  std::string_view from = value_of(sp, "derivedFrom");
  const R4SearchParam* def = r4_param(from);
  if (!def) return;
  std::string_view type = value_of(sp, "type");
  if (!type.empty() && type != def->type)
    out.error("business-rule", at.render("type"),
              "the type " + std::string(type) + " differs from the type " + def->type + " of " + std::string(from) +
                  ", which this search parameter is derived from",
              "search-param-derived");
  int b = 0;
  for (const Node& base : sp.children) {
    if (base.name != "base" || !base.has_value) continue;
    PathFrame bat{&at, "base", b++};
    if (std::find(def->base.begin(), def->base.end(), base.value) == def->base.end())
      out.error("business-rule", bat.render(),
                "the resource type " + base.value + " is not a base of " + std::string(from) + ", which this search parameter is derived from",
                "search-param-derived");
  }
}

}  // namespace hidewire::fhir
