#include "profiles/questionnaire_response.hpp"

#include <cstdlib>
#include <vector>

namespace hidewire::profiles {
namespace {

std::string value_of(const fhir::Node* n, std::string_view child) {
  const fhir::Node* c = n ? n->child(child) : nullptr;
  return c && c->has_value ? c->value : std::string();
}

const fhir::Node* q_item(const fhir::Node& parent, const std::string& link_id) {
  for (const fhir::Node& c : parent.children)
    if (c.name == "item" && value_of(&c, "linkId") == link_id) return &c;
  return nullptr;
}

// The value of an answer or of enableWhen.answer[x]: its type suffix and the node.
struct Typed {
  std::string type;
  const fhir::Node* node = nullptr;
};

Typed typed(const fhir::Node& holder, std::string_view prefix) {
  for (const fhir::Node& c : holder.children)
    if (c.name.size() > prefix.size() && c.name.starts_with(prefix)) return {c.name.substr(prefix.size()), &c};
  return {};
}

// -1, 0, 1; or 2 when the values cannot be compared.
int compare(const Typed& a, const Typed& b) {
  if (!a.node || !b.node || a.type != b.type) return 2;
  if (a.type == "Coding") {
    bool same = value_of(a.node, "system") == value_of(b.node, "system") && value_of(a.node, "code") == value_of(b.node, "code");
    return same ? 0 : 2;
  }
  if (a.type == "Quantity") {
    if (value_of(a.node, "code") != value_of(b.node, "code") || value_of(a.node, "unit") != value_of(b.node, "unit")) return 2;
    double x = std::strtod(value_of(a.node, "value").c_str(), nullptr), y = std::strtod(value_of(b.node, "value").c_str(), nullptr);
    return x < y ? -1 : x > y ? 1 : 0;
  }
  if (a.type == "Reference") return value_of(a.node, "reference") == value_of(b.node, "reference") ? 0 : 2;
  if (!a.node->has_value || !b.node->has_value) return 2;
  if (a.type == "Decimal" || a.type == "Integer") {
    double x = std::strtod(a.node->value.c_str(), nullptr), y = std::strtod(b.node->value.c_str(), nullptr);
    return x < y ? -1 : x > y ? 1 : 0;
  }
  if ((a.type == "Date" || a.type == "DateTime" || a.type == "Time") && a.node->value.size() != b.node->value.size()) return 2;
  int c = a.node->value.compare(b.node->value);  // ISO dates and times of one precision order as text
  return c < 0 ? -1 : c > 0 ? 1 : 0;
}

bool has_answer(const fhir::Node& item) {
  for (const fhir::Node& c : item.children)
    if (c.name == "answer") return true;
  return false;
}

// An item, or a group item whose items, holds an answer.
bool answered(const fhir::Node& item) {
  if (has_answer(item)) return true;
  for (const fhir::Node& c : item.children)
    if (c.name == "item" && answered(c)) return true;
  return false;
}

const fhir::Node* find_item(const fhir::Node& n, const std::string& link_id) {
  for (const fhir::Node& c : n.children) {
    if (c.name != "item" && c.name != "answer") continue;
    if (c.name == "item" && value_of(&c, "linkId") == link_id) return &c;
    if (const fhir::Node* f = find_item(c, link_id)) return f;
  }
  return nullptr;
}

class ResponseChecker {
 public:
  ResponseChecker(const fhir::Node& qr, fhir::Diagnostics& d) : d_(d) {
    std::string status = value_of(&qr, "status");
    completed_ = status == "completed" || status == "amended";
  }

  // The items of `qr_parent` (the response, an item or an answer) against those of `q_parent`;
  // `scope` holds the response nodes from the root down to qr_parent, where enableWhen
  // questions are looked up, nearest first.
  void items(const fhir::Node& qr_parent, const fhir::Node& q_parent, const std::string& loc,
             std::vector<const fhir::Node*>& scope) {
    scope.push_back(&qr_parent);
    int i = 0;
    for (const fhir::Node& item : qr_parent.children) {
      if (item.name != "item") continue;
      std::string at = loc + ".item[" + std::to_string(i++) + "]";
      std::string link_id = value_of(&item, "linkId");
      const fhir::Node* qi = q_item(q_parent, link_id);
      if (!qi) {
        d_.error("structure", at, "linkId '" + link_id + "' is not an item of the questionnaire here", "questionnaire");
        continue;
      }
      if (answered(item) && !enabled(*qi, scope))
        d_.error("business-rule", at, "item '" + link_id + "' has an answer, but enableWhen disables it", "questionnaire");
      items(item, *qi, at, scope);
      int a = 0;
      for (const fhir::Node& answer : item.children)
        if (answer.name == "answer") items(answer, *qi, at + ".answer[" + std::to_string(a++) + "]", scope);
    }
    if (completed_ && qr_parent.name != "answer") required(qr_parent, q_parent, loc, scope);
    scope.pop_back();
  }

 private:
  void required(const fhir::Node& qr_parent, const fhir::Node& q_parent, const std::string& loc,
                const std::vector<const fhir::Node*>& scope) {
    for (const fhir::Node& qi : q_parent.children) {
      if (qi.name != "item" || value_of(&qi, "required") != "true" || value_of(&qi, "type") == "display") continue;
      std::string link_id = value_of(&qi, "linkId");
      bool answered = false;
      auto look = [&](const fhir::Node& holder) {
        for (const fhir::Node& item : holder.children)
          if (item.name == "item" && value_of(&item, "linkId") == link_id) answered |= has_answer(item) || item.child("item");
      };
      look(qr_parent);
      for (const fhir::Node& answer : qr_parent.children)  // a question's sub-items are in its answers
        if (answer.name == "answer") look(answer);
      if (!answered && enabled(qi, scope))
        d_.error("required", loc, "the completed response has no answer for the required item '" + link_id + "'", "questionnaire");
    }
  }

  bool enabled(const fhir::Node& qi, const std::vector<const fhir::Node*>& scope) const {
    bool any_rule = false, all = value_of(&qi, "enableBehavior") != "any", result = all;
    for (const fhir::Node& ew : qi.children) {
      if (ew.name != "enableWhen") continue;
      any_rule = true;
      bool ok = condition(ew, scope);
      result = all ? result && ok : result || ok;
    }
    return !any_rule || result;
  }

  static bool condition(const fhir::Node& ew, const std::vector<const fhir::Node*>& scope) {
    std::string question = value_of(&ew, "question"), op = value_of(&ew, "operator");
    const fhir::Node* item = nullptr;
    for (auto it = scope.rbegin(); it != scope.rend() && !item; ++it) item = find_item(**it, question);
    std::vector<Typed> answers;
    if (item)
      for (const fhir::Node& a : item->children)
        if (a.name == "answer") answers.push_back(typed(a, "value"));
    Typed want = typed(ew, "answer");
    if (op == "exists") return (want.node && want.node->value == "true") == !answers.empty();
    if (op == "!=") {
      for (const Typed& a : answers)
        if (compare(a, want) == 0) return false;
      return true;
    }
    for (const Typed& a : answers) {
      int c = compare(a, want);
      if (c == 2) continue;
      if ((op == "=" && c == 0) || (op == ">" && c > 0) || (op == "<" && c < 0) || (op == ">=" && c >= 0) || (op == "<=" && c <= 0))
        return true;
    }
    return false;
  }

  fhir::Diagnostics& d_;
  bool completed_ = false;
};

}  // namespace

void check_questionnaire_response(const fhir::Node& response, const fhir::Node& questionnaire, const std::string& loc,
                                  fhir::Diagnostics& d) {
  ResponseChecker checker(response, d);
  std::vector<const fhir::Node*> scope;
  checker.items(response, questionnaire, loc, scope);
}

}  // namespace hidewire::profiles
