#include "conformance/suite/requirements.hpp"

#include <rapidjson/document.h>

#include <algorithm>
#include <set>
#include <stdexcept>

extern "C" const char hw_conformance_requirements_json[];

namespace hidewire::conformance::suite {
namespace {

std::string text(const rapidjson::Value& o, const char* key, const std::string& where) {
  auto it = o.FindMember(key);
  if (it == o.MemberEnd() || !it->value.IsString() || it->value.GetStringLength() == 0)
    throw std::runtime_error(where + ": '" + key + "' must be a non-empty string");
  return it->value.GetString();
}

const rapidjson::Value& array(const rapidjson::Value& o, const char* key, const std::string& where) {
  auto it = o.FindMember(key);
  if (it == o.MemberEnd() || !it->value.IsArray()) throw std::runtime_error(where + ": '" + key + "' must be an array");
  return it->value;
}

}  // namespace

bool Requirement::in_pack(const std::string& pack) const { return std::find(packs.begin(), packs.end(), pack) != packs.end(); }

const Requirement* Requirements::find(const std::string& id) const {
  for (const Requirement& r : requirements)
    if (r.id == id) return &r;
  return nullptr;
}

const Pack* Requirements::pack(const std::string& id) const {
  for (const Pack& p : packs)
    if (p.id == id) return &p;
  return nullptr;
}

int Requirements::milestone_index(const std::string& id) const {
  for (std::size_t i = 0; i < milestones.size(); ++i)
    if (milestones[i].id == id) return static_cast<int>(i);
  return -1;
}

Requirements parse_requirements(const std::string& json) {
  rapidjson::Document d;
  d.Parse(json.c_str(), json.size());
  if (d.HasParseError() || !d.IsObject()) throw std::runtime_error("requirements: not a JSON object");
  Requirements out;
  out.suite = text(d, "suite", "requirements");
  out.version = text(d, "version", "requirements");
  for (const auto& p : array(d, "packs", "requirements").GetArray()) {
    Pack pack{text(p, "id", "packs[]"), text(p, "title", "packs[]")};
    auto h = p.FindMember("holds_health_data");
    if (h != p.MemberEnd() && h->value.IsBool()) pack.holds_health_data = h->value.GetBool();
    out.packs.push_back(pack);
  }
  for (const auto& m : array(d, "milestones", "requirements").GetArray())
    out.milestones.push_back({text(m, "id", "milestones[]"), text(m, "title", "milestones[]"), text(m, "due", "milestones[]")});
  std::set<std::string> ids;
  for (const auto& r : array(d, "requirements", "requirements").GetArray()) {
    Requirement q;
    q.id = text(r, "id", "requirements[]");
    std::string where = "requirement " + q.id;
    q.level = text(r, "level", where);
    q.milestone = text(r, "milestone", where);
    q.as_at = text(r, "as_at", where);
    q.text = text(r, "text", where);
    q.source = text(r, "source", where);
    for (const auto& p : array(r, "packs", where).GetArray()) {
      if (!p.IsString() || !out.pack(p.GetString())) throw std::runtime_error(where + ": unknown pack");
      q.packs.push_back(p.GetString());
    }
    if (q.level != "shall" && q.level != "should") throw std::runtime_error(where + ": level must be shall or should");
    if (out.milestone_index(q.milestone) < 0) throw std::runtime_error(where + ": unknown milestone '" + q.milestone + "'");
    if (!ids.insert(q.id).second) throw std::runtime_error(where + ": defined twice");
    out.requirements.push_back(std::move(q));
  }
  return out;
}

const Requirements& requirements() {
  static const Requirements r = parse_requirements(hw_conformance_requirements_json);
  return r;
}

}  // namespace hidewire::conformance::suite
