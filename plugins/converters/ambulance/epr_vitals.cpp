// Each observation set of the report: one UK Core vital-sign Observation per parameter, the
// blood pressure as an 85354-9 panel, ACVPU and air-or-oxygen, and the NEWS2 total with every
// parameter it was scored from as hasMember and each parameter's points (worked out from the
// RCP bands in fhir_codes.json) as a component. A total that disagrees with the points is kept
// as sent, with a warning: the crew's figure is the clinical record.
#include "fhir/json_numbers.hpp"
#include "plugins/converters/ambulance/epr_context.hpp"

namespace hidewire::plugins::ambulance {
namespace {

using Write = fhir::build::Write;

J base(Ctx& c, const ObservationDef& def, const std::vector<Coding>& code, const std::string& when, const std::string& id) {
  J o(rapidjson::kObjectType);
  o.AddMember("resourceType", "Observation", c.a());
  if (!def.profile.empty()) {
    J meta(rapidjson::kObjectType), profiles(rapidjson::kArrayType);
    profiles.PushBack(c.str(def.profile), c.a());
    meta.AddMember("profile", profiles, c.a());
    o.AddMember("meta", meta, c.a());
  }
  J ids(rapidjson::kArrayType);
  ids.PushBack(c.record_identifier(id), c.a());
  o.AddMember("identifier", ids, c.a());
  o.AddMember("status", "final", c.a());
  if (!def.category.empty()) {
    J cat(rapidjson::kArrayType);
    cat.PushBack(c.codeable({Coding{"http://terminology.hl7.org/CodeSystem/observation-category", def.category,
                                   def.category == "vital-signs" ? "Vital Signs" : "Survey"}},
                           ""),
                 c.a());
    o.AddMember("category", cat, c.a());
  }
  o.AddMember("code", c.codeable(code, ""), c.a());
  c.link(o, "subject", "encounter");
  if (!when.empty()) o.AddMember("effectiveDateTime", c.str(when), c.a());
  if (c.first_crew >= 0) {
    J perf(rapidjson::kArrayType);
    perf.PushBack(c.ref(c.first_crew), c.a());
    o.AddMember("performer", perf, c.a());
  }
  return o;
}

J score_component(Ctx& c, const Coding& code, int points) {
  J comp(rapidjson::kObjectType);
  comp.AddMember("code", c.codeable({code}, ""), c.a());
  const ObservationDef& total = c.codes.observations.at("news2_total");
  comp.AddMember("valueQuantity", c.quantity(std::string(fhir::json::kRawNumber) + std::to_string(points), total.unit, total.ucum), c.a());
  return comp;
}

void add_set(Ctx& c, const Fields& set, std::size_t n) {
  auto get = [&](const char* k) -> const Value* {
    auto it = set.find(k);
    return it == set.end() ? nullptr : &it->second;
  };
  std::string when = get("time") ? get("time")->text : "";
  if (when.empty()) c.d.warning("required", "observations[" + std::to_string(n) + "]", "an observation set without the time it was taken");
  std::string prefix = "obs/" + std::to_string(n) + "/";
  std::vector<int> parts;
  J scores(rapidjson::kArrayType);
  int points = 0;
  bool all_scored = true;
  const Value* o2 = get("supplemental_oxygen");
  bool on_oxygen = o2 && o2->text == "true";
  auto score = [&](const std::string& param, const std::string& value) {
    auto def = c.codes.news2.find(param);
    std::optional<int> p = def == c.codes.news2.end() ? std::nullopt : def->second.score(value, on_oxygen);
    if (!p) {
      all_scored = false;
      return;
    }
    points += *p;
    scores.PushBack(score_component(c, def->second.code, *p), c.a());
  };
  for (const char* key : {"respiratory_rate", "spo2", "pulse", "temperature"}) {
    const Value* v = get(key);
    if (!v) {
      all_scored = false;
      continue;
    }
    std::string num = c.number(*v, key);
    if (num.empty()) {
      all_scored = false;
      continue;
    }
    const ObservationDef& def = c.codes.observations.at(key);
    J o = base(c, def, def.code, when, prefix + key);
    o.AddMember("valueQuantity", c.quantity(num, def.unit, def.ucum), c.a());
    parts.push_back(c.add("Observation", std::move(o), Write::Upsert));
    std::string param = key;
    if (param == "spo2") {
      const Value* scale = get("spo2_scale");
      param = scale && scale->text == "2" ? "spo2_scale_2" : "spo2_scale_1";
      if (scale && scale->text != "1" && scale->text != "2")
        c.d.warning("value", scale->at, "SpO2 scale '" + scale->text + "' is neither 1 nor 2: scored on scale 1");
    }
    score(param, v->text);
  }
  const Value* sys = get("systolic");
  const Value* dia = get("diastolic");
  if (sys || dia) {
    const ObservationDef& def = c.codes.observations.at("blood_pressure");
    J o = base(c, def, def.code, when, prefix + "blood_pressure");
    J comps(rapidjson::kArrayType);
    for (auto [name, v] : {std::pair{"systolic", sys}, std::pair{"diastolic", dia}}) {
      if (!v) continue;
      std::string num = c.number(*v, name);
      if (num.empty()) continue;
      const ObservationDef& cd = def.components.at(name);
      J comp(rapidjson::kObjectType);
      comp.AddMember("code", c.codeable(cd.code, cd.text), c.a());
      comp.AddMember("valueQuantity", c.quantity(num, cd.unit, cd.ucum), c.a());
      comps.PushBack(comp, c.a());
    }
    o.AddMember("component", comps, c.a());
    parts.push_back(c.add("Observation", std::move(o), Write::Upsert));
  }
  if (sys) score("systolic", sys->text);
  else all_scored = false;
  if (const Value* v = get("acvpu")) {
    const ObservationDef& def = c.codes.observations.at("acvpu");
    J o = base(c, def, def.code, when, prefix + "acvpu");
    const Coding* code = c.codes.lookup(def.value_table, v->text);
    if (!code) c.d.warning("code-invalid", v->at, "ACVPU '" + v->text + "' is not A, C, V, P or U: kept as text");
    o.AddMember("valueCodeableConcept", code ? c.codeable({*code}, "") : c.codeable({}, v->text), c.a());
    parts.push_back(c.add("Observation", std::move(o), Write::Upsert));
    score("acvpu", v->text);
  } else {
    all_scored = false;
  }
  if (o2) {
    const ObservationDef& def = c.codes.observations.at("supplemental_oxygen");
    const Coding* code = c.codes.lookup(def.code_table, o2->text);
    if (!code) {
      c.d.warning("code-invalid", o2->at, "supplemental oxygen '" + o2->text + "' is not yes or no: left out");
      all_scored = false;
    } else {
      parts.push_back(c.add("Observation", base(c, def, {*code}, when, prefix + "supplemental_oxygen"), Write::Upsert));
      score("supplemental_oxygen", o2->text);
    }
  } else {
    all_scored = false;
  }
  const Value* total = get("news2_total");
  if (!total) return;
  std::string num = c.number(*total, "NEWS2 total");
  if (num.empty()) return;
  const ObservationDef& def = c.codes.observations.at("news2_total");
  J o = base(c, def, def.code, when, prefix + "news2");
  o.AddMember("valueQuantity", c.quantity(num, def.unit, def.ucum), c.a());
  if (!scores.Empty()) o.AddMember("component", scores, c.a());
  if (!parts.empty()) {
    J members(rapidjson::kArrayType);
    for (int p : parts) members.PushBack(c.ref(p), c.a());
    o.AddMember("hasMember", members, c.a());
  }
  if (all_scored && std::to_string(points) != total->text)
    c.d.warning("business-rule", total->at,
                "NEWS2 total " + total->text + " differs from the " + std::to_string(points) + " points its parameters score: kept as sent");
  c.add("Observation", std::move(o), Write::Upsert);
}

}  // namespace

void add_observations(Ctx& c) {
  auto it = c.r.lists.find("observations");
  if (it == c.r.lists.end()) return;
  for (std::size_t n = 0; n < it->second.size(); ++n) add_set(c, it->second[n], n + 1);
}

}  // namespace hidewire::plugins::ambulance
