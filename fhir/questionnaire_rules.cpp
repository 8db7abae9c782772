#include "fhir/questionnaire_rules.hpp"

#include <set>
#include <string>

namespace hidewire::fhir {
namespace {

std::string link_id(const Node& item) {
  const Node* l = item.child("linkId");
  return l && l->has_value ? l->value : std::string();
}

void collect(const Node& n, std::set<std::string>& out) {
  for (const Node& c : n.children)
    if (c.name == "item") {
      out.insert(link_id(c));
      collect(c, out);
    }
}

void items(const Node& parent, const PathFrame& at, const std::set<std::string>& all, Diagnostics& out) {
  int i = 0;
  for (const Node& item : parent.children) {
    if (item.name != "item") continue;
    PathFrame iat{&at, "item", i++};
    std::set<std::string> inner{link_id(item)};
    collect(item, inner);
    int e = 0;
    for (const Node& ew : item.children) {
      if (ew.name != "enableWhen") continue;
      PathFrame eat{&iat, "enableWhen", e++};
      const Node* q = ew.child("question");
      if (!q || !q->has_value) continue;
      if (!all.count(q->value))
        out.error("business-rule", eat.render("question"), "enableWhen.question '" + q->value + "' is not an item of the questionnaire",
                  "questionnaire");
      else if (inner.count(q->value))
        out.error("business-rule", eat.render("question"),
                  "enableWhen.question '" + q->value + "' is this item or one inside it, which is hidden with it", "questionnaire");
    }
    items(item, iat, all, out);
  }
}

}  // namespace

void check_questionnaire(const Node& questionnaire, const PathFrame& at, Diagnostics& out) {
  std::set<std::string> all;
  collect(questionnaire, all);
  items(questionnaire, at, all, out);
}

}  // namespace hidewire::fhir
