// The care side of one person's Bundle: who cares for them and coordinates their care, the
// episode, the plan, referrals, visits, conditions and alerts.
#include "plugins/converters/delimited/social_context.hpp"

namespace hidewire::plugins::social {
namespace {

using fhir::build::Write;

const std::vector<Item>& list_of(const Ctx& c, const char* section) {
  static const std::vector<Item> none;
  auto it = c.r.lists.find(section);
  return it == c.r.lists.end() ? none : it->second;
}

// "{section}/{id}", or the item's place in its list when the sender gives it no id.
std::string suffix(const char* section, const Item& it, std::size_t n) {
  const std::string& id = it.text("id");
  return std::string(section) + "/" + (id.empty() ? std::to_string(n + 1) : id);
}

J base(Ctx& c, const char* type, const std::string& id_suffix) {
  J o(rapidjson::kObjectType);
  o.AddMember("resourceType", J(type, c.a()), c.a());
  J ids(rapidjson::kArrayType);
  ids.PushBack(c.record_identifier(id_suffix), c.a());
  o.AddMember("identifier", ids, c.a());
  return o;
}

J human_name(Ctx& c, const Item& it) {
  J name(rapidjson::kObjectType), names(rapidjson::kArrayType);
  if (const std::string& f = it.text("family"); !f.empty()) name.AddMember("family", c.str(f), c.a());
  if (const std::string& g = it.text("given"); !g.empty()) {
    J given(rapidjson::kArrayType);
    given.PushBack(c.str(g), c.a());
    name.AddMember("given", given, c.a());
  }
  if (const std::string& t = it.text("name"); !t.empty()) name.AddMember("text", c.str(t), c.a());
  names.PushBack(name, c.a());
  return names;
}

void phone(Ctx& c, J& res, const Item& it) {
  if (const std::string& p = it.text("phone"); !p.empty()) {
    J t(rapidjson::kObjectType), list(rapidjson::kArrayType);
    t.AddMember("system", "phone", c.a());
    t.AddMember("value", c.str(p), c.a());
    list.PushBack(t, c.a());
    res.AddMember("telecom", list, c.a());
  }
}

bool named(const Item& it) { return !it.text("name").empty() || !it.text("family").empty() || !it.text("given").empty(); }

int related_person(Ctx& c, const Item& it, const std::string& id_suffix, const std::string& relationship) {
  J rp = base(c, "RelatedPerson", id_suffix);
  rp.AddMember("active", true, c.a());
  c.add_subject(rp, "patient");
  if (!relationship.empty()) {
    J rels(rapidjson::kArrayType);
    rels.PushBack(c.codeable("relationship", relationship), c.a());
    rp.AddMember("relationship", rels, c.a());
  }
  rp.AddMember("name", human_name(c, it), c.a());
  phone(c, rp, it);
  return c.add("RelatedPerson", std::move(rp));
}

J period(Ctx& c, const std::string& start, const std::string& end) {
  J p(rapidjson::kObjectType);
  if (!start.empty()) p.AddMember("start", c.str(start), c.a());
  if (!end.empty()) p.AddMember("end", c.str(end), c.a());
  return p;
}

void status(Ctx& c, J& res, const char* table, const Value* v, const char* dflt) {
  const Coding* code = v ? c.codes.lookup(table, v->text) : nullptr;
  if (v && !code) c.d.warning("code-invalid", v->at, "status '" + plain(v->text) + "' is not one the maps know: " + dflt + " assumed");
  res.AddMember("status", c.str(code ? code->code : dflt), c.a());
}

void notes(Ctx& c, J& res, const std::vector<std::string>& texts) {
  if (texts.empty()) return;
  J list(rapidjson::kArrayType);
  for (const std::string& t : texts) list.PushBack(c.annotation(t), c.a());
  res.AddMember("note", list, c.a());
}

J activity(Ctx& c, const char* state, const std::string& kind, const std::string& description, const std::string& scheduled = {}) {
  J detail(rapidjson::kObjectType), act(rapidjson::kObjectType), code(rapidjson::kObjectType);
  code.AddMember("text", c.str(kind), c.a());
  detail.AddMember("code", code, c.a());
  detail.AddMember("status", J(state, c.a()), c.a());
  if (!scheduled.empty()) detail.AddMember("scheduledString", c.str(scheduled), c.a());
  detail.AddMember("description", c.str(description), c.a());
  act.AddMember("detail", detail, c.a());
  return act;
}

}  // namespace

void add_carers(Ctx& c) {
  const auto& carers = list_of(c, "carer");
  for (std::size_t i = 0; i < carers.size(); ++i) {
    if (!named(carers[i])) {
      c.d.warning("required", "carer", "a carer without a name is not recorded as a RelatedPerson");
      continue;
    }
    int n = related_person(c, carers[i], suffix("carer", carers[i], i), carers[i].text("relationship"));
    c.carers.emplace(carers[i].text("name") + "|" + carers[i].text("family") + "|" + carers[i].text("given"), n);
  }
}

void add_care_team(Ctx& c) {
  const auto& coordinators = list_of(c, "coordinator");
  if (coordinators.empty()) return;
  J team = base(c, "CareTeam", "care-team");
  team.AddMember("status", "active", c.a());
  team.AddMember("name", c.str("Care and support team of " + c.opts.council_name), c.a());
  c.add_subject(team, "subject");
  J parts(rapidjson::kArrayType);
  for (std::size_t i = 0; i < coordinators.size(); ++i) {
    const Item& co = coordinators[i];
    if (!named(co)) continue;
    const std::string& role = co.text("role");
    const Coding* kind = c.codes.lookup("coordinator_role", role);
    if (!kind) c.d.warning("code-invalid", co.get("role") ? co.get("role")->at : "coordinator",
                           "care coordinator role '" + plain(role) + "' is not one the maps know: recorded as a practitioner");
    int member;
    bool staff = !(kind && kind->kind == "related-person");
    auto carer = c.carers.find(co.text("name") + "|" + co.text("family") + "|" + co.text("given"));
    if (!staff && carer != c.carers.end()) {
      member = carer->second;
    } else if (!staff) {
      // A volunteer or a family member: a RelatedPerson of the person, not staff.
      member = related_person(c, co, suffix("coordinator", co, i), co.text("relationship").empty() ? role : co.text("relationship"));
    } else {
      J pr = base(c, "Practitioner", suffix("coordinator", co, i));
      pr.AddMember("active", true, c.a());
      pr.AddMember("name", human_name(c, co), c.a());
      phone(c, pr, co);
      member = c.add("Practitioner", std::move(pr));
    }
    J part(rapidjson::kObjectType), roles(rapidjson::kArrayType), r(rapidjson::kObjectType);
    r.AddMember("text", c.str(kind ? kind->display : role.empty() ? "Care coordinator" : plain(role)), c.a());
    roles.PushBack(r, c.a());
    part.AddMember("role", roles, c.a());
    part.AddMember("member", c.ref(member), c.a());
    parts.PushBack(part, c.a());
  }
  if (parts.Empty()) return;
  team.AddMember("participant", parts, c.a());
  J org(rapidjson::kArrayType);
  org.PushBack(c.ref(c.council), c.a());
  team.AddMember("managingOrganization", org, c.a());
  c.care_team = c.add("CareTeam", std::move(team));
}

void add_episodes(Ctx& c) {
  const auto& eps = list_of(c, "episode");
  for (std::size_t i = 0; i < eps.size(); ++i) {
    const Item& e = eps[i];
    J ep = base(c, "EpisodeOfCare", suffix("episode", e, i));
    status(c, ep, "episode_status", e.get("status"), e.text("end").empty() ? "active" : "finished");
    if (const std::string& t = e.text("type"); !t.empty()) {
      J types(rapidjson::kArrayType);
      types.PushBack(c.codeable("service", t), c.a());
      ep.AddMember("type", types, c.a());
    }
    c.add_subject(ep, "patient");
    ep.AddMember("managingOrganization", c.ref(c.council), c.a());
    if (!e.text("start").empty() || !e.text("end").empty()) ep.AddMember("period", period(c, e.text("start"), e.text("end")), c.a());
    if (c.care_team >= 0) {
      J teams(rapidjson::kArrayType);
      teams.PushBack(c.ref(c.care_team), c.a());
      ep.AddMember("team", teams, c.a());
    }
    int n = c.add("EpisodeOfCare", std::move(ep));
    if (c.episode < 0) c.episode = n;
  }
}

void add_plans(Ctx& c) {
  const auto& plans = list_of(c, "plan");
  for (std::size_t i = 0; i < plans.size(); ++i) {
    const Item& p = plans[i];
    std::string sfx = suffix("plan", p, i);
    J goals(rapidjson::kArrayType);
    std::vector<std::string> goal_texts = p.all("goal");
    for (std::size_t g = 0; g < goal_texts.size(); ++g) {
      J goal = base(c, "Goal", sfx + "/goal/" + std::to_string(g + 1));
      goal.AddMember("lifecycleStatus", "active", c.a());
      J desc(rapidjson::kObjectType);
      desc.AddMember("text", c.str(plain(goal_texts[g])), c.a());
      goal.AddMember("description", desc, c.a());
      c.add_subject(goal, "subject");
      goals.PushBack(c.ref(c.add("Goal", std::move(goal))), c.a());
    }
    J plan = base(c, "CarePlan", sfx);
    plan.AddMember("status", "active", c.a());
    plan.AddMember("intent", "plan", c.a());
    plan.AddMember("title", "Care and support plan", c.a());
    c.add_subject(plan, "subject");
    if (!p.text("start").empty()) plan.AddMember("period", period(c, p.text("start"), ""), c.a());
    plan.AddMember("author", c.ref(c.council), c.a());
    if (c.care_team >= 0) {
      J teams(rapidjson::kArrayType);
      teams.PushBack(c.ref(c.care_team), c.a());
      plan.AddMember("careTeam", teams, c.a());
    }
    if (!goals.Empty()) plan.AddMember("goal", goals, c.a());
    J acts(rapidjson::kArrayType);
    for (const std::string& need : p.all("need")) acts.PushBack(activity(c, "in-progress", "Assessed need", plain(need)), c.a());
    for (const std::string& t : p.all("trigger"))
      acts.PushBack(activity(c, "not-started", "Urgent care trigger", plain(t)), c.a());
    if (const std::string& review = p.text("review_date"); !review.empty())
      acts.PushBack(activity(c, "scheduled", "Care and support plan review", "Review of the care and support plan", review), c.a());
    if (!acts.Empty()) plan.AddMember("activity", acts, c.a());
    notes(c, plan, p.all("note"));
    c.add("CarePlan", std::move(plan));
  }
}

void add_referrals_and_visits(Ctx& c) {
  const auto& refs = list_of(c, "referral");
  for (std::size_t i = 0; i < refs.size(); ++i) {
    const Item& r = refs[i];
    J sr = base(c, "ServiceRequest", suffix("referral", r, i));
    status(c, sr, "referral_status", r.get("status"), "active");
    sr.AddMember("intent", "order", c.a());
    if (const std::string& s = r.text("service"); !s.empty()) sr.AddMember("code", c.codeable("service", s), c.a());
    c.add_subject(sr, "subject");
    if (const std::string& d = r.text("date"); !d.empty()) sr.AddMember("authoredOn", c.str(d), c.a());
    sr.AddMember("requester", c.ref(c.council), c.a());
    if (const std::string& to = r.text("to"); !to.empty()) {
      J perf(rapidjson::kArrayType), who(rapidjson::kObjectType);
      who.AddMember("display", c.str(to), c.a());
      perf.PushBack(who, c.a());
      sr.AddMember("performer", perf, c.a());
    }
    notes(c, sr, r.all("reason"));
    c.add("ServiceRequest", std::move(sr));
  }
  const auto& visits = list_of(c, "visit");
  for (std::size_t i = 0; i < visits.size(); ++i) {
    const Item& v = visits[i];
    J enc = base(c, "Encounter", suffix("visit", v, i));
    if (const std::string& note = v.text("note"); !note.empty()) enc.AddMember("text", c.narrative(note), c.a());
    enc.AddMember("status", "finished", c.a());
    const std::string& type = v.text("type");
    const Coding* cls = c.codes.lookup("visit_class", type);
    enc.AddMember("class", c.coding(cls ? *cls : *c.codes.lookup("visit_class", "home-visit")), c.a());
    if (!type.empty()) {
      J types(rapidjson::kArrayType);
      types.PushBack(c.codeable("visit_type", type), c.a());
      enc.AddMember("type", types, c.a());
    }
    c.add_subject(enc, "subject");
    if (c.episode >= 0) {
      J eps(rapidjson::kArrayType);
      eps.PushBack(c.ref(c.episode), c.a());
      enc.AddMember("episodeOfCare", eps, c.a());
    }
    if (const std::string& by = v.text("by"); !by.empty()) {
      J parts(rapidjson::kArrayType), part(rapidjson::kObjectType), who(rapidjson::kObjectType);
      who.AddMember("display", c.str(by), c.a());
      part.AddMember("individual", who, c.a());
      parts.PushBack(part, c.a());
      enc.AddMember("participant", parts, c.a());
    }
    if (const std::string& d = v.text("date"); !d.empty()) enc.AddMember("period", period(c, d, d), c.a());
    enc.AddMember("serviceProvider", c.ref(c.council), c.a());
    c.add("Encounter", std::move(enc));
  }
}

void add_conditions_and_alerts(Ctx& c) {
  const auto& conds = list_of(c, "condition");
  for (std::size_t i = 0; i < conds.size(); ++i) {
    const Item& k = conds[i];
    // Coded where the map translates the council's code; its own words are the text either way.
    std::string code = k.text("code");
    if (code.empty()) code = "text:" + k.text("text");
    if (plain(code).empty()) continue;
    J cond = base(c, "Condition", "condition/" + (c.codes.lookup("condition", code) ? code : std::to_string(i + 1)));
    J cs(rapidjson::kObjectType), csc(rapidjson::kArrayType), cat(rapidjson::kObjectType), cats(rapidjson::kArrayType);
    fhir::build::Json plc(rapidjson::kArrayType);
    cs.AddMember("coding", csc, c.a());
    cs["coding"].PushBack(c.coding({"http://terminology.hl7.org/CodeSystem/condition-clinical", "active", "Active", ""}), c.a());
    cond.AddMember("clinicalStatus", cs, c.a());
    cat.AddMember("coding", plc, c.a());
    cat["coding"].PushBack(c.coding({"http://terminology.hl7.org/CodeSystem/condition-category", "problem-list-item", "Problem List Item", ""}), c.a());
    cats.PushBack(cat, c.a());
    cond.AddMember("category", cats, c.a());
    J cc = c.codeable("condition", code);
    if (const std::string& t = k.text("text"); !t.empty() && !k.text("code").empty()) cc["text"].SetString(t.c_str(), static_cast<rapidjson::SizeType>(t.size()), c.a());
    cond.AddMember("code", cc, c.a());
    c.add_subject(cond, "subject");
    if (const std::string& o = k.text("onset"); !o.empty()) cond.AddMember("onsetDateTime", c.str(o), c.a());
    c.add("Condition", std::move(cond));
  }
  const auto& alerts = list_of(c, "alert");
  for (std::size_t i = 0; i < alerts.size(); ++i) {
    const Item& al = alerts[i];
    J flag = base(c, "Flag", suffix("alert", al, i));
    if (const std::string& t = al.text("text"); !t.empty()) flag.AddMember("text", c.narrative(t), c.a());
    flag.AddMember("status", "active", c.a());
    // The alert's kind as the code's text (the free text is the narrative), or the free text alone.
    std::string type = al.text("type");
    if (type.empty()) type = "text:" + (al.text("text").empty() ? std::string("Alert") : al.text("text"));
    flag.AddMember("code", c.codeable("alert", type), c.a());
    c.add_subject(flag, "subject");
    if (const std::string& s = al.text("start"); !s.empty()) flag.AddMember("period", period(c, s, ""), c.a());
    flag.AddMember("author", c.ref(c.council), c.a());
    c.add("Flag", std::move(flag));
  }
}

}  // namespace hidewire::plugins::social
